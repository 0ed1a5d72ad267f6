import type { IncomingMessage } from 'node:http';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** Headers a reverse proxy adds: a request carrying one came from elsewhere, whatever the socket says. */
function forwarded(req: IncomingMessage): string | undefined {
  const xff = req.headers['x-forwarded-for'];
  const value = Array.isArray(xff) ? xff.join(',') : xff;
  if (value) return value;
  const fwd = req.headers.forwarded;
  return typeof fwd === 'string' ? fwd : undefined;
}

/**
 * The client's address for throttling and logs. Behind a reverse proxy on the same host (how the
 * README publishes the widget) every socket is 127.0.0.1: with TRUST_PROXY the last address the proxy
 * appended to X-Forwarded-For is the client's. Without it the header is ignored — anyone can send one.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const socket = req.socket.remoteAddress ?? '?';
  if (!trustProxy) return socket;
  const xff = req.headers['x-forwarded-for'];
  const list = (Array.isArray(xff) ? xff.join(',') : (xff ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return list[list.length - 1] ?? socket;
}

/** A request from this machine itself, not relayed by a proxy (routes meant for the server's own calls). */
export function isLocalRequest(req: IncomingMessage): boolean {
  return LOOPBACK.has(req.socket.remoteAddress ?? '') && forwarded(req) === undefined;
}

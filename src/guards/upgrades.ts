import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

const REFUSAL =
  'HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 26\r\n\r\nupgrades are not supported';

/**
 * Nothing here speaks WebSocket. restify (without handleUpgrades) re-emits Node's `upgrade` event,
 * so Node no longer closes such requests itself and nobody answered them: each one kept a socket
 * open forever. Every upgrade request is refused and its socket closed, whatever the route.
 */
export function refuseUpgrades(server: Server): void {
  server.on('upgrade', (_req: unknown, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    // A client that never reads must not keep the socket either.
    const timer = setTimeout(() => socket.destroy(), 2000);
    socket.end(REFUSAL, () => {
      clearTimeout(timer);
      socket.destroy();
    });
  });
}

import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import type restify from 'restify';
import { HttpInputError, readBody } from '../http-input.ts';
import { CONSOLE_CSP } from './html.ts';

/** Headers of every console page: strict CSP, no sniffing, no referrer, never cached. */
export function send(res: restify.Response, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': CONSOLE_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(body);
}

/** After a form: « see other » (303), so a reload does not post again. */
export function redirect(res: restify.Response, location: string, headers: Record<string, string> = {}): void {
  send(res, 303, '', { location, ...headers });
}

/** A cookie the browser sent (percent-encoded values decoded, as setCookie encodes them), or undefined. */
export function cookie(req: restify.Request, name: string): string | undefined {
  return parseCookies(req.header('cookie') ?? '')[name];
}

/** Whether the browser reached us over HTTPS (directly, or through the README's reverse proxy). */
export function secure(req: restify.Request): boolean {
  return (
    (req.header('x-forwarded-proto') ?? '').split(',')[0]?.trim() === 'https' ||
    (req.socket as { encrypted?: boolean }).encrypted === true
  );
}

/** A console cookie: HttpOnly, SameSite=Strict, only under /admin, Secure behind HTTPS. */
export function setCookie(req: restify.Request, name: string, value: string, maxAgeSeconds: number): string {
  return serializeCookie(name, value, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/admin',
    maxAge: maxAgeSeconds,
    secure: secure(req),
  });
}

export async function readForm(req: restify.Request): Promise<URLSearchParams> {
  const type = req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) throw new HttpInputError(415, 'formulaire attendu');
  return new URLSearchParams(await readBody(req, 16 * 1024));
}

export function query(req: restify.Request): URLSearchParams {
  return new URL(req.url ?? '/admin', 'http://x').searchParams;
}

/** A refusal the console explains in French on a page (status and message). */
export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly back?: { href: string; label: string },
  ) {
    super(message);
  }
}

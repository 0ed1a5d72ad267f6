/**
 * Where a bot without App ID (local mode) may post its replies. Requests are not authenticated in
 * that mode, so the activity's serviceUrl is whatever the sender wrote: without a list, anyone
 * reaching /api/messages could make the server POST to any address (cloud metadata service,
 * internal ports). Loopback is always allowed (Emulator, the local Direct Line, tests); other
 * connectors are listed in ALLOWED_SERVICE_URLS.
 */

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface ServiceUrlPolicy {
  allows(serviceUrl: string): boolean;
}

/** `allowed`: URL prefixes (scheme, host, port and path prefix must match). */
export function serviceUrlPolicy(allowed: readonly string[]): ServiceUrlPolicy {
  const prefixes = allowed.map((a) => new URL(a));
  return {
    allows(serviceUrl: string): boolean {
      let url: URL;
      try {
        url = new URL(serviceUrl);
      } catch {
        return false;
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
      if (url.username || url.password) return false;
      if (LOOPBACK.has(url.hostname)) return true;
      return prefixes.some((p) => p.origin === url.origin && url.pathname.startsWith(p.pathname));
    },
  };
}

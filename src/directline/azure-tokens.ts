/**
 * Production Direct Line (Azure Bot Service): the server exchanges its DIRECT_LINE_SECRET for a
 * short-lived token bound to a user id it chooses. The secret never reaches the browser.
 */
export interface DirectLineToken {
  token: string;
  conversationId?: string;
  expires_in: number;
}

async function call(url: string, bearer: string, body?: unknown): Promise<DirectLineToken> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`Direct Line answered ${response.status}`);
  const data = (await response.json()) as Partial<DirectLineToken>;
  if (typeof data.token !== 'string') throw new Error('Direct Line answered without a token');
  return { token: data.token, conversationId: data.conversationId, expires_in: Number(data.expires_in ?? 1800) };
}

export function generateToken(domain: string, secret: string, userId: string): Promise<DirectLineToken> {
  return call(`${domain}/tokens/generate`, secret, { user: { id: userId } });
}

export function refreshToken(domain: string, token: string): Promise<DirectLineToken> {
  return call(`${domain}/tokens/refresh`, token);
}

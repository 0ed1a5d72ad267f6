import type { IncomingMessage } from 'node:http';
import { z } from 'zod';

/**
 * Checks on what reaches /api/messages before the adapter sees it, so that bad input gets a 4xx
 * with a short reason instead of a 500 or a stack trace.
 */

export class HttpInputError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * A route parameter (`/conversations/:id`) as a string. restify types `req.params` as `any`; a route
 * that matched always has its parameters, so a missing one reads as '' (matched by nothing).
 */
export function routeParam(req: { params?: unknown }, name: string): string {
  const value = (req.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** Reads the whole body, refusing more than `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new HttpInputError(413, `body larger than ${limit} bytes`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new HttpInputError(413, `body larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => { if (!failed) resolve(Buffer.concat(chunks).toString('utf8')); });
    req.on('error', (err) => { if (!failed) reject(new HttpInputError(400, `could not read the body: ${err.message}`)); });
  });
}

/** Channel ids (Teams' « a:1…», « 29:… », Direct Line's « …|0000001 ») are far shorter than this. */
const Id = z.string().min(1, 'must not be empty').max(512, 'longer than 512 characters');
const Account = z.looseObject({ id: Id });

/** The parts of a Bot Framework activity the assistant relies on. Every channel sends all of them. */
export const IncomingActivitySchema = z.looseObject({
  type: z.string().min(1).max(64),
  channelId: z.string().min(1).max(64),
  serviceUrl: z.url({ protocol: /^https?$/ }).max(2048),
  conversation: Account,
  from: Account,
  recipient: Account,
  text: z.string().optional(),
  membersAdded: z.array(Account).max(100).optional(),
});

/** No channel nests its JSON this deep; a client that does is refused before anything walks it. */
const MAX_DEPTH = 32;

function tooDeep(raw: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > MAX_DEPTH) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

export function parseActivity(contentType: string | undefined, raw: string): z.infer<typeof IncomingActivitySchema> {
  if (!contentType || !/^application\/([a-z.+-]*\+)?json\b/i.test(contentType)) {
    throw new HttpInputError(415, 'expected Content-Type: application/json');
  }
  if (tooDeep(raw)) throw new HttpInputError(400, `body nested deeper than ${MAX_DEPTH} levels`);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new HttpInputError(400, 'body is not valid JSON');
  }
  const result = IncomingActivitySchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new HttpInputError(400, `invalid activity: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}

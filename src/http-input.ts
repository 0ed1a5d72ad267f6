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

const Account = z.looseObject({ id: z.string().min(1, 'must not be empty') });

/** The parts of a Bot Framework activity the assistant relies on. */
export const IncomingActivitySchema = z.looseObject({
  type: z.string().min(1),
  channelId: z.string().min(1),
  serviceUrl: z.url({ protocol: /^https?$/ }),
  conversation: Account,
  from: Account,
  recipient: Account.optional(),
  text: z.string().optional(),
  membersAdded: z.array(Account).optional(),
});

export function parseActivity(contentType: string | undefined, raw: string): z.infer<typeof IncomingActivitySchema> {
  if (!contentType || !/^application\/([a-z.+-]*\+)?json\b/i.test(contentType)) {
    throw new HttpInputError(415, 'expected Content-Type: application/json');
  }
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

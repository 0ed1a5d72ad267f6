import type { IncomingMessage } from 'node:http';
import { z } from 'zod';

/**
 * Checks on what reaches /api/messages before the adapter sees it, so that bad input gets a 4xx
 * with a short reason instead of a 500 or a stack trace.
 */

export class HttpInputError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
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
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (err) => {
      if (!failed) reject(new HttpInputError(400, `could not read the body: ${err.message}`));
    });
  });
}

/** Channel ids (Teams' « a:1…», « 29:… », Direct Line's « …|0000001 ») are far shorter than this. */
const Id = z.string().min(1, 'must not be empty').max(512, 'longer than 512 characters');
/** A text field of the protocol, absent or null when the channel has nothing to say. */
const Text = z.string().max(512, 'longer than 512 characters').nullish();
/** Half of a UTF-16 surrogate pair without its other half: not text, and no URL can encode it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/**
 * The fields a reply copies back (the reply's recipient is this sender, its conversation this one):
 * botbuilder's serializer refuses a reply whose copied `name` is a number — after the turn ran, so
 * the learner would get nothing — so they are checked here, where a 400 says which one.
 */
const Account = z.looseObject({ id: Id, name: Text, role: Text, aadObjectId: Text });
/**
 * botbuilder sends the conversation id in a header (x-ms-conversation-id) with each reply, where
 * Node refuses anything but Latin-1; every channel's ids are printable ASCII.
 */
const ConversationAccount = Account.extend({
  id: Id.regex(/^[\x20-\x7e]+$/, 'printable ASCII only'),
  isGroup: z.boolean().nullish(),
  conversationType: Text,
  tenantId: Text,
});

/** The parts of a Bot Framework activity the assistant relies on. Every channel sends all of them. */
export const IncomingActivitySchema = z
  .looseObject({
    type: z.string().min(1).max(64),
    // The reply's replyToId and locale. The id goes into the connector's URL (…/activities/{id}), where
    // a lone surrogate makes the reply throw (URIError) after the turn ran: refused here with a 400.
    id: Text.refine((s) => !s || !LONE_SURROGATE.test(s), 'not well-formed text (a lone surrogate)'),
    locale: z.string().max(64).nullish(),
    channelId: z.string().min(1).max(64),
    serviceUrl: z.url({ protocol: /^https?$/ }).max(2048),
    conversation: ConversationAccount,
    from: Account,
    recipient: Account,
    text: z.string().optional(),
    membersAdded: z.array(Account).max(100).optional(),
    membersRemoved: z.array(Account).max(100).optional(),
    // botbuilder looks for mentions (`entity.type.toLowerCase()`) in every message before the bot reads it.
    entities: z
      .array(z.looseObject({ type: z.string().min(1).max(128) }))
      .max(100)
      .optional(),
    // Read by the transcript recorder (a card's words) and the bot (files, cards), one object each.
    attachments: z
      .array(z.looseObject({ contentType: z.string().max(256).nullish() }))
      .max(50)
      .nullish(),
  })
  .superRefine((a, ctx) => {
    (a.entities ?? []).forEach((entity, i) => {
      if (entity.type.toLowerCase() !== 'mention') return;
      // Removing the bot's mention compares `mentioned.id` and cuts the mention's text out of the message's.
      const mentioned = entity.mentioned as { id?: unknown } | undefined;
      if (!isObject(mentioned) || typeof mentioned.id !== 'string') {
        ctx.addIssue({
          code: 'custom',
          path: ['entities', i, 'mentioned'],
          message: 'a mention names who is mentioned ({ id: string })',
        });
      } else if (mentioned.id === a.recipient.id && typeof a.text !== 'string') {
        ctx.addIssue({ code: 'custom', path: ['text'], message: 'a message that mentions the bot has a text' });
      } else if (entity.text !== undefined && entity.text !== null && typeof entity.text !== 'string') {
        // botbuilder cuts the mention's text out of the message as a string (an object throws).
        ctx.addIssue({ code: 'custom', path: ['entities', i, 'text'], message: "a mention's text is a string" });
      }
    });
    // botbuilder reads an invoke's value as an object (`value.action.type` for a card action) and throws
    // a TypeError on anything else; every channel sends an object.
    if (a.type !== 'invoke' || a.value === undefined || a.value === null) return;
    if (typeof a.value !== 'object' || Array.isArray(a.value)) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: "an invoke's value must be an object" });
    } else if (a.name === 'adaptiveCard/action' && !isObject((a.value as { action?: unknown }).action)) {
      ctx.addIssue({
        code: 'custom',
        path: ['value', 'action'],
        message: 'an adaptiveCard/action invoke needs its action (an object)',
      });
    }
  });

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** No channel nests its JSON this deep; a client that does is refused before anything walks it. */
const MAX_DEPTH = 32;

function tooDeep(raw: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
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

import { randomUUID } from 'node:crypto';
import { MAX_MESSAGE_CHARS } from '../../dialogs/assistant-bot.ts';
import type { LocalTokens } from './tokens.ts';

/** An activity as exchanged on Direct Line (only what we read or set). */
export type DlActivity = Record<string, unknown> & { id?: string; type?: string };

interface Conversation {
  id: string;
  userId: string;
  /** The activities still kept; `first` is the watermark of activities[0]. */
  activities: DlActivity[];
  first: number;
  lastUsed: number;
}

export class DirectLineError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface LocalDirectLineLimits {
  /** Conversations kept at once; when full, only idle ones are forgotten, else new ones wait (503). */
  maxConversations: number;
  /** Conversations one learner (one token's user) keeps; a new one forgets their least recent. */
  maxPerUser: number;
  /** A conversation unused for this long may be forgotten. */
  idleMs: number;
  /** Activities kept per conversation: the page has long fetched older ones. */
  maxActivities: number;
  /** Activities returned by one poll (the page asks again from the new watermark). */
  maxPerPoll: number;
}

const DEFAULT_LIMITS: LocalDirectLineLimits = {
  maxConversations: 2000,
  maxPerUser: 5,
  idleMs: 60 * 60 * 1000,
  maxActivities: 200,
  maxPerPoll: 100,
};

/** What a page may say in an activity; everything else (serviceUrl, from, ids…) is the server's. */
const VALUE_MAX_CHARS = 4096;

const PAGE_TYPES = new Set(['message', 'event', 'typing']);

function fromPage(activity: DlActivity): DlActivity {
  // What Web Chat sends; an invoke (or anything else) would reach the bot as no page ever sends it.
  if (typeof activity.type !== 'string' || !PAGE_TYPES.has(activity.type)) {
    throw new DirectLineError(400, 'activity.type must be message, event or typing');
  }
  const out: DlActivity = { type: activity.type };
  // Read only up to what the bot reads (see MAX_MESSAGE_CHARS): nothing larger is forwarded or kept.
  if (typeof activity.text === 'string') out.text = activity.text.slice(0, MAX_MESSAGE_CHARS);
  if (typeof activity.locale === 'string' && activity.locale.length <= 16) out.locale = activity.locale;
  if (activity.textFormat === 'plain' || activity.textFormat === 'markdown') out.textFormat = activity.textFormat;
  if (typeof activity.name === 'string' && activity.name.length <= 64) out.name = activity.name;
  if (activity.value !== undefined) {
    const value = JSON.stringify(activity.value);
    if (value !== undefined && value.length <= VALUE_MAX_CHARS) out.value = activity.value;
  }
  // Web Chat matches its pending message with the echo by clientActivityID.
  const cd = activity.channelData as Record<string, unknown> | undefined;
  if (cd && typeof cd.clientActivityID === 'string' && cd.clientActivityID.length <= 64) {
    out.channelData = { clientActivityID: cd.clientActivityID };
  }
  return out;
}

/**
 * A small Direct Line 3.0–compatible service for local use (no Azure): Web Chat starts a
 * conversation, posts activities and polls for new ones. Every message goes to the bot through
 * POST /api/messages, like any channel's; the bot's replies come back through the connector routes
 * (`serviceUrl`), and are queued for the page. Memory is bounded: activities are cut to what the bot
 * reads, each conversation keeps its recent activities only, and conversations are capped per learner
 * and in all.
 */
export class LocalDirectLine {
  private readonly conversations = new Map<string, Conversation>();
  private readonly limits: LocalDirectLineLimits;
  private seq = 0;

  constructor(
    private readonly tokens: LocalTokens,
    /** Where this server listens, for the bot endpoint and the serviceUrl (loopback). */
    private readonly selfUrl: () => string,
    limits: Partial<LocalDirectLineLimits> = {},
    private readonly now: () => number = () => Date.now(),
    private readonly botId = 'assistant',
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  get serviceUrl(): string {
    return `${this.selfUrl()}/directline-connector/`;
  }

  /** How many activities are kept in all (for tests and monitoring). */
  get size(): { conversations: number; activities: number } {
    let activities = 0;
    for (const c of this.conversations.values()) activities += c.activities.length;
    return { conversations: this.conversations.size, activities };
  }

  private conversationFor(id: string, token: string | undefined): Conversation {
    const userId = this.tokens.verify(token);
    if (!userId) throw new DirectLineError(403, 'invalid or expired token');
    const conversation = this.conversations.get(id);
    if (!conversation) throw new DirectLineError(404, 'unknown conversation');
    if (conversation.userId !== userId) throw new DirectLineError(403, 'token does not belong to this conversation');
    conversation.lastUsed = this.now();
    return conversation;
  }

  /** POST /v3/directline/conversations */
  async start(token: string | undefined): Promise<{ conversationId: string; token: string; expires_in: number }> {
    const userId = this.tokens.verify(token);
    if (!userId) throw new DirectLineError(403, 'invalid or expired token');
    this.makeRoomFor(userId);
    const id = randomUUID();
    this.conversations.set(id, { id, userId, activities: [], first: 0, lastUsed: this.now() });
    // As Direct Line does: the bot learns that the user joined (it greets once).
    await this.toBot(id, { type: 'conversationUpdate', membersAdded: [{ id: userId }, { id: this.botId }] });
    return { conversationId: id, token: token!, expires_in: 1800 };
  }

  /** POST /v3/directline/conversations/:id/activities — the learner's activity, to the bot. */
  async post(conversationId: string, token: string | undefined, activity: DlActivity): Promise<{ id: string }> {
    const conversation = this.conversationFor(conversationId, token);
    const stored: DlActivity = {
      ...fromPage(activity),
      id: this.nextId(conversationId),
      timestamp: new Date(this.now()).toISOString(),
      channelId: 'webchat',
      // The server decides who speaks: the token's user, whatever the page claims.
      from: { id: conversation.userId, role: 'user' },
      conversation: { id: conversationId },
      recipient: { id: this.botId, role: 'bot' },
    };
    // Queued before the bot runs, so the page sees its message before the replies.
    this.keep(conversation, stored);
    try {
      await this.toBot(conversationId, stored);
    } catch (err) {
      // A message the bot refused is not kept.
      const at = conversation.activities.indexOf(stored);
      if (at >= 0) conversation.activities.splice(at, 1);
      throw err;
    }
    return { id: stored.id! };
  }

  /** GET /v3/directline/conversations/:id/activities?watermark= */
  poll(
    conversationId: string,
    token: string | undefined,
    watermark: string | undefined,
  ): { activities: DlActivity[]; watermark: string } {
    const conversation = this.conversationFor(conversationId, token);
    const asked = Math.max(0, Number.parseInt(watermark ?? '0', 10) || 0);
    const from = Math.max(asked, conversation.first) - conversation.first;
    const activities = conversation.activities.slice(from, from + this.limits.maxPerPoll);
    return { activities, watermark: String(conversation.first + from + activities.length) };
  }

  /** Connector route: an activity the bot sends to the conversation. */
  receiveFromBot(conversationId: string, activity: DlActivity): { id: string } {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) throw new DirectLineError(404, 'unknown conversation');
    const id = this.nextId(conversationId);
    this.keep(conversation, {
      ...activity,
      id,
      timestamp: new Date(this.now()).toISOString(),
      from: { id: this.botId, role: 'bot', ...(activity.from as object | undefined) },
    });
    return { id };
  }

  private nextId(conversationId: string): string {
    return `${conversationId}|${String(++this.seq).padStart(7, '0')}`;
  }

  private keep(conversation: Conversation, activity: DlActivity): void {
    conversation.activities.push(activity);
    const over = conversation.activities.length - this.limits.maxActivities;
    if (over > 0) {
      conversation.activities.splice(0, over);
      conversation.first += over;
    }
  }

  private async toBot(conversationId: string, activity: DlActivity): Promise<void> {
    const conversation = this.conversations.get(conversationId)!;
    const body = {
      id: activity.id ?? this.nextId(conversationId),
      timestamp: new Date(this.now()).toISOString(),
      locale: 'fr-FR',
      ...activity,
      // Set last: the page never chooses where the bot replies or who is speaking.
      channelId: 'webchat',
      serviceUrl: this.serviceUrl,
      conversation: { id: conversationId },
      from: { id: conversation.userId, role: 'user' },
      recipient: { id: this.botId, role: 'bot' },
    };
    const response = await fetch(`${this.selfUrl()}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    await response.text();
    if (response.status >= 400) throw new DirectLineError(502, `the bot answered ${response.status}`);
  }

  /**
   * Before a new conversation: forgets idle conversations, then this learner's least recent beyond
   * their share. Conversations in use are never forgotten for someone else: when all are busy, the
   * new one is refused (503) and the page can retry.
   */
  private makeRoomFor(userId: string): void {
    const now = this.now();
    const mine: Conversation[] = [];
    for (const [id, c] of this.conversations) {
      if (now - c.lastUsed > this.limits.idleMs) this.conversations.delete(id);
      else if (c.userId === userId) mine.push(c);
    }
    mine.sort((a, b) => a.lastUsed - b.lastUsed);
    while (mine.length >= this.limits.maxPerUser) this.conversations.delete(mine.shift()!.id);
    if (this.conversations.size >= this.limits.maxConversations) {
      throw new DirectLineError(503, 'too many conversations in progress; try again in a few minutes');
    }
  }
}

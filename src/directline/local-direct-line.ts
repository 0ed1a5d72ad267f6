import { randomUUID } from 'node:crypto';
import type { LocalTokens } from './tokens.ts';

/** An activity as exchanged on Direct Line (only what we read or set). */
export type DlActivity = Record<string, unknown> & { id?: string; type?: string };

interface Conversation {
  id: string;
  userId: string;
  activities: DlActivity[];
  lastUsed: number;
}

export class DirectLineError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const MAX_CONVERSATIONS = 2000;
const IDLE_MS = 60 * 60 * 1000;

/**
 * A small Direct Line 3.0–compatible service for local use (no Azure): Web Chat starts a
 * conversation, posts activities and polls for new ones. Every message goes to the bot through
 * POST /api/messages, like any channel's; the bot's replies come back through the connector routes
 * (`serviceUrl`), and are queued for the page.
 */
export class LocalDirectLine {
  private readonly conversations = new Map<string, Conversation>();
  private seq = 0;

  constructor(
    private readonly tokens: LocalTokens,
    /** Where this server listens, for the bot endpoint and the serviceUrl (loopback). */
    private readonly selfUrl: () => string,
    private readonly botId = 'assistant',
  ) {}

  get serviceUrl(): string {
    return `${this.selfUrl()}/directline-connector/`;
  }

  private conversationFor(id: string, token: string | undefined): Conversation {
    const userId = this.tokens.verify(token);
    if (!userId) throw new DirectLineError(403, 'invalid or expired token');
    const conversation = this.conversations.get(id);
    if (!conversation) throw new DirectLineError(404, 'unknown conversation');
    if (conversation.userId !== userId) throw new DirectLineError(403, 'token does not belong to this conversation');
    conversation.lastUsed = Date.now();
    return conversation;
  }

  /** POST /v3/directline/conversations */
  async start(token: string | undefined): Promise<{ conversationId: string; token: string; expires_in: number }> {
    const userId = this.tokens.verify(token);
    if (!userId) throw new DirectLineError(403, 'invalid or expired token');
    this.evict();
    const id = randomUUID();
    this.conversations.set(id, { id, userId, activities: [], lastUsed: Date.now() });
    // As Direct Line does: the bot learns that the user joined (it greets once).
    await this.toBot(id, { type: 'conversationUpdate', membersAdded: [{ id: userId }, { id: this.botId }] });
    return { conversationId: id, token: token!, expires_in: 1800 };
  }

  /** POST /v3/directline/conversations/:id/activities — the learner's activity, to the bot. */
  async post(conversationId: string, token: string | undefined, activity: DlActivity): Promise<{ id: string }> {
    const conversation = this.conversationFor(conversationId, token);
    if (typeof activity.type !== 'string') throw new DirectLineError(400, 'activity.type must be a string');
    const stored: DlActivity = {
      ...activity,
      id: `${conversationId}|${String(++this.seq).padStart(7, '0')}`,
      timestamp: new Date().toISOString(),
      channelId: 'webchat',
      // The server decides who speaks: the token's user, whatever the page claims.
      from: { ...(activity.from as object | undefined), id: conversation.userId, role: 'user' },
      conversation: { id: conversationId },
      recipient: { id: this.botId, role: 'bot' },
    };
    conversation.activities.push(stored);
    await this.toBot(conversationId, stored);
    return { id: stored.id! };
  }

  /** GET /v3/directline/conversations/:id/activities?watermark= */
  poll(conversationId: string, token: string | undefined, watermark: string | undefined): { activities: DlActivity[]; watermark: string } {
    const conversation = this.conversationFor(conversationId, token);
    const from = Math.max(0, Number.parseInt(watermark ?? '0', 10) || 0);
    return { activities: conversation.activities.slice(from), watermark: String(conversation.activities.length) };
  }

  /** Connector route: an activity the bot sends to the conversation. */
  receiveFromBot(conversationId: string, activity: DlActivity): { id: string } {
    const conversation = this.conversations.get(conversationId);
    if (!conversation) throw new DirectLineError(404, 'unknown conversation');
    const id = `${conversationId}|${String(++this.seq).padStart(7, '0')}`;
    conversation.activities.push({ ...activity, id, timestamp: new Date().toISOString(), from: { id: this.botId, role: 'bot', ...(activity.from as object | undefined) } });
    return { id };
  }

  private async toBot(conversationId: string, activity: DlActivity): Promise<void> {
    const conversation = this.conversations.get(conversationId)!;
    const body = {
      channelId: 'webchat',
      serviceUrl: this.serviceUrl,
      conversation: { id: conversationId },
      from: { id: conversation.userId, role: 'user' },
      recipient: { id: this.botId, role: 'bot' },
      id: activity.id ?? `${conversationId}|${String(++this.seq).padStart(7, '0')}`,
      timestamp: new Date().toISOString(),
      locale: 'fr-FR',
      ...activity,
    };
    const response = await fetch(`${this.selfUrl()}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await response.text();
    if (response.status >= 400) throw new DirectLineError(502, `the bot answered ${response.status}`);
  }

  /** Forgets idle conversations, and the oldest ones beyond the limit (memory stays bounded). */
  private evict(): void {
    const now = Date.now();
    for (const [id, c] of this.conversations) if (now - c.lastUsed > IDLE_MS) this.conversations.delete(id);
    while (this.conversations.size >= MAX_CONVERSATIONS) {
      const oldest = this.conversations.keys().next().value;
      if (oldest === undefined) break;
      this.conversations.delete(oldest);
    }
  }
}

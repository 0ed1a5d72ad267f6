import {
  ActivityTypes,
  DeliveryModes,
  INVOKE_RESPONSE_KEY,
  type Activity,
  type ResourceResponse,
  type TurnContext,
} from 'botbuilder-core';

/** What became of replies said during a turn: sent, failed to send, or discarded with the turn. */
export type ReplyFate = 'sent' | 'failed' | 'discarded';

interface Batch {
  activities: Partial<Activity>[];
  settle: (fate: ReplyFate) => void;
}

const HOLD = Symbol('reply hold');

/**
 * Replies said during a turn wait until the turn's state is saved, then leave in the order they were
 * said. A turn whose save fails — another process moved the conversation on (eTag conflict), or the
 * store refused the write — discards them: the learner is never told « Quel mois ? » by a turn whose
 * step was not kept, and a turn run again after a conflict does not say its replies twice.
 *
 * The hold is the last send handler of the turn (after the one that stamps each reply with the dialog
 * step that said it), so what it keeps is exactly what would have left. Handlers earlier in the chain —
 * the transcript recorder — ask fateOf() to learn whether a reply they saw really left.
 */
export class ReplyHold {
  private held: Batch[] = [];
  private readonly fates = new WeakMap<object, Promise<ReplyFate>>();
  private holding = false;

  /** The turn's hold; registered once per turn, whatever number of attempts the turn takes. */
  static install(context: TurnContext): ReplyHold {
    const existing = ReplyHold.of(context);
    if (existing) return existing;
    const hold = new ReplyHold();
    context.turnState.set(HOLD, hold);
    context.onSendActivities(async (ctx, activities, next) => (hold.holding ? hold.capture(ctx, activities) : next()));
    return hold;
  }

  static of(context: TurnContext): ReplyHold | undefined {
    return context.turnState.get<ReplyHold | undefined>(HOLD);
  }

  private attempts = 0;
  private respondedBefore = false;

  /** From now on replies wait (an attempt of the turn starts). */
  begin(context: TurnContext): void {
    if (this.attempts++ === 0) this.respondedBefore = context.responded;
    // The discarded attempt's replies never left: prompts must not think the learner was answered
    // (a prompt sends its retry prompt only when nothing else was said in the turn).
    else if (!this.respondedBefore) forgetResponded(context);
    this.holding = true;
  }

  /** Whether these activities (the array a send handler received) were held, and what became of them. */
  fateOf(activities: Partial<Activity>[]): Promise<ReplyFate> | undefined {
    return this.fates.get(activities);
  }

  private capture(context: TurnContext, activities: Partial<Activity>[]): ResourceResponse[] {
    let settle!: (fate: ReplyFate) => void;
    this.fates.set(
      activities,
      new Promise<ReplyFate>((resolve) => {
        settle = resolve;
      }),
    );
    this.held.push({ activities, settle });
    if (activities.some((a) => a.type !== ActivityTypes.Trace)) context.responded = true;
    // The channel gives ids when the replies leave; nothing in the assistant refers to them meanwhile.
    return activities.map(() => ({ id: '' }));
  }

  /** Whether the turn said something to the learner (not only traces) that waits here. */
  holdsMessages(): boolean {
    return this.held.some((b) => b.activities.some((a) => a.type === ActivityTypes.Message));
  }

  /**
   * Says `text` through the turn's whole send chain (recorded, stamped, adapted to the channel), and
   * puts it before what the turn said: a notice about the whole turn comes first, and the turn's last
   * message keeps its buttons (channels show suggested actions of the last message only).
   */
  async sayFirst(context: TurnContext, text: string): Promise<void> {
    if (!this.holding) throw new Error('ReplyHold.sayFirst: only while the turn holds its replies');
    const count = this.held.length;
    await context.sendActivity(text);
    this.held.unshift(...this.held.splice(count));
  }

  /** The turn is kept: send what it said, in order. A failed send fails the turn (recorded, apologised). */
  async release(context: TurnContext): Promise<void> {
    this.holding = false;
    const batches = this.held.splice(0);
    for (let i = 0; i < batches.length; i++) {
      const batch = batches[i]!;
      try {
        await send(context, batch.activities);
        batch.settle('sent');
      } catch (err) {
        // Said but never delivered: the transcript keeps them, with the turn's error.
        for (const b of batches.slice(i)) b.settle('failed');
        throw err;
      }
    }
  }

  /** The turn is not kept: what it said never leaves. */
  discard(): void {
    this.holding = false;
    for (const b of this.held.splice(0)) b.settle('discarded');
  }
}

/** What TurnContext does at the end of its send chain. */
async function send(context: TurnContext, activities: Partial<Activity>[]): Promise<void> {
  if (context.activity.deliveryMode === DeliveryModes.ExpectReplies) {
    context.bufferedReplyActivities.push(...activities);
    for (const a of activities)
      if (a.type === ActivityTypes.InvokeResponse) context.turnState.set(INVOKE_RESPONSE_KEY, a);
    return;
  }
  const responses = await context.adapter.sendActivities(context, activities);
  responses?.forEach((r, i) => {
    if (activities[i]) activities[i].id = r.id;
  });
}

/**
 * botbuilder has no way to set `responded` back to false (its setter refuses it). The flag lives in
 * a private reference object; if the SDK changes its shape, fail the turn loudly rather than run it
 * again with prompts silenced.
 */
function forgetResponded(context: TurnContext): void {
  const ref = (context as unknown as { _respondedRef?: { responded?: unknown } })._respondedRef;
  if (!ref || typeof ref.responded !== 'boolean')
    throw new Error('TurnContext has no _respondedRef: cannot run a turn again');
  ref.responded = false;
}

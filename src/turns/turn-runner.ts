import type { TurnContext } from 'botbuilder-core';
import { isStateConflict } from '../storage/sqlite-state-storage.ts';
import type { Logger } from '../logger.ts';

/** What a turn runner drives: one attempt of a turn, which throws a storage conflict when it lost a race. */
export interface TurnLogic {
  run(context: TurnContext): Promise<void>;
}

export interface TurnRunnerOptions {
  logger: Logger;
  /** Attempts of a turn that keeps losing eTag races before it fails (and the learner gets an apology). */
  attempts?: number;
  /** Turns of one conversation waiting behind the running one before more are refused. */
  maxWaiting?: number;
}

/** Too many messages of one conversation at once: the turn is refused rather than queued. */
export class ConversationBusyError extends Error {
  constructor() {
    super('too many turns of this conversation waiting');
    this.name = 'ConversationBusyError';
  }
}

/**
 * Runs the bot's turns so that two messages of one conversation never corrupt its dialog state.
 *
 * - In this process, turns of one conversation run one after the other, in arrival order: the second
 *   message reads the state the first one saved. (Two turns interleaved on one state would otherwise
 *   both read step 1 and the last save would win.)
 * - Across processes sharing the store, the state is saved with its eTag (LearnerState): the turn that
 *   loses the race gets a conflict, its replies are discarded unsent (ReplyHold), and it is run again
 *   on the state the winner left.
 *
 * Only conversations with a turn running or waiting are in the map, so it stays bounded by the turns
 * in flight; `maxWaiting` bounds one conversation's queue (a client flooding one conversation).
 */
export class TurnRunner {
  private readonly tails = new Map<string, { tail: Promise<void>; pending: number }>();
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly logic: TurnLogic,
    private readonly o: TurnRunnerOptions,
  ) {}

  async run(context: TurnContext): Promise<void> {
    const key = `${context.activity.channelId}/${context.activity.conversation?.id}`;
    const queue = this.tails.get(key) ?? { tail: Promise.resolve(), pending: 0 };
    // `pending` counts the running turn and those waiting behind it.
    if (queue.pending > (this.o.maxWaiting ?? 16)) throw new ConversationBusyError();
    const previous = queue.tail;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const mine = previous.then(() => finished);
    queue.tail = mine;
    queue.pending++;
    this.tails.set(key, queue);
    this.inFlight++;
    try {
      await previous;
      await this.attempts(context);
    } finally {
      queue.pending--;
      done();
      if (queue.tail === mine) this.tails.delete(key);
      if (--this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private async attempts(context: TurnContext): Promise<void> {
    const max = this.o.attempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.logic.run(context);
        if (attempt > 1) this.o.logger.info({ attempt }, 'turn kept after an eTag conflict');
        return;
      } catch (err) {
        if (!isStateConflict(err) || attempt >= max) throw err;
        this.o.logger.warn(
          { attempt },
          'conversation state changed meanwhile (another process): running the turn again',
        );
        // A little jitter, so two processes racing on the same conversation do not collide again.
        await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
      }
    }
  }

  /** Conversations with a turn running or waiting (tests, and proof nothing piles up). */
  get activeConversations(): number {
    return this.tails.size;
  }

  /** Turns running or waiting in this process. */
  get inFlightCount(): number {
    return this.inFlight;
  }

  /** Resolves when no turn is running (shutdown). */
  idle(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

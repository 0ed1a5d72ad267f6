import { ActivityHandler, TurnContext, type BotState, type StatePropertyAccessor } from 'botbuilder-core';
import type { DialogState } from './dialogs-sdk.ts';
import { learnerText } from './channel-input.ts';
import { adaptForChannel } from './channel-output.ts';
import { MainDialog } from './main-dialog.ts';
import { renderAnswer } from './render.ts';
import { replyTraceOf, withReplyTrace } from './reply-trace.ts';
import { ReplyHold } from './reply-hold.ts';
import { isStateConflict } from './learner-state.ts';
import type { ConversationMemory, DialogServices } from './services.ts';
import { welcomeEvent, welcomeKey, type WelcomeClaims } from './welcome.ts';

interface StackEntry {
  id: string;
  state?: { dialogs?: { dialogStack?: StackEntry[] }; stepIndex?: number };
}

/**
 * The active dialogs, outermost first, with waterfall steps ("registration › registration-steps#2 ›
 * prompt-place"): read from the dialog state, where each stack lists dialogs from the bottom to the
 * active one, a ComponentDialog keeps its inner stack under "dialogs" and a waterfall its "stepIndex".
 */
export function dialogPath(state: DialogState | undefined): string | undefined {
  const parts: string[] = [];
  let stack = state?.dialogStack as StackEntry[] | undefined;
  while (stack && stack.length > 0) {
    for (const entry of stack) {
      if (entry.id === 'main' || entry.id === 'main-steps') continue;
      parts.push(typeof entry.state?.stepIndex === 'number' ? `${entry.id}#${entry.state.stepIndex + 1}` : entry.id);
    }
    stack = stack[stack.length - 1]!.state?.dialogs?.dialogStack;
  }
  return parts.length > 0 ? parts.join(' › ') : undefined;
}

/** The conversation store failed to read (`read`) or to save (`write`) a turn's state. */
export type StateFailure = 'read' | 'write';

/**
 * A turn that moved a guided dialog (started one, or went to its next step) while its state could not
 * be saved: its replies are discarded, since the learner's next message would be read against the
 * step before. The adapter apologises with `state_unavailable.step_not_kept` and leaves the stored
 * state alone (it is the state before the turn, and must stay).
 */
export class StepNotKeptError extends Error {
  constructor(cause: unknown) {
    super('the conversation store is unavailable: a guided dialog step could not be kept', { cause });
    this.name = 'StepNotKeptError';
  }
}

/** Set once a turn's send handlers are registered (a turn run again after a conflict reuses them). */
const PREPARED = Symbol('assistant turn prepared');

/** Messages longer than this are read only up to it: learners ramble, but not for pages. */
export const MAX_MESSAGE_CHARS = 2000;

/**
 * The assistant as a Bot Framework bot: welcomes a conversation once (see welcome.ts for when), and
 * hands every message to the main dialog. Channel-agnostic: the HTTP server, the terminal chat and the
 * tests all drive it through an adapter.
 */
export class AssistantBot extends ActivityHandler {
  private readonly main: MainDialog;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly memory: StatePropertyAccessor<ConversationMemory>;

  constructor(
    /** Per conversation, and per learner in group chats and channels (see learner-state.ts). */
    private readonly conversationState: BotState,
    private readonly services: Omit<DialogServices, 'memory'>,
    private readonly welcomes: WelcomeClaims,
    /** Told when the store fails (the server logs it); the turn goes on without the state. */
    private readonly onStateFailure: (what: StateFailure, err: unknown, context: TurnContext) => void = () => {},
  ) {
    super();
    const memory = conversationState.createProperty<ConversationMemory>('memory');
    const dialogState = conversationState.createProperty<DialogState>('dialogState');
    this.dialogState = dialogState;
    this.memory = memory;
    const s: DialogServices = { ...services, memory };
    this.main = new MainDialog(s);

    // Every kind of activity that may add or remove the bot, on every channel, goes through one rule.
    this.onTurn(async (context, next) => {
      const event = welcomeEvent(context.activity);
      const key = welcomeKey(context.activity);
      if (event === 'removed') await welcomes.release(key);
      if (event === 'added' && (await welcomes.claim(key))) await this.welcome(context, s);
      await next();
    });

    this.onMessage(async (context, next) => {
      // "<at>Assistant</at> combien dure l'épreuve" (Teams) is read as the plain question.
      TurnContext.removeRecipientMention(context.activity);
      const text = learnerText(context.activity).slice(0, MAX_MESSAGE_CHARS);
      context.activity.text = text;
      // A learner who writes first is not greeted afterwards.
      await welcomes.claim(welcomeKey(context.activity));
      if (text.trim().length === 0) {
        const a = s.answerer;
        await context.sendActivity(renderAnswer(a.message(a.conversation.fallback, 'fallback', a.menuLabels()), a));
      } else {
        await this.main.run(context, dialogState);
      }
      await next();
    });
  }

  private async welcome(context: TurnContext, s: DialogServices): Promise<void> {
    const a = s.answerer;
    await context.sendActivity(renderAnswer(a.message(a.conversation.welcome, 'info', a.menuLabels()), a));
  }

  /**
   * One attempt of a turn: read the conversation's state as it is stored now, run the dialogs, save
   * with the eTag read (see learner-state.ts), then let the replies leave (see reply-hold.ts). When the
   * save meets a conflict with a turn of another process, nothing the attempt said is sent and the
   * conflict propagates: the caller runs the turn again on the winner's state.
   *
   * When the store itself fails (PostgreSQL stopped, SQLite file read-only, disk full), the learner is
   * still answered, and the stored state stays the one before the turn:
   * - state unreadable: the turn runs on a fresh state, as a new conversation would, and is not saved;
   * - state not saved: the turn's replies were computed on the state read, which stays stored.
   * Either way, when the turn said something, `state_unavailable.not_kept` comes first (nothing of the
   * exchange is remembered meanwhile). A turn that moved a guided dialog is the exception: its next
   * question would be answered against the step before, so its replies are discarded and the adapter
   * says `state_unavailable.step_not_kept` (StepNotKeptError). Never half-applied: what was stored
   * stays whole, and what the learner is told matches it.
   */
  override async run(context: TurnContext): Promise<void> {
    if (!context.turnState.get(PREPARED)) {
      context.turnState.set(PREPARED, true);
      context.onSendActivities(async (ctx, activities, next) => {
        // Read from the state this turn loaded, never from the store: an apology sent because the store
        // failed must not need the store to leave.
        const loaded = this.conversationState.get(ctx) !== undefined;
        // Which dialog and step said it, for transcripts ("registration › step 2 › prompt-place").
        const where = loaded ? dialogPath(await this.dialogState.get(ctx)) : undefined;
        // It goes with the reply trace, which stays in the server (see reply-trace.ts).
        activities.splice(
          0,
          activities.length,
          ...activities.map((a) => {
            const adapted = adaptForChannel(ctx.activity.channelId, a);
            return where ? withReplyTrace(adapted, { dialog: where }) : adapted;
          }),
        );
        // Whether the learner's next « oui » / « non » may be feedback: the last message sent decides
        // (an answer with the 👍 / 👎 control, not a question of a dialog asked after it). Written to the
        // state before it is saved: held replies leave only after the save.
        const last = activities.filter((a) => a.type === 'message').at(-1);
        if (last && loaded) {
          const memory = await this.memory.get(ctx, {});
          const trace = replyTraceOf(last);
          if (trace?.kind === 'answer' && (trace.sources?.length ?? 0) > 0) memory.feedbackOffered = true;
          else delete memory.feedbackOffered;
        }
        return next();
      });
      // Registered after the stamp, so held replies are already stamped with the step that said them.
      ReplyHold.install(context);
    }
    const hold = ReplyHold.of(context)!;
    hold.begin(context);
    try {
      const unread = await this.loadState(context);
      const stepBefore = dialogPath(await this.dialogState.get(context));
      await super.run(context);
      const failed = unread ?? (await this.saveState(context));
      if (failed) {
        if (dialogPath(await this.dialogState.get(context)) !== stepBefore) throw new StepNotKeptError(failed.error);
        const notice = this.services.answerer.conversation.state_unavailable.not_kept;
        if (hold.holdsMessages()) await hold.sayFirst(context, notice);
      }
    } catch (err) {
      hold.discard();
      throw err;
    }
    await hold.release(context);
  }

  /** Reads the state; when the store fails, the turn starts on a fresh state and the error is returned. */
  private async loadState(context: TurnContext): Promise<{ error: unknown } | undefined> {
    try {
      await this.conversationState.load(context, true);
      return undefined;
    } catch (error) {
      this.onStateFailure('read', error, context);
      await this.conversationState.clear(context);
      return { error };
    }
  }

  /** Saves the state; a conflict propagates (the turn is run again), a store that fails is returned. */
  private async saveState(context: TurnContext): Promise<{ error: unknown } | undefined> {
    try {
      await this.conversationState.saveChanges(context, false);
      return undefined;
    } catch (error) {
      if (isStateConflict(error)) throw error;
      this.onStateFailure('write', error, context);
      return { error };
    }
  }

  /** Drops the conversation's state (after an error, so the learner is not stuck in a broken dialog). */
  async resetConversation(context: TurnContext): Promise<void> {
    await this.conversationState.delete(context);
  }
}

import { ActivityHandler, TurnContext, type BotState, type StatePropertyAccessor } from 'botbuilder-core';
import type { DialogState } from './dialogs-sdk.ts';
import { learnerText } from './channel-input.ts';
import { adaptForChannel } from './channel-output.ts';
import { MainDialog } from './main-dialog.ts';
import { renderAnswer } from './render.ts';
import { replyTraceOf, withReplyTrace } from './reply-trace.ts';
import { ReplyHold } from './reply-hold.ts';
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
   * save fails — a conflict with a turn of another process, or the store refusing the write — nothing
   * the attempt said is sent and the error propagates: the caller may run the turn again (a conflict),
   * or the adapter apologises (anything else), so a turn is never half-applied.
   */
  override async run(context: TurnContext): Promise<void> {
    if (!context.turnState.get(PREPARED)) {
      context.turnState.set(PREPARED, true);
      context.onSendActivities(async (ctx, activities, next) => {
        // Which dialog and step said it, for transcripts ("registration › step 2 › prompt-place").
        const where = dialogPath(await this.dialogState.get(ctx));
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
        if (last) {
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
      await this.conversationState.load(context, true);
      await super.run(context);
      await this.conversationState.saveChanges(context, false);
    } catch (err) {
      hold.discard();
      throw err;
    }
    await hold.release(context);
  }

  /** Drops the conversation's state (after an error, so the learner is not stuck in a broken dialog). */
  async resetConversation(context: TurnContext): Promise<void> {
    await this.conversationState.delete(context);
  }
}

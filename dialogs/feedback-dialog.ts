import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from './dialogs-sdk.ts';
import { renderAnswer } from './render.ts';
import type { DialogServices } from './services.ts';

export const FEEDBACK_DIALOG = 'feedback';

/** After 👎: asks (optionally) what was missing; the comment is kept with the conversation for staff. */
export class FeedbackDialog extends ComponentDialog {
  constructor(private readonly s: DialogServices) {
    super(FEEDBACK_DIALOG);
    for (const p of s.acceptors.createPrompts()) this.addDialog(p);
    this.addDialog(new WaterfallDialog('feedback-steps', [this.askComment.bind(this), this.thank.bind(this)]));
    this.initialDialogId = 'feedback-steps';
  }

  private async askComment(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const a = this.s.answerer;
    const memory = await this.s.memory.get(step.context, {});
    const prompt = {
      ...a.message(a.conversation.feedback_comment, 'prompt', [
        a.conversation.prompts.skip_words.find((w) => w === 'passer') ?? 'passer',
      ]),
      feedback: 'down' as const,
    };
    if (memory.lastEntryId) prompt.entryId = memory.lastEntryId;
    return step.prompt('prompt-comment', { prompt: renderAnswer(prompt, a), retryPrompt: renderAnswer(prompt, a) });
  }

  private async thank(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const a = this.s.answerer;
    const skipped = this.s.acceptors.isSkip(String(step.result));
    await step.context.sendActivity(
      renderAnswer(
        a.message(
          skipped ? a.conversation.feedback_thanks : a.conversation.feedback_comment_thanks,
          'info',
          a.menuLabels(),
        ),
        a,
      ),
    );
    return step.endDialog();
  }
}

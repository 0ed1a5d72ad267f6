import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from './dialogs-sdk.ts';
import { renderAnswer } from './render.ts';
import type { DialogServices } from './services.ts';

export const EXAM_DIALOG = 'exam';

/** The exam at a glance, in one summary: what it is (written, duration, jury) and when (June, Rectorat). */
export class ExamDialog extends ComponentDialog {
  constructor(private readonly s: DialogServices) {
    super(EXAM_DIALOG);
    this.addDialog(new WaterfallDialog('exam-steps', [this.overview.bind(this)]));
    this.initialDialogId = 'exam-steps';
  }

  private async overview(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { answerer, clock } = this.s;
    const t = answerer.conversation.summary;
    const format = answerer.entryFor('format_epreuve');
    const session = answerer.entryFor('session_examen');
    // One summary, each part with its source, and one feedback control for it.
    const parts = [
      ...(format ? [{ title: t.format, answer: answerer.entryAnswer(format) }] : []),
      ...(session ? [{ title: t.session, answer: answerer.examPlan(session, null, clock()) }] : []),
    ];
    if (parts.length === 0) return step.endDialog();
    const buttons = [...new Set(parts.flatMap((p) => p.answer.buttons))];
    await step.context.sendActivity(renderAnswer(answerer.summary(t.exam_title, parts, buttons), answerer));
    const memory = await this.s.memory.get(step.context, {});
    memory.lastEntryId = (session ?? format)!.id;
    return step.endDialog();
  }
}

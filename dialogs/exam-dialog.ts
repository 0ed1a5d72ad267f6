import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from './dialogs-sdk.ts';
import { renderAnswer } from './render.ts';
import type { DialogServices } from './services.ts';

export const EXAM_DIALOG = 'exam';

/** The exam at a glance: what it is (written, duration, jury) and when (June, Rectorat). */
export class ExamDialog extends ComponentDialog {
  constructor(private readonly s: DialogServices) {
    super(EXAM_DIALOG);
    this.addDialog(new WaterfallDialog('exam-steps', [this.overview.bind(this)]));
    this.initialDialogId = 'exam-steps';
  }

  private async overview(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { answerer, clock } = this.s;
    const format = answerer.kb.entryForIntent('format_epreuve');
    const session = answerer.kb.entryForIntent('session_examen');
    if (format) await step.context.sendActivity(renderAnswer({ ...answerer.entryAnswer(format), buttons: [] }, answerer));
    if (session) {
      await step.context.sendActivity(renderAnswer(answerer.examPlan(session, null, clock()), answerer));
      const memory = await this.s.memory.get(step.context, {});
      memory.lastEntryId = session.id;
    }
    return step.endDialog();
  }
}

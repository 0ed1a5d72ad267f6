import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from './dialogs-sdk.ts';
import { extractDate } from '../intents/nlu/entities/date.ts';
import { compareToToday, formatWhen, type DateSpec } from '../knowledge/calendar.ts';
import { fill } from '../knowledge/conversation.ts';
import { renderAnswer, renderPrompt } from './render.ts';
import type { DialogOptions } from './router.ts';
import type { DialogServices } from './services.ts';

export const AFTER_EXAM_DIALOG = 'after_exam';

interface AfterExamState {
  grade?: NonNullable<DialogOptions['grade']>;
  date?: DateSpec | null;
}

/** The dialog's own options: a date that cannot be a result's (still to come) is asked once more. */
interface AfterExamOptions extends DialogOptions {
  askDateAgain?: string;
  askedAgain?: boolean;
}

/**
 * After the exam: asks the grade; at or above the pass mark, the attestation and — with the date it
 * was obtained — how long it stays valid; below, the threshold and the next registration period.
 */
export class AfterExamDialog extends ComponentDialog {
  constructor(private readonly s: DialogServices) {
    super(AFTER_EXAM_DIALOG);
    for (const p of s.acceptors.createPrompts()) this.addDialog(p);
    this.addDialog(
      new WaterfallDialog('after-exam-steps', [
        this.askGrade.bind(this),
        this.askDateIfPassed.bind(this),
        this.conclude.bind(this),
      ]),
    );
    this.initialDialogId = 'after-exam-steps';
  }

  private get prompts() {
    return this.s.answerer.conversation.prompts;
  }

  private async askGrade(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const options = (step.options ?? {}) as AfterExamOptions;
    const state = step.values as AfterExamState;
    if (options.date) state.date = options.date;
    if (options.grade) return step.next(options.grade);
    return step.prompt('prompt-grade', {
      prompt: renderPrompt(this.prompts.grade),
      retryPrompt: renderPrompt(this.prompts.grade_retry),
    });
  }

  private async askDateIfPassed(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { answerer, acceptors } = this.s;
    const state = step.values as AfterExamState;
    const options = (step.options ?? {}) as AfterExamOptions;
    let grade = step.result as AfterExamState['grade'] | undefined;
    if (typeof step.result === 'string') {
      // « 12 en juin 2025 »: the grade and its date in one answer.
      const read = acceptors.gradeAnswer(step.result);
      grade = read?.grade;
      if (read?.date) state.date = read.date;
    }
    if (!grade) {
      // « je ne sais pas »: what holds whatever the grade (the pass mark, the attestation) — not the
      // result entry, whose short answer asks for the grade again.
      const entry = answerer.entryFor('note_requise');
      if (entry) {
        await step.context.sendActivity(renderAnswer(answerer.entryAnswer(entry), answerer));
        const memory = await this.s.memory.get(step.context, {});
        memory.lastEntryId = entry.id;
      }
      return step.endDialog();
    }
    state.grade = grade;
    const pass = answerer.numberValue('pass_grade');
    const passed = grade.valid && pass !== undefined && grade.value >= pass;
    if (options.askDateAgain)
      return step.prompt('prompt-result-date', {
        prompt: renderPrompt(options.askDateAgain, [this.prompts.skip_words[0]!]),
        retryPrompt: renderPrompt(this.prompts.result_date_retry),
      });
    if (!passed || state.date) return step.next();
    return step.prompt('prompt-result-date', {
      prompt: renderPrompt(this.prompts.result_date, [this.prompts.skip_words[0]!]),
      retryPrompt: renderPrompt(this.prompts.result_date_retry),
    });
  }

  private async conclude(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { answerer, clock } = this.s;
    const state = step.values as AfterExamState;
    const options = (step.options ?? {}) as AfterExamOptions;
    const today = clock();
    if (typeof step.result === 'string' && !this.s.acceptors.isSkip(step.result)) {
      // A result already obtained: « en juillet » is the last July.
      const date = extractDate(step.result, today, { past: true });
      if (date) state.date = date;
    }
    // A result « obtenu » on a date still to come: asked once more, not computed.
    if (state.grade && state.date && !options.askedAgain && compareToToday(state.date, today) > 0) {
      const again = fill(this.prompts.result_date_future, { date: formatWhen(state.date) });
      return step.replaceDialog('after-exam-steps', {
        grade: state.grade,
        askDateAgain: again,
        askedAgain: true,
      } satisfies AfterExamOptions);
    }
    const entry = answerer.entryFor('resultat_examen');
    if (entry && state.grade) {
      const answer = answerer.grade(entry, state.grade, state.date ?? null, today);
      await step.context.sendActivity(renderAnswer(answer, answerer));
      const memory = await this.s.memory.get(step.context, {});
      memory.lastEntryId = entry.id;
      // An impossible grade ("25/20"): ask again rather than conclude.
      if (answer.kind === 'prompt')
        return step.replaceDialog(this.initialDialogId, { ...(state.date ? { date: state.date } : {}) });
    }
    return step.endDialog();
  }
}

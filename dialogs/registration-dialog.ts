import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from './dialogs-sdk.ts';
import { extractDate } from '../intents/nlu/entities/date.ts';
import { renderAnswer, renderPrompt } from './render.ts';
import type { DialogServices } from './services.ts';
import type { DialogOptions } from './router.ts';

export const REGISTRATION_DIALOG = 'registration';

interface RegistrationState { finished?: boolean; date?: DialogOptions['date'] }

/**
 * Guides a learner through registering: is the training finished and when → which autumn
 * registration and which June session; who registers and under what status; where (their
 * académie) and what it costs; then taking only block 4 and distance learners.
 */
export class RegistrationDialog extends ComponentDialog {
  constructor(private readonly s: DialogServices) {
    super(REGISTRATION_DIALOG);
    for (const p of s.acceptors.createPrompts()) this.addDialog(p);
    this.addDialog(new WaterfallDialog('registration-steps', [
      this.askFinished.bind(this),
      this.askEndDate.bind(this),
      this.explainPeriodAndStatus.bind(this),
      this.explainWhereAndCost.bind(this),
    ]));
    this.initialDialogId = 'registration-steps';
  }

  private get prompts() {
    return this.s.answerer.conversation.prompts;
  }

  private async askFinished(step: WaterfallStepContext): Promise<DialogTurnResult> {
    // « j'ai fini la formation (en septembre), je veux m'inscrire »: nothing to ask again.
    const options = (step.options ?? {}) as DialogOptions;
    if (options.finished) {
      const state = step.values as RegistrationState;
      state.finished = true;
      if (!options.date) return step.next('oui');
      state.date = options.date;
      return step.next(null);
    }
    return step.prompt('prompt-yesno', {
      prompt: renderPrompt(this.prompts.training_finished, [...this.prompts.training_finished_choices]),
      retryPrompt: renderPrompt(this.prompts.training_finished, [...this.prompts.training_finished_choices]),
    });
  }

  private async askEndDate(step: WaterfallStepContext): Promise<DialogTurnResult> {
    // Already said when it ended.
    if (step.result === null) return step.next(null);
    const answer = String(step.result);
    const finished = this.s.acceptors.yesNo(answer) ?? false;
    (step.values as RegistrationState).finished = finished;
    // "oui, en juin 2026": the date is already there.
    if (extractDate(answer, this.s.clock(), { past: finished })) return step.next(answer);
    const text = finished ? this.prompts.training_end_past : this.prompts.training_end_future;
    return step.prompt('prompt-training-end', {
      prompt: renderPrompt(text),
      retryPrompt: renderPrompt(this.prompts.training_end_retry),
    });
  }

  private async explainPeriodAndStatus(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { answerer, clock } = this.s;
    const today = clock();
    const state = step.values as RegistrationState;
    const text = step.result === null ? '' : String(step.result);
    // A finished training ended in the past: « en septembre » is the last September, not the next one.
    const finished = state.finished;
    const date = state.date ?? (this.s.acceptors.isSkip(text) ? null : extractDate(text, today, finished === undefined ? {} : { past: finished }));
    const period = answerer.kb.entryForIntent('periode_inscription');
    if (period) await step.context.sendActivity(renderAnswer(answerer.examPlan(period, date ?? { date: today, precision: 'day' }, today), answerer));
    const who = answerer.kb.entryForIntent('inscription_responsable');
    const status = answerer.kb.entryForIntent('statut_candidat');
    for (const entry of [status, who]) {
      if (entry) await step.context.sendActivity(renderAnswer({ ...answerer.entryAnswer(entry), buttons: [] }, answerer));
    }
    return step.prompt('prompt-place', {
      prompt: renderPrompt(this.prompts.place),
      retryPrompt: renderPrompt(this.prompts.place_retry),
    });
  }

  private async explainWhereAndCost(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { answerer, understander } = this.s;
    const place = understander.extractPlace(String(step.result), true);
    const academy = answerer.kb.entryForIntent('academie');
    if (academy && place) await step.context.sendActivity(renderAnswer({ ...answerer.academy(academy, place), buttons: [] }, answerer));
    const cost = answerer.kb.entryForIntent('cout_inscription');
    if (cost) await step.context.sendActivity(renderAnswer({ ...answerer.entryAnswer(cost), buttons: [] }, answerer));
    // Last, what every learner should know: only block 4, and distance learners may register too.
    const onlyBlock = answerer.kb.entryForIntent('bloc_seul');
    const distance = answerer.kb.entryForIntent('formation_distance');
    const tutorial = answerer.kb.entryForIntent('tutoriel_cyclades');
    const parts = [onlyBlock, distance].filter((e): e is NonNullable<typeof e> => !!e).map((e) => answerer.entryAnswer(e));
    if (parts.length > 0) {
      const combined = { ...parts[0]!, text: parts.map((p) => p.text).join('\n\n'), sources: parts.flatMap((p) => p.sources), buttons: tutorial ? [tutorial.question] : [] };
      await step.context.sendActivity(renderAnswer(combined, answerer));
      const memory = await this.s.memory.get(step.context, {});
      memory.lastEntryId = parts[0]!.entryId;
    }
    await step.context.sendActivity(renderPrompt(this.prompts.registration_done, answerer.menuLabels()));
    return step.endDialog();
  }
}

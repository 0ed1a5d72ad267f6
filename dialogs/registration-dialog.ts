import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from './dialogs-sdk.ts';
import { extractDate } from '../intents/nlu/entities/date.ts';
import { compareToToday, formatFrench, type DateSpec } from '../knowledge/calendar.ts';
import { fill } from '../knowledge/conversation.ts';
import type { Answer } from '../knowledge/answers.ts';
import { renderAnswer, renderPrompt } from './render.ts';
import type { DialogServices } from './services.ts';
import type { DialogOptions } from './router.ts';

export const REGISTRATION_DIALOG = 'registration';

interface RegistrationState {
  finished?: boolean;
  date?: DateSpec | null;
}

/** The dialog's options (see router.ts): a date that contradicted « finished » / « not yet » is asked once more. */
type RegistrationOptions = DialogOptions;

/**
 * Guides a learner through registering: is the training finished, and when; where they live. Then one
 * summary: which autumn registration and which June session, their académie, what it costs, under what
 * status and who registers, taking only block 4 — each part with its source.
 */
export class RegistrationDialog extends ComponentDialog {
  constructor(private readonly s: DialogServices) {
    super(REGISTRATION_DIALOG);
    for (const p of s.acceptors.createPrompts()) this.addDialog(p);
    this.addDialog(
      new WaterfallDialog('registration-steps', [
        this.askFinished.bind(this),
        this.askEndDate.bind(this),
        this.askPlace.bind(this),
        this.summarize.bind(this),
      ]),
    );
    this.initialDialogId = 'registration-steps';
  }

  private get prompts() {
    return this.s.answerer.conversation.prompts;
  }

  private async askFinished(step: WaterfallStepContext): Promise<DialogTurnResult> {
    // « j'ai fini la formation (en septembre), je veux m'inscrire »: nothing to ask again.
    const options = (step.options ?? {}) as RegistrationOptions;
    if (options.askAgain) {
      (step.values as RegistrationState).finished = options.finished;
      return step.next({ askAgain: options.askAgain });
    }
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
    const again = (step.result as { askAgain?: string }).askAgain;
    if (again)
      return step.prompt('prompt-training-end', {
        prompt: renderPrompt(again),
        retryPrompt: renderPrompt(this.prompts.training_end_retry),
      });
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

  private async askPlace(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const today = this.s.clock();
    const state = step.values as RegistrationState;
    const options = (step.options ?? {}) as RegistrationOptions;
    if (step.result !== null) {
      const text = String(step.result);
      // A finished training ended in the past: « en septembre » is the last September, not the next one.
      // « je ne sais pas »: no date, and none made up (the plan then says what holds whatever the date).
      state.date = this.s.acceptors.isSkip(text)
        ? null
        : extractDate(text, today, state.finished === undefined ? {} : { past: state.finished });
    }
    // « Oui » (finished) then « le 15 décembre 2026 » when that is still to come, or « pas encore » then a
    // past month: asked once more, not silently computed.
    const contradiction =
      state.date && !options.askedAgain ? this.contradiction(state.finished, state.date, today) : null;
    if (contradiction)
      return step.replaceDialog('registration-steps', {
        finished: state.finished,
        askAgain: contradiction,
        askedAgain: true,
      } satisfies RegistrationOptions);
    return step.prompt('prompt-place', {
      prompt: renderPrompt(this.prompts.place),
      retryPrompt: renderPrompt(this.prompts.place_retry),
    });
  }

  /** What to ask when the end date does not fit « finished » / « not yet » (null when it fits). */
  private contradiction(finished: boolean | undefined, date: DateSpec, today: Date): string | null {
    if (finished === undefined) return null;
    const when = formatFrench(date);
    // Compared at the date's own precision: « juin 2026 » in June 2026 fits both.
    const where = compareToToday(date, today);
    if (finished && where > 0) return fill(this.prompts.training_end_not_past, { date: when });
    if (!finished && where < 0) return fill(this.prompts.training_end_not_future, { date: when });
    return null;
  }

  /**
   * The end: one summary — the learner's dates, académie, cost and the steps, each with its source —
   * and one feedback control for it (see render.ts), instead of one message per fact.
   */
  private async summarize(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { answerer, understander, clock } = this.s;
    const t = answerer.conversation.summary;
    const today = clock();
    const state = step.values as RegistrationState;
    const text = String(step.result);
    const place = this.s.acceptors.isSkip(text) ? null : understander.extractPlace(text, true);
    const parts: { title: string; answer: Answer }[] = [];
    const period = answerer.entryFor('periode_inscription');
    if (period) parts.push({ title: t.dates, answer: answerer.examPlan(period, state.date ?? null, today) });
    const academyEntry = answerer.entryFor('academie');
    const academy = academyEntry && place ? answerer.academy(academyEntry, place) : null;
    if (academy && academy.kind !== 'prompt') {
      parts.push({ title: t.academy, answer: academy });
    } else {
      // Without the place: where to register still holds, and why the académie could not be named.
      const where = answerer.entryFor('lieu_inscription');
      if (where) {
        const answer = answerer.entryAnswer(where);
        parts.push({ title: t.where, answer: { ...answer, text: `${this.prompts.place_skipped} ${answer.text}` } });
      }
    }
    for (const [intent, title] of [
      ['cout_inscription', t.cost],
      ['statut_candidat', t.status],
      ['inscription_responsable', t.who],
    ] as const) {
      const entry = answerer.entryFor(intent);
      if (entry) parts.push({ title, answer: answerer.entryAnswer(entry) });
    }
    // Last, what every learner should know: only block 4, and distance learners may register too.
    const block = [answerer.entryFor('bloc_seul'), answerer.entryFor('formation_distance')]
      .filter((e): e is NonNullable<typeof e> => !!e)
      .map((e) => answerer.entryAnswer(e));
    if (block.length > 0)
      parts.push({
        title: t.block,
        answer: { ...block[0]!, text: block.map((b) => b.text).join(' '), sources: block.flatMap((b) => b.sources) },
      });
    const next = [answerer.entryFor('tutoriel_cyclades'), answerer.entryFor('session_examen')].flatMap((e) =>
      e ? [e.question] : [],
    );
    const summary = answerer.summary(t.registration_title, parts, [...next, answerer.conversation.details_button]);
    await step.context.sendActivity(renderAnswer(summary, answerer));
    const memory = await this.s.memory.get(step.context, {});
    // « Plus de détails » and follow-ups continue the registration period; the place is remembered.
    if (period) memory.lastEntryId = period.id;
    if (summary.entryIds) memory.lastEntryIds = summary.entryIds;
    delete memory.subjects;
    if (place && academy?.kind !== 'prompt')
      memory.place = { departement: place.departement, text: place.text, ...(place.kind ? { kind: place.kind } : {}) };
    return step.endDialog();
  }
}

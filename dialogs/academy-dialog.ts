import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from './dialogs-sdk.ts';
import { renderAnswer, renderPrompt } from './render.ts';
import type { DialogServices } from './services.ts';

export const ACADEMY_DIALOG = 'academy';

/** Which académie (and rectorat) a learner depends on, from their département, town or postal code. */
export class AcademyDialog extends ComponentDialog {
  constructor(private readonly s: DialogServices) {
    super(ACADEMY_DIALOG);
    for (const p of s.acceptors.createPrompts()) this.addDialog(p);
    this.addDialog(new WaterfallDialog('academy-steps', [this.askPlace.bind(this), this.answer.bind(this)]));
    this.initialDialogId = 'academy-steps';
  }

  private async askPlace(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { answerer } = this.s;
    const p = answerer.conversation.prompts;
    // The entry's answer explains why the académie matters (home address) and asks for the place.
    const entry = answerer.entryFor('academie');
    // It answers « de quelle académie je dépends ? » and asks: no buttons under a question (no feedback
    // control, no « Menu »; « menu » typed still works).
    const prompt = entry
      ? {
          ...renderAnswer(answerer.entryAnswer(entry), answerer),
          suggestedActions: undefined,
          inputHint: 'expectingInput',
        }
      : renderPrompt(p.place);
    return step.prompt('prompt-place', { prompt, retryPrompt: renderPrompt(p.place_retry) });
  }

  private async answer(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { answerer, understander } = this.s;
    const text = String(step.result);
    const place = this.s.acceptors.isSkip(text) ? null : understander.extractPlace(text, true);
    const entry = answerer.entryFor('academie');
    if (!place) {
      // « je ne sais pas »: what holds without the place — where to register, at the académie of one's home.
      const where = answerer.entryFor('lieu_inscription');
      if (where) {
        const answer = answerer.entryAnswer(where);
        await step.context.sendActivity(
          renderAnswer({ ...answer, text: `${answerer.conversation.prompts.place_skipped} ${answer.text}` }, answerer),
        );
        const memory = await this.s.memory.get(step.context, {});
        memory.lastEntryId = where.id;
      }
      return step.endDialog();
    }
    if (entry) {
      await step.context.sendActivity(renderAnswer(answerer.academy(entry, place), answerer));
      const memory = await this.s.memory.get(step.context, {});
      memory.lastEntryId = entry.id;
      // « et combien ça coûte ? » later is about this place.
      memory.place = { departement: place.departement, text: place.text, ...(place.kind ? { kind: place.kind } : {}) };
    }
    return step.endDialog();
  }
}

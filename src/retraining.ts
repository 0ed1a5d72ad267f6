import { join } from 'node:path';
import { AcademyDirectory } from '../knowledge/academies.ts';
import { KNOWLEDGE_DIR } from '../knowledge/paths.ts';
import { INTENTS_DIR, loadUnderstander } from '../intents/nlu/load.ts';
import { withSheetIntents, type SheetIntents } from '../intents/nlu/sheet-intents.ts';
import { loadTrainingSet, type Example, type TrainingSet } from '../intents/nlu/training-data.ts';
import type { Understander } from '../intents/nlu/understand.ts';

/**
 * The training files plus sentences staff assigned in the console (real learners' questions,
 * redacted). A sentence already in the files keeps its file's intent; one whose intent left the
 * catalogue is dropped. The files stay the reference, reviewed in git (the console exports the
 * assigned sentences as YAML for that).
 */
export function trainingWith(base: TrainingSet, assigned: readonly Example[]): TrainingSet {
  const known = new Set(base.catalog.map((i) => i.id));
  const present = new Set(base.examples.map((e) => e.text.trim().toLowerCase()));
  const added = assigned.filter(
    (e) => known.has(e.intent) && e.text.trim() !== '' && !present.has(e.text.trim().toLowerCase()),
  );
  return { ...base, examples: [...base.examples, ...added.map((e) => ({ text: e.text, intent: e.intent }))] };
}

/** The project's intents (intents/), with the sheet's own when its knowledge base names some (`document.intents`). */
export function trainingSetFor(sheetIntentsDir?: string): { training: TrainingSet; sheet?: SheetIntents } {
  const base = loadTrainingSet(INTENTS_DIR);
  return sheetIntentsDir ? withSheetIntents(base, sheetIntentsDir) : { training: base };
}

/** Trains understanding on intents/ (and the sheet's own intents) plus the assigned sentences (a second or two). */
export function trainUnderstander(assigned: readonly Example[], sheetIntentsDir?: string): Understander {
  const gazetteer = AcademyDirectory.load(join(KNOWLEDGE_DIR, 'academies.yaml')).gazetteer();
  return loadUnderstander({ gazetteer, training: trainingWith(trainingSetFor(sheetIntentsDir).training, assigned) });
}

/**
 * The understander the running assistant uses, switchable without a restart: the dialogs hold this
 * object, which forwards every call to the model in service. Switching takes effect for the next
 * call; the catalogue (intents, their kinds) must be the same, only the training differs.
 */
export class LiveUnderstander {
  private current: Understander;
  readonly understander: Understander;

  constructor(initial: Understander) {
    this.current = initial;
    this.understander = new Proxy(initial, {
      get: (_target, property) => {
        const value: unknown = Reflect.get(this.current, property, this.current);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(this.current) : value;
      },
    });
  }

  switchTo(next: Understander): void {
    const ids = (u: Understander) => u.catalog.map((i) => `${i.id}:${i.kind}`).join(',');
    if (ids(next) !== ids(this.current))
      throw new Error('the new model has another catalogue: restart the assistant instead');
    this.current = next;
  }
}

import { TextPrompt, type PromptValidatorContext } from './dialogs-sdk.ts';
import { extractDate } from '../intents/nlu/entities/date.ts';
import { extractGrade, type Grade } from '../intents/nlu/entities/grade.ts';
import { fold } from '../intents/nlu/text.ts';
import type { Understander } from '../intents/nlu/understand.ts';
import type { Conversation } from '../knowledge/conversation.ts';
import { simplify } from './router.ts';

/** The kinds of answers guided dialogs wait for. Each prompt's dialog id is its kind. */
export const PROMPTS = [
  'prompt-yesno',
  'prompt-training-end',
  'prompt-place',
  'prompt-grade',
  'prompt-result-date',
  'prompt-comment',
] as const;
export type PromptId = (typeof PROMPTS)[number];

/**
 * Whether a message is an acceptable answer to each prompt. Shared by the prompts' validators and by
 * the main dialog, which must tell an answer ("juin 2026") from a question asked meanwhile
 * ("combien dure l'épreuve ?").
 */
export class Acceptors {
  private readonly yes: Set<string>;
  private readonly no: Set<string>;
  private readonly skip: Set<string>;

  constructor(
    private readonly understander: Understander,
    conversation: Conversation,
    private readonly clock: () => Date,
  ) {
    const p = conversation.prompts;
    this.yes = new Set([...p.yes_words, p.training_finished_choices[0]].map(simplify));
    this.no = new Set([...p.no_words, p.training_finished_choices[1]].map(simplify));
    this.skip = new Set(p.skip_words.map(simplify));
  }

  /** "oui", "pas encore", or an answer that starts with one ("oui j'ai fini en juin"). */
  yesNo(text: string): boolean | null {
    const s = simplify(text).replace(/[?]/g, '').trim();
    if (this.yes.has(s)) return true;
    if (this.no.has(s)) return false;
    const starts = (set: Set<string>) => [...set].some((w) => s.startsWith(`${w} `) || s.startsWith(`${w}, `));
    // "non" before "oui": "pas encore" must not be read as a yes because of a longer yes-phrase.
    if (starts(this.no)) return false;
    if (starts(this.yes)) return true;
    return null;
  }

  isSkip(text: string): boolean {
    return this.skip.has(simplify(text).replace(/[?]/g, '').trim());
  }

  /**
   * The answer to « Quelle note avez-vous obtenue ? »: « 12 », « 12,5 », and « 12 en juin 2025 » — the
   * grade and the date it was obtained (a date already passed: a result obtained).
   */
  gradeAnswer(text: string): { grade: Grade; date: ReturnType<typeof extractDate> } | null {
    const whole = extractGrade(text, { bare: true });
    const date = extractDate(text, this.clock(), { past: true });
    if (whole) return { grade: whole, date };
    if (!date) return null;
    // The date taken out, what is left is the bare grade (« 12 en » → « 12 »).
    const rest = fold(text)
      .replace(date.text, ' ')
      .replace(/\b(en|le|au mois de|obtenu|obtenue)\s*$/, '')
      .trim();
    const grade = extractGrade(rest, { bare: true });
    return grade ? { grade, date } : null;
  }

  accepts(prompt: PromptId, text: string): boolean {
    switch (prompt) {
      case 'prompt-yesno':
        return this.yesNo(text) !== null;
      case 'prompt-training-end':
      case 'prompt-result-date':
        return this.isSkip(text) || extractDate(text, this.clock()) !== null;
      // « je ne sais pas » is an answer too: the dialog goes on with what can be said without it.
      case 'prompt-place':
        return this.isSkip(text) || this.understander.extractPlace(text, true) !== null;
      case 'prompt-grade':
        return this.isSkip(text) || this.gradeAnswer(text) !== null;
      case 'prompt-comment': {
        // Any remark, unless it is clearly a new question (answered, then the comment is asked again).
        const u = this.understander.understand(text, this.clock());
        return !(u.status === 'answered' && u.intent !== null && this.understander.kindOf(u.intent) === 'faq');
      }
    }
  }

  /** The prompts of the guided dialogs, validated by these acceptors. */
  createPrompts(): TextPrompt[] {
    return PROMPTS.map(
      (id) =>
        new TextPrompt(
          id,
          async (pc: PromptValidatorContext<string>) =>
            pc.recognized.succeeded && this.accepts(id, pc.recognized.value ?? ''),
        ),
    );
  }
}

import type { Answer, Answerer, Clarification } from '../knowledge/answers.ts';
import { fold } from '../intents/nlu/text.ts';
import { monthYears } from '../intents/nlu/entities/date.ts';
import { parseNumberWords } from '../intents/nlu/entities/numbers.ts';
import { extractGrade } from '../intents/nlu/entities/grade.ts';
import type { Frame, Reading, Understander, Understanding } from '../intents/nlu/understand.ts';
import type { IntentInfo } from '../intents/nlu/training-data.ts';
import { compareToToday, formatFrench, type DateSpec } from '../knowledge/calendar.ts';
import { fill } from '../knowledge/conversation.ts';
import type { UncoveredTopic } from '../knowledge/coverage.ts';
import type { Entry } from '../knowledge/schema.ts';
import { feedbackOf } from './reply-trace.ts';

/**
 * The understanding-and-answering core, free of any channel or SDK: given a message, decides what
 * the assistant does. The botbuilder dialogs, the terminal chat and the tests all go through it.
 */

export const GUIDED_DIALOGS = ['registration', 'exam', 'after_exam', 'academy'] as const;
export type GuidedDialog = (typeof GUIDED_DIALOGS)[number];
export type Command =
  'help' | 'menu' | 'cancel' | 'restart' | 'details' | 'human' | 'erase' | 'feedback_up' | 'feedback_down';

export interface DialogOptions {
  /** The learner already said their training is over (« j'ai fini la formation, … »). */
  finished?: boolean;
  grade?: { value: number; valid: boolean; text: string };
  date?: { date: Date; precision: 'day' | 'month' | 'year' };
  place?: { departement: string; text: string };
  /** The question to ask first instead of the usual one (why the date said did not fit). */
  askAgain?: string;
  /** Asked again already: the next date is taken as said. */
  askedAgain?: boolean;
}

export type Route =
  | { type: 'answer'; answer: Answer; understanding?: Understanding }
  | { type: 'dialog'; dialog: GuidedDialog; options: DialogOptions; understanding?: Understanding }
  | { type: 'command'; command: Command };

/** A menu item's action (« dialog:registration », « entry:training-documents »), read once; `null` when it names no guided dialog. */
export function parseMenuAction(
  action: string,
): { kind: 'dialog'; dialog: GuidedDialog } | { kind: 'entry'; entry: string } | null {
  const [kind, target = ''] = action.split(':');
  if (kind === 'dialog')
    return (GUIDED_DIALOGS as readonly string[]).includes(target)
      ? { kind: 'dialog', dialog: target as GuidedDialog }
      : null;
  return kind === 'entry' ? { kind: 'entry', entry: target } : null;
}

/** A text of conversation.fr.yaml by its key (a smalltalk intent's `reply`, checked at start to be one). */
export function conversationText(conversation: Answerer['conversation'], key: string): string {
  const text: unknown = (conversation as Record<string, unknown>)[key];
  if (typeof text !== 'string')
    throw new Error(`knowledge/conversation.fr.yaml: ${key}: not a text of the assistant's wording`);
  return text;
}

/** Compares messages the way learners type them: no accents, case, punctuation or extra spaces. */
export function simplify(text: string): string {
  return fold(text)
    .replace(/[^a-z0-9?+' ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** What the conversation is about, kept between turns for elliptical follow-ups. */
export interface Topic {
  /** The last knowledge entry answered. */
  entryId?: string;
  /** Every entry of the last answer, in the order they were given (a combined answer has several). */
  entryIds?: string[];
  /** The learner's grade and the date it was obtained, once said (« j'ai eu 11 », then « c'était en juin 2024 »). */
  grade?: { value: number; valid: boolean; text: string };
  date?: { iso: string; precision: 'day' | 'month' | 'year' };
  /** Where the learner said they live (« et mon académie ? » later). */
  place?: { departement: string; text: string };
  /** What the last question was about when the sheet did not answer it (its subjects, frames.fr.yaml). */
  subjects?: string[];
  /** The « Vouliez-vous dire… » asked by the last reply, if it was one. */
  clarify?: Clarification;
}

/** The answers computed from what the learner said, by the name catalog.yaml `compute` gives them. */
export const COMPUTED_ANSWERS = ['result', 'validity', 'academy', 'with_academy', 'exam_plan'] as const;
export type ComputedAnswer = (typeof COMPUTED_ANSWERS)[number];

/**
 * The intents the code names (computed answers, guided dialogs' summaries, answers that cite a
 * neighbouring entry): they must stay in intents/catalog.yaml, checked at start (dialogs/wiring.ts);
 * test/wiring.test.ts checks that this list holds every intent named in dialogs/ and knowledge/.
 */
export const INTENTS_NAMED_IN_CODE = [
  'resultat_examen',
  'note_requise',
  'attestation_reussite',
  'validite_resultats',
  'academie',
  'cout_inscription',
  'lieu_inscription',
  'inscription_moment',
  'periode_inscription',
  'session_examen',
  'statut_candidat',
  'inscription_responsable',
  'bloc_seul',
  'formation_distance',
  'tutoriel_cyclades',
  'format_epreuve',
] as const;

interface ComputeInput {
  intent: string;
  entry: Entry;
  frame: Frame;
  reading: Reading;
  today: Date;
  topic: Topic;
  /** The date said, when it is when a result was obtained (a year alone: that year's session). */
  obtained: DateSpec | null;
  /** The route of an answer (remembering the place the message named). */
  answer: (x: Answer) => Route;
}

type Part =
  | { kind: 'answer'; answer: Answer; frame: Frame; main?: boolean }
  | { kind: 'uncovered'; topic: UncoveredTopic; frame: Frame }
  | { kind: 'clarify'; frame: Frame };

/** Kinds of intents that the knowledge base answers (the others are conversation or refusals). */
const ANSWERABLE = new Set(['faq', 'guided']);

/** Intents about a result (grade, threshold, attestation, validity), computed from the learner's grade and date. */
const RESULT_INTENTS = ['resultat_examen', 'note_requise', 'attestation_reussite', 'validite_resultats'];
/** Asks precise enough that a clause asking one is its own question, even without a subject (« et c'est écrit ou oral ? »). */
const OWN_QUESTION_ASKS = new Set(['format', 'seuil', 'prix', 'statut', 'duree']);

/** The date the conversation already knows (« j'ai eu 12 en 24 »), as a date. */
function rememberedDate(topic: Topic): DateSpec | null {
  return topic.date ? { date: new Date(topic.date.iso), precision: topic.date.precision } : null;
}

/**
 * A moment still to come (« je passe le reste du BTS dans 6 ans, ça compte encore ? », « je l'ai toujours en
 * 2030 ? ») is when validity is checked, not when a result was obtained — unless the learner says it is
 * (« si je passe en juin 2027 »).
 */
function askedAbout(reading: Reading, today: Date): boolean {
  const { date, dateRole } = reading.entities;
  return !!date && date.date > today && dateRole !== 'obtained';
}

/**
 * A clause whose only ask is a month or a year it tells, not asked in words: « c'était la session de juin
 * 2025 » after a grade completes that grade's question, it asks nothing else.
 */
function datesOnly(f: Frame): boolean {
  return (
    f.cues.asks.size === 1 &&
    f.cues.asks.has('quand') &&
    !f.text.includes('?') &&
    !/\b(quand|a quel moment|quel mois|quelle periode|quelle date|quelle saison|jusqu)\b/.test(f.normal)
  );
}

export class Router {
  private readonly commands = new Map<string, Command>();
  /** Commands said within a sentence (conversation.fr.yaml `command_patterns`), checked at start. */
  private readonly commandPatterns: [RegExp, Command][] = [];
  private readonly menu = new Map<string, string>();
  /** « oui » / « non » typed right after an answer's 👍 / 👎 control (conversation.fr.yaml `feedback_words`). */
  private readonly feedbackWords = new Map<string, 'up' | 'down'>();

  constructor(
    readonly understander: Understander,
    readonly answerer: Answerer,
  ) {
    const c = answerer.conversation.commands;
    for (const command of ['help', 'menu', 'cancel', 'restart', 'details', 'human', 'erase'] as const) {
      for (const word of c[command]) this.commands.set(simplify(word), command);
    }
    for (const command of ['human', 'erase'] as const) {
      answerer.conversation.command_patterns[command].forEach((p, i) => {
        try {
          this.commandPatterns.push([new RegExp(p), command]);
        } catch (err) {
          throw new Error(
            `knowledge/conversation.fr.yaml: command_patterns.${command}[${i}]: not a valid regular expression: ${(err as Error).message}`,
            { cause: err },
          );
        }
      });
    }
    this.commands.set(simplify(answerer.conversation.details_button), 'details');
    for (const item of answerer.conversation.menu) this.menu.set(simplify(item.label), item.action);
    for (const [word, direction] of [
      ...answerer.conversation.feedback_words.up.map((w) => [w, 'up'] as const),
      ...answerer.conversation.feedback_words.down.map((w) => [w, 'down'] as const),
    ]) {
      this.feedbackWords.set(simplify(word), direction);
    }
  }

  command(text: string): Command | null {
    const feedback = feedbackOf(text);
    if (feedback) return feedback === 'up' ? 'feedback_up' : 'feedback_down';
    const simple = simplify(text);
    const exact = this.commands.get(simple);
    if (exact) return exact;
    // A sentence asking for a person or for erasure (short enough to be that request, not a question about something else).
    const words = simple.replace(/['?]/g, ' ').replace(/\s+/g, ' ').trim();
    if (words.split(' ').length > 25) return null;
    return this.commandPatterns.find(([re]) => re.test(words))?.[1] ?? null;
  }

  /** A bare « oui » / « non » (the whole message), read as feedback when the last answer offered it. */
  typedFeedback(text: string): 'feedback_up' | 'feedback_down' | null {
    const direction = this.feedbackWords.get(simplify(text).replace(/[?!.]/g, '').trim());
    return direction ? (direction === 'up' ? 'feedback_up' : 'feedback_down') : null;
  }

  /** Whether the message is a menu button (a topic chosen), not a question typed. */
  isMenuChoice(text: string): boolean {
    return this.menu.has(simplify(text));
  }

  /**
   * A question about a guided goal asked while another dialog waits (« c'est quoi le rectorat ? » at
   * the grade question): its answer — the `when_asked` entries of the guided intent, or where to register
   * for the académie — so the dialog can resume instead of being replaced.
   */
  aboutDialog(dialog: GuidedDialog): Answer | null {
    const a = this.answerer;
    const guided = this.understander.catalog.find(
      (i) => i.kind === 'guided' && i.dialog === dialog && (i.when_asked ?? []).length > 0,
    );
    // The dialogs without a guided intent (académie, exam, after the exam): conversation.fr.yaml `dialog_asked_about`.
    const intents = guided?.when_asked ?? a.conversation.dialog_asked_about[dialog] ?? [];
    const entries = intents.map((i) => a.entryFor(i)).filter((e): e is NonNullable<typeof e> => !!e);
    return entries.length > 0 ? this.combine(entries.map((e) => a.entryAnswer(e))) : null;
  }

  /** Decides what to do with a message when no guided dialog is waiting for an answer. */
  route(text: string, today: Date, topic: Topic = {}): Route {
    const command = this.command(text);
    if (command) return { type: 'command', command };
    const menuAction = this.menu.get(simplify(text));
    if (menuAction) return this.menuRoute(menuAction);
    // A follow-up button sends an entry's question: answer that entry, no guessing needed.
    if (simplify(text) === simplify(this.answerer.conversation.clarify_other)) {
      return {
        type: 'answer',
        answer: this.answerer.message(this.answerer.conversation.fallback, 'fallback', this.answerer.menuLabels()),
      };
    }
    // An option of the « Vouliez-vous dire… » just asked: that reading of the learner's message, with
    // what it said (« fin de formation en mai 2027, inscription ? » → the period computed from May 2027).
    const chosen = topic.clarify?.options[simplify(text)];
    if (chosen && topic.clarify) {
      const reading = this.understander.read(topic.clarify.text, today);
      const frame = reading.frames.find((f) => f.status === 'ambiguous') ?? reading.frames[0];
      if (frame) return this.answerIntent(chosen, frame, reading, today, {});
    }
    const clicked = this.answerer.entryByQuestion(text);
    if (clicked) return { type: 'answer', answer: this.answerer.entryAnswer(clicked) };
    const intentOf = (id: string) => this.answerer.entry(id)?.intents[0];
    const contextIntent = topic.entryId ? intentOf(topic.entryId) : undefined;
    const others = (topic.entryIds ?? []).map(intentOf).filter((i): i is string => !!i);
    const context = contextIntent
      ? { intent: contextIntent, intents: others }
      : topic.subjects?.length
        ? { subjects: topic.subjects }
        : {};
    return this.routeReading(this.understander.read(text, today, context), today, topic);
  }

  /** What to do with an understood message (kept for callers holding one Understanding). */
  routeUnderstanding(u: Understanding | Frame, today: Date): Route {
    const frame = 'normal' in u ? u : this.understander.frame(u.text, u, true);
    return this.routeReading({ text: u.text, frames: [frame], entities: u.entities }, today, {});
  }

  /**
   * Each question of the message gets its part: an answer from the knowledge base, « la fiche ne
   * précise pas » for what the sheet does not cover, or a clarification; the parts make one reply.
   */
  routeReading(reading: Reading, today: Date, topic: Topic): Route {
    const a = this.answerer;
    const conv = a.conversation;
    const first = reading.frames[0]!;
    const traced = (answer: Answer, frame: Frame, status?: string): Route => ({
      type: 'answer',
      understanding: frame,
      answer: {
        ...answer,
        trace: {
          intent: frame.intent,
          confidence: Math.round(frame.confidence * 1000) / 1000,
          status: status ?? frame.status,
        },
      },
    });

    // Conversation: greetings, thanks, goodbyes, "what can you do".
    // Each says its `reply` (catalog.yaml), a text of conversation.fr.yaml checked at start.
    const chat = first.intent ? this.understander.infoOf(first.intent) : undefined;
    if (reading.frames.length === 1 && first.status === 'answered' && chat?.kind === 'smalltalk') {
      return traced(
        a.message(conversationText(conv, chat.reply ?? 'help'), 'smalltalk', chat.with_menu ? a.menuLabels() : []),
        first,
      );
    }

    // A grade or a date that completes the conversation's question (« 12 » after « quelle note ? »,
    // « c'était en juin 2024 » after « j'ai eu 11 »).
    const coverage = this.uncoveredByClause(reading);
    const completed = coverage.some((c) => c) ? null : this.completeTopic(reading, today, topic);
    if (completed) return traced(this.withVerdict(completed, first), first, 'answered');

    const parts: Part[] = [];
    /** Entries asked and stated by another entry's answer (« c'est un oral de 20 minutes ? »: the format's). */
    const stated: string[] = [];
    for (const [index, frame] of reading.frames.entries()) {
      const uncovered: UncoveredTopic | null = coverage[index] ?? null;
      if (uncovered && (frame.question || reading.frames.length === 1 || uncovered.condition)) {
        parts.push({ kind: 'uncovered', topic: uncovered, frame });
        // « j'ai eu 9/20… je peux contester ? »: what the sheet does not say is said, and one's own grade
        // still gets what it means (no verdict: the question asked is the one the sheet does not answer).
        // (Only beside another question answered: alone, « je peux contester ma note de 9 ? » is refused whole.)
        const otherAnswered = reading.frames.some(
          (f, i) => f !== frame && f.status === 'answered' && f.question && !coverage[i],
        );
        if (
          otherAnswered &&
          !uncovered.condition &&
          reading.entities.grade?.personal &&
          RESULT_INTENTS.includes(frame.intent ?? '')
        ) {
          const route = this.answerIntent(frame.intent!, frame, reading, today, topic);
          const told = { ...frame, cues: { ...frame.cues, yesNo: false, claim: false, choice: false } };
          if (route.type === 'answer') parts.push({ kind: 'answer', answer: route.answer, frame: told, main: false });
        }
        continue;
      }
      this.settle(frame, reading);
      if (frame.status === 'ambiguous' && frame.intent) parts.push({ kind: 'clarify', frame });
      if (frame.status !== 'answered' || !frame.intent || !ANSWERABLE.has(this.understander.kindOf(frame.intent) ?? ''))
        continue;
      // A statement (« je termine en mars ») is context for the questions around it, not a question;
      // one's own grade (« j'ai eu 9 en juin, je peux contester ? ») is worth its answer.
      if (
        !frame.question &&
        !reading.entities.grade?.personal &&
        reading.frames.some(
          (f) => f !== frame && f.question && (f.status === 'answered' || coverage[reading.frames.indexOf(f)]),
        )
      )
        continue;
      for (const intent of [frame.intent, ...frame.also]) {
        const route = this.answerIntent(intent, frame, reading, today, topic);
        if (route.type !== 'answer') {
          // A guided dialog only when it is what the whole message asks for.
          // Statements around it (« j'ai fini en septembre, je veux m'inscrire ») are what the dialog is told.
          if (
            reading.frames.filter((f) => f.status === 'answered' && (f.question || f === frame)).length === 1 &&
            intent === frame.intent
          )
            return route.type === 'dialog' ? { ...route, understanding: frame } : route;
          continue;
        }
        const same = parts.find(
          (p): p is Extract<Part, { kind: 'answer' }> =>
            p.kind === 'answer' &&
            // (« c'est un oral de 20 minutes ? »: within one question, two entries that state each other — the
            // format's answer gives the duration, the duration's the format — are one answer.)
            (p.answer.entryId === route.answer.entryId ||
              (p.frame === frame &&
                !!route.answer.entryId &&
                !!p.answer.entryId &&
                (p.answer.entryIds ?? []).includes(route.answer.entryId) &&
                (route.answer.entryIds ?? []).includes(p.answer.entryId))),
        );
        if (!same) parts.push({ kind: 'answer', answer: route.answer, frame, main: intent === frame.intent });
        // (An answer that states this one too answers it: the reply's trace says so.)
        else if (route.answer.entryId && same.answer.entryId !== route.answer.entryId)
          stated.push(route.answer.entryId);
        // « frais d'inscription ?? un pote m'a dit 50 balles, sérieux ? »: the same answer once, with the
        // verdict of the clause that checks something.
        else if (this.checksMore(frame, same.frame, route.answer)) Object.assign(same, { answer: route.answer, frame });
      }
    }

    this.academyOnce(parts);
    const answers = parts.filter((p): p is Extract<Part, { kind: 'answer' }> => p.kind === 'answer').slice(0, 4);
    const uncovered = parts.filter((p): p is Extract<Part, { kind: 'uncovered' }> => p.kind === 'uncovered');
    if (answers.length > 0) {
      // One verdict per question: its own intent's; a complement answered beside it (« il faut 12 pour
      // valider ? » → the threshold, and the attestation it gives) only when that one had none.
      const judged = new Set<Frame>();
      const verdicts = new Map(
        [...answers]
          .sort((x, y) => Number(y.main ?? true) - Number(x.main ?? true))
          .map((p) => {
            const answer = judged.has(p.frame) ? p.answer : this.withVerdict(p.answer, p.frame);
            if (answer !== p.answer) judged.add(p.frame);
            return [p, answer] as const;
          }),
      );
      const combined = this.combine(answers.map((p) => verdicts.get(p) ?? p.answer));
      const answer =
        stated.length === 0
          ? combined
          : {
              ...combined,
              entryIds: [
                ...new Set([...(combined.entryIds ?? (combined.entryId ? [combined.entryId] : [])), ...stated]),
              ],
            };
      const notes = uncovered.map((p) => fill(conv.not_covered_also, { about: p.topic.about, who: p.topic.ask }));
      const text = [answer.text, ...notes].join('\n\n');
      return traced({ ...answer, text }, answers[0]!.frame, 'answered');
    }
    if (uncovered.length > 0) {
      const u = uncovered[0]!;
      const refusal = a.message(
        fill(conv.not_covered, { about: u.topic.about, who: u.topic.ask }),
        'fallback',
        a.menuLabels(),
      );
      return traced(
        { ...refusal, remember: { ...refusal.remember, subjects: [...u.frame.cues.subjects] } },
        u.frame,
        'not_covered',
      );
    }
    const clarify = parts.find((p): p is Extract<Part, { kind: 'clarify' }> => p.kind === 'clarify');
    if (clarify) {
      const options = clarify.frame.alternatives
        .filter((alt) => ANSWERABLE.has(this.understander.kindOf(alt.intent) ?? ''))
        .slice(0, 2)
        .map((alt) => a.entryFor(alt.intent)?.question)
        .filter((q): q is string => !!q);
      if (options.length === 2) {
        const intents = clarify.frame.alternatives
          .filter((alt) => ANSWERABLE.has(this.understander.kindOf(alt.intent) ?? '') && a.entryFor(alt.intent))
          .slice(0, 2);
        const clarification = {
          text: reading.text,
          options: Object.fromEntries(intents.map((alt) => [simplify(a.entryFor(alt.intent)!.question), alt.intent])),
        };
        return traced(
          {
            ...a.message(conv.clarify, 'clarify', [...options, conv.clarify_other]),
            remember: { clarify: clarification },
          },
          clarify.frame,
        );
      }
    }
    const fallback = reading.frames.find((f) => f.status !== 'answered') ?? first;
    return traced(a.message(conv.fallback, 'fallback', a.menuLabels()), fallback, 'fallback');
  }

  /**
   * What the sheet does not cover, clause by clause. A clause that names no subject of its own
   * continues its neighbour: « qui corrige les copies ? et en combien de temps ? », « on reçoit les
   * résultats comment ? par courrier ? » are one uncovered question each.
   */
  private uncoveredByClause(reading: Reading): (UncoveredTopic | null)[] {
    const settled = new Set<number>();
    const coverage = reading.frames.map((f, i) => {
      // As typed first; then as heard (« kes kil fo amené le jour de l'egzamin »): a typo must not hide
      // what the sheet does not cover.
      const topic =
        this.answerer.uncovered(f.literal, f.intent, f.cues.yesNo || f.cues.choice, f.cues.subjects) ??
        (f.heard !== f.literal
          ? this.answerer.uncovered(f.heard, f.intent, f.cues.yesNo || f.cues.choice, f.cues.subjects)
          : null);
      // « c'est bien le bloc 3 qu'on valide ? », « l'exam dure 4h comme les autres épreuves du BTS »: a
      // closed question or a claim that the sheet contradicts is answered (« Non : … »), though it names
      // something the sheet does not cover — by the question's own intent first, then the topic's others.
      if (!topic?.settledBy || !(f.cues.yesNo || f.cues.choice || f.cues.claim)) return topic;
      const candidates = [...topic.settledBy].sort((x, y) => Number(y === f.intent) - Number(x === f.intent));
      // Only a contradiction settles it: a « oui » would confirm what the sheet does not say.
      const settler = candidates.find((intent) =>
        this.matchingClaims(this.answerer.entryFor(intent), f).some((c) => c.answer === 'non'),
      );
      // …and only when nothing else the sheet does not cover is asked (« le BTS entier par la VAE ? »).
      if (!settler || this.answerer.uncovered(f.literal, f.intent, true, f.cues.subjects, new Set([topic.id])))
        return topic;
      f.intent = settler;
      f.status = 'answered';
      settled.add(i);
      return null;
    });
    // « j'habite en Belgique, je dépends de quelle académie ? »: a situation the sheet does not cover
    // leaves every question of the message unanswered.
    const condition = coverage.find((c) => c?.condition);
    if (condition) return coverage.map(() => condition);
    for (let i = 1; i < coverage.length; i++) {
      const cues = reading.frames[i]!.cues;
      if (cues.subjects.size > 0) continue;
      // « le coefficient de l'épreuve, et elle dure combien ? »: a pronoun taking up the subject the
      // previous clause named asks its own question about it (« qui corrige ? et en combien de temps ? »
      // names none, and stays the previous question's tail).
      const frame = reading.frames[i]!;
      // A whole clause (« et c'est écrit ou oral ? » after « on a droit à la calculette ? ») that asks
      // something precise its intent answers is a question of its own; a fragment (« et en combien de
      // temps ? ») continues the one before.
      const wholeClause =
        /^(et |mais |sinon |puis )?(est ce (que|qu) |est ce qu )?(elle|il|ils|elles|ca|cela|c est|c|ces|cest|il faut|faut il|y a|ya|il y a|(la|le|les|l) (duree|prix|cout|note|format|forme|statut|date|tarif)\w*)\b/.test(
          frame.normal,
        );
      // …a precise ask that the clause's own intent answers.
      const answers = this.understander.infoOf(frame.intent ?? '')?.asks ?? [];
      // « quand » counts when asked in words (« et c'est en quel mois ? »), not for a month told.
      const askedWhen =
        frame.cues.asks.has('quand') &&
        answers.includes('quand') &&
        /\b(quand|a quel moment|quel mois|quelle periode|quelle date|quelle saison)\b/.test(frame.normal);
      const preciseAsk = askedWhen || [...frame.cues.asks].some((x) => OWN_QUESTION_ASKS.has(x) && answers.includes(x));
      // « c'est quoi le code ? » after « il est au RNCP ? » asks nothing of its own: it continues.
      const asksSomething = [...frame.cues.asks].some((x) => x !== 'quoi');
      const takesUpSubject =
        wholeClause &&
        frame.status === 'answered' &&
        ((reading.frames[i - 1]!.cues.subjects.size > 0 && frame.fromContext && asksSomething) || preciseAsk);
      if (!takesUpSubject && !settled.has(i)) coverage[i] ??= coverage[i - 1]!;
      // A tag that asks nothing itself (« par courrier, par mail ? ») says what the previous clause asked.
      if (cues.asks.size === 0 && !cues.yesNo && !this.understander.asksOpenly(frame.normal) && !settled.has(i - 1))
        coverage[i - 1] ??= coverage[i]!;
    }
    return coverage;
  }

  /** Settles a frame the knowledge of the conversation decides better than the classifier. */
  private settle(frame: Frame, reading: Reading): void {
    const personalGrade = !!reading.entities.grade?.personal;
    // « avec 8 sur 20 je peux avoir l'attestation ? »: a grade of one's own settles a hesitation about
    // results, and a yes/no or threshold question with it is about that grade (« 12/20, c'est bon ? »).
    const aboutResults =
      RESULT_INTENTS.includes(frame.intent ?? '') ||
      ['note', 'resultat', 'attestation'].some((x) => frame.cues.subjects.has(x));
    // …unless the clause asks something else of its own (« g eu 9, je repasse quand ? et faut repayer ? »).
    const asksOther = ['prix', 'duree', 'statut', 'ou'].some((x) => frame.cues.asks.has(x));
    // …and the clause is about the result, or names nothing else (« j'ai eu 7, je me réinscris quand et je
    // dois tout repasser le BTS ? »: the last question is about the BTS, not about the 7).
    const retake =
      /\b(retent\w*|repass\w*|reinscri\w*|recommenc\w*)\b/.test(frame.normal) &&
      !frame.cues.subjects.has('certification');
    const ownClause = aboutResults || retake || frame.cues.subjects.size === 0;
    const gradeQuestion =
      personalGrade &&
      ownClause &&
      (frame.cues.yesNo || frame.cues.asks.has('seuil')) &&
      frame.intent !== 'validite_resultats' &&
      !asksOther;
    if ((frame.status !== 'answered' && personalGrade && aboutResults) || gradeQuestion) {
      frame.status = 'answered';
      frame.intent = 'resultat_examen';
    }
    // Hesitating between starting a guided dialog and answering: answer (« je m'inscris comment ? ») —
    // with the guided intent's steps when the answer is one of them and the learner asks how it goes.
    const [first, second] = frame.alternatives.filter((x) =>
      ['faq', 'guided'].includes(this.understander.kindOf(x.intent) ?? ''),
    );
    const kinds = [first, second].map((x) => (x ? this.understander.infoOf(x.intent) : undefined));
    const guided = kinds.find((k) => k?.kind === 'guided');
    const faq = kinds.find((k) => k?.kind === 'faq');
    if (frame.status === 'ambiguous' && guided && faq) {
      const steps =
        guided.when_asked?.includes(faq.id) && frame.question && !this.understander.wantsGuidance(frame.normal);
      frame.status = 'answered';
      frame.intent = steps ? guided.id : faq.id;
    }
  }

  /** Several short answers as one reply, each with its section; the sources, links and ids of all. */
  private combine(answers: Answer[]): Answer {
    if (answers.length === 1) return answers[0]!;
    const a = this.answerer;
    // Two intents may compute the same text (the exam plan of the timing and of the period): said once.
    const said = new Set<string>();
    const text = answers
      .filter((x, i) => answers.findIndex((y) => y.text === x.text) === i)
      .map((x) => `${this.verdictOnce(x.text, said)} (${x.sources.map((s) => s.label).join(', ')})`)
      .join('\n\n');
    const links = answers.flatMap((x) => x.links).filter((l, i, all) => all.findIndex((m) => m.url === l.url) === i);
    const sources = answers
      .flatMap((x) => x.sources)
      .filter(
        (s, i, all) => all.findIndex((m) => m.section === s.section && m.quotes.join() === s.quotes.join()) === i,
      );
    const entryIds = answers.map((x) => x.entryId).filter((id): id is string => !!id);
    const buttons = [...new Set(answers.flatMap((x) => x.buttons.slice(0, 1))), a.conversation.details_button].slice(
      0,
      4,
    );
    return {
      ...answers[0]!,
      text,
      links,
      sources,
      entryIds,
      buttons,
      focusEntryId: answers[answers.length - 1]!.entryId,
    };
  }

  /**
   * Two « Oui. » in one reply read as a stutter: the second same verdict says « Oui, là aussi : … »
   * (conversation.fr.yaml `verdict_again`). `said` collects the verdicts already given in the reply.
   */
  private verdictOnce(text: string, said: Set<string>): string {
    const m = /^(Oui|Non|Si)\. (.)(.*)$/s.exec(text);
    if (!m) return text;
    const word = m[1]!.toLowerCase() as 'oui' | 'non' | 'si';
    if (!said.has(word)) {
      said.add(word);
      return text;
    }
    // « L'épreuve » → « l'épreuve » after the colon; a name (« MonCompteFormation », « BTS ») keeps its capital.
    const sentence = m[2]! + m[3];
    const firstWord = /^[^\s'’]+/.exec(sentence)?.[0] ?? '';
    const rest = /^[A-ZÀ-Ý][^A-ZÀ-Ý]*$/.test(firstWord) ? sentence[0]!.toLowerCase() + sentence.slice(1) : sentence;
    return `${this.answerer.conversation.verdict_again[word]} ${rest}`;
  }

  /** « Oui. » / « Non. » / « Si. » in front of the answer to a yes/no question, when the sheet settles it. */
  private withVerdict(answer: Answer, frame: Frame): Answer {
    if (!(frame.cues.yesNo || frame.cues.claim) || answer.kind !== 'answer') return answer;
    // A claim without a question mark (« c'est un oral », dictated) gets Oui/Non only when the sheet
    // settles that very claim, or a computed verdict about the outcome it names.
    const claimOnly = !frame.cues.yesNo;
    // A computed verdict (the learner's grade, their result's date) answers whether they passed or it is
    // still valid — not another yes/no question (« j'ai eu 7, je dois refaire toute la formation ? »).
    const question = fold(frame.text.split(/[,;:]/).pop() ?? '').replace(/'/g, ' ');
    const aboutOutcome =
      /\b(bon|bonne|ok|valid\w*|valables?|reussi|admis|attestation|l ai|eu|obtenu|suffi\w*|assez|passe|rate|loupe|recale\w*|foutu|mort|avoir|tient|compte\w*|expire\w*|perime\w*|manque\w*|recu|depend\w*|rattache\w*|releve\w*|academie|rectorat|mon bloc|le bloc|j ai (mon|le|l|la|une|un))\b/.test(
        question,
      ) && !/\b(retent\w*|repass\w*|reinscri\w*|recommenc\w*)\b/.test(question);
    // « j'ai eu 10,5, j'ai besoin de repasser ? »: whether to take it again is the opposite of having passed.
    const asksRetake =
      /\b(besoin de|dois|doit|faut|faudra|oblige de|obligee de) (je |il )?(repasser|retenter|me reinscrire|(refaire|recommencer) (l |le )?(examen|epreuve|exam|bloc))\b(?! (toute |la |ma )?formation)/.test(
        question,
      );
    if (asksRetake && answer.verdict && !claimOnly) {
      const word = answer.verdict === 'oui' ? 'Non' : 'Oui';
      return { ...answer, text: `${word}. ${answer.text}` };
    }
    const claimsOutcome =
      /\b(valid\w*|valable|toujours bon|encore bon|passe|suffi\w*|expire\w*|perime\w*|recale\w*|rate|echoue|loupe)\b/.test(
        question,
      );
    let verdict: 'oui' | 'non' | undefined = aboutOutcome && (!claimOnly || claimsOutcome) ? answer.verdict : undefined;
    // « j'ai eu 11, donc j'ai le BTS complet ? »: a claim the sheet contradicts outweighs the computed pass.
    // (The claims of the reported-grade entry: a threshold's claims name grades, « faut-il 12 ? ».)
    const result = this.answerer.entryFor('resultat_examen');
    const aboutResult = !!result && (answer.entryIds ?? [answer.entryId]).includes(result.id);
    if (verdict && aboutResult && this.matchingClaims(result, frame).some((c) => c.answer === 'non')) verdict = 'non';
    let fromDefault = false;
    let contradictsNegative = false;
    /** A contradicted claim the learner states negated (« on n'est pas obligé de faire tout le BTS »). */
    let agreesNegated = false;
    if (!verdict) {
      const entry = answer.entryId ? this.answerer.entry(answer.entryId) : undefined;
      const rules = entry?.yes_no;
      if (!rules) return answer;
      // A contradiction is more specific than a confirmation (« l'attestation … en version papier ? »).
      const claims = this.matchingClaims(entry, frame);
      verdict = claims.find((c) => c.answer === 'non')?.answer ?? claims[0]?.answer ?? rules.default;
      fromDefault = claims.length === 0;
      // « ça permet quand même de s'inscrire », « il faut l'utiliser aussi »: a question said without
      // its question mark (a modal) gets the plain answer; a bare claim needs the sheet to settle it.
      const modal =
        /\b(je peux|on peut|peut on|puis je|je dois|on doit|il faut|faut il|ca permet|c est possible|j ai le droit|on a le droit|est ce (que|qu)|je suis obligee?|on est oblige|y a|il y a|ya|il existe|vous avez|avez vous|auriez vous|vous auriez)\b/.test(
          frame.normal,
        );
      if (claimOnly && fromDefault && !modal) return answer;
      // « on n'a pas besoin de passer par MonCompteFormation ? »: the sheet contradicts a negative claim
      // asked negatively; French answers that with « Si ».
      contradictsNegative =
        verdict === 'non' &&
        frame.cues.negated &&
        claims.some(
          (c) =>
            c.answer === 'non' &&
            c.when.some((p) => {
              const m = this.pattern(p).exec(frame.normal) ?? this.pattern(p).exec(frame.literal);
              return !!m && /\b(pas|jamais|aucune?|plus)\b/.test(m[0]);
            }),
        );
      agreesNegated =
        verdict === 'non' &&
        claims.some(
          (c) =>
            c.answer === 'non' &&
            c.when.some((p) => {
              const m = this.pattern(p).exec(frame.normal);
              return !!m && /\b(pas|plus|jamais)( \w+){0,2} $/.test(frame.normal.slice(0, m.index));
            }),
        );
    }
    if (!verdict) return answer;
    const text = `${frame.normal} ${frame.literal}`;
    // « on m'a dit que ceux qui ont suivi à distance ne peuvent pas s'inscrire, c'est vrai ? »: the belief
    // checked is negative, so the sheet's yes is a « Non ». « … donc c'est raté ? » asks the opposite of
    // passing.
    // « les gens à distance ils peuvent pas s'inscrire c'est ça ? »: a statement with a tag asking to
    // confirm it is a belief too.
    const reported =
      /\b(on m a dit|il parait|dit que|disent que|pense que|affirme|pretend|a raison|ont raison)\b|\b(c est ca|c est bien ca|c est vrai|n est ce pas|hein)$/.test(
        text.trim(),
      ) ||
      /\b(c est ca|c est bien ca|c est vrai|n est ce pas|hein)\b/.test(frame.normal.split(' ').slice(-4).join(' '));
    const negativeBelief = /\b(peu\w* pas|pas le droit|ne \w+ pas|n \w+ pas|aucune?|jamais|pas de)\b/.test(text);
    const asksFailure = /\b(rate|loupe|echoue|recale|perdu|mort|foutu|expire|perime|trop tard|manque\w*)\b/.test(
      frame.normal.split(' ').slice(-6).join(' '),
    );
    // « je suis à distance, c'est mort pour l'exam ? »: asking whether all is lost asks the opposite of
    // what the sheet allows.
    const allLost = /\b(c est|c|je suis|suis|on est|est ce) (mort|foutu|fichu|cuit|grille|mal barre|rate)\b/.test(
      frame.normal,
    );
    // « on n'est pas obligé de faire tout le BTS, c'est bien ça ? »: the requirement the sheet contradicts,
    // said negated and asked to be confirmed, is what the sheet says.
    // (« … n'est pas à l'oral hein ? » is answered « Non », as French agrees with a negative statement.)
    const confirmTag = /\b(c est (bien )?ca|c est (bien )?vrai|c est correct|c est exact|j ai bien compris)$/.test(
      frame.normal.trim(),
    );
    if (confirmTag && agreesNegated) verdict = 'oui';
    // A claim already reads the belief; only the entry's default is turned round by a negative belief.
    if ((reported && negativeBelief && fromDefault) || (asksFailure && answer.verdict) || (allLost && fromDefault))
      verdict = verdict === 'oui' ? 'non' : 'oui';
    // « obtenu en juin 2022, ça tient jusqu'en 2030 ? »: valid until June 2027, so no; « obtenu en juin
    // 2024, encore valable en septembre 2029 ? »: valid until June 2029, so no. A month compares only
    // with a result dated to the month.
    const named = monthYears(frame.text);
    const until = answer.validUntil;
    // The moment asked about: the last one named, when another is when it was obtained (said before, or
    // remembered: « je l'ai toujours en 2030 ? » after « j'ai eu 12 en 24 »).
    const askedOnly =
      named.length === 1 && !!answer.validFrom && named[0]!.year !== answer.validFrom.date.getFullYear();
    if (until && (named.length >= 2 || askedOnly)) {
      const asked = named[named.length - 1]!;
      const untilYear = until.date.getFullYear();
      const byMonth = asked.month !== null && until.precision !== 'year';
      const a = byMonth ? asked.year * 12 + asked.month! : asked.year;
      const u = byMonth ? untilYear * 12 + until.date.getMonth() : untilYear;
      // « … mes résultats expirent-ils en 2030 ? » asks when it ends, not whether it still holds then.
      const asksEnd = /\b(expir\w*|perim\w*|prend\w* fin|se termine\w*|s arrete\w*)\b/.test(frame.normal);
      if (asksEnd) verdict = a === u ? 'oui' : 'non';
      else if (a > u) verdict = 'non';
      else if (a < u) verdict = 'oui';
      if (a !== u && !asksEnd) {
        const when: DateSpec = {
          date: new Date(asked.year, asked.month ?? 0, 1),
          precision: asked.month === null ? 'year' : 'month',
        };
        const line = fill(this.answerer.conversation.valid_at[verdict], { when: formatFrench(when) });
        answer = { ...answer, text: `${answer.text} ${line}` };
      }
    }
    // « je passe le reste du BTS dans 6 ans, ça compte encore ? »: a moment so many years ahead, against
    // the validity in years (the entry's claims read « 6 ans » as a length: « valable 6 ans ? »).
    const validity = this.answerer.entryFor('validite_resultats');
    const years = validity ? this.answerer.numberValue('validity_years') : undefined;
    const ahead =
      /\b(?:dans|d ici|au bout de|apres) (\d{1,2}|un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix) ans\b/.exec(
        frame.normal,
      );
    if (ahead && years !== undefined && (answer.entryIds ?? [answer.entryId]).includes(validity!.id)) {
      const n = parseNumberWords(ahead[1]!) ?? Number(ahead[1]);
      if (n > years) verdict = 'non';
      else if (n < years) verdict = 'oui';
    }
    const word = contradictsNegative
      ? 'Si'
      : verdict === 'oui'
        ? frame.cues.negated && !reported
          ? 'Si'
          : 'Oui'
        : 'Non';
    return { ...answer, text: `${word}. ${answer.text}` };
  }

  /** Whether `frame` checks something about the answer's entry that `other` does not (a yes/no, a claim). */
  private checksMore(frame: Frame, other: Frame, answer: Answer): boolean {
    const asks = (f: Frame) => f.cues.yesNo || f.cues.claim;
    if (!asks(frame)) return false;
    if (!asks(other)) return true;
    const entry = answer.entryId ? this.answerer.entry(answer.entryId) : undefined;
    return this.matchingClaims(entry, frame).length > 0 && this.matchingClaims(entry, other).length === 0;
  }

  /**
   * The claims of an entry that a question makes. Read on the words as typed too (a typo correction
   * may change « version » into another word).
   */
  private matchingClaims(entry: Entry | undefined, frame: Frame): NonNullable<Entry['yes_no']>['claims'] {
    return (entry?.yes_no?.claims ?? []).filter((c) =>
      c.when.some((p) => {
        const re = this.pattern(p);
        return re.test(frame.normal) || re.test(frame.literal);
      }),
    );
  }

  /** The knowledge base's yes/no patterns, compiled once (they are checked at load). */
  private readonly patterns = new Map<string, RegExp>();

  private pattern(source: string): RegExp {
    let re = this.patterns.get(source);
    if (!re) {
      re = new RegExp(source);
      this.patterns.set(source, re);
    }
    return re;
  }

  /**
   * « j'habite à Nice, je m'inscris où et ça coûte combien ? »: the académie of the place is said once.
   * An answer that adds it to its own (where, cost: `compute: with_academy`) keeps only its own when
   * the message's académie is answered beside it.
   */
  private academyOnce(parts: Part[]): void {
    const academyId = this.answerer.entryFor('academie')?.id;
    if (!academyId || !parts.some((p) => p.kind === 'answer' && p.answer.entryId === academyId)) return;
    for (const p of parts) {
      if (p.kind !== 'answer' || !p.answer.entryId || p.answer.entryId === academyId) continue;
      if (!(p.answer.entryIds ?? []).includes(academyId)) continue;
      const plain = this.answerer.entryAnswer(this.answerer.entry(p.answer.entryId)!);
      if (p.answer.text.startsWith(plain.text) && p.answer.text !== plain.text) p.answer = { ...p.answer, ...plain };
    }
  }

  /** A message that only brings the missing grade or date of the question being discussed. */
  private completeTopic(reading: Reading, today: Date, topic: Topic): Answer | null {
    const a = this.answerer;
    const entry = topic.entryId ? a.entry(topic.entryId) : undefined;
    if (!entry) return null;
    const asksSomethingElse = reading.frames.some(
      (f) =>
        f.status === 'answered' &&
        f.question &&
        f.cues.asks.size > 0 &&
        !f.fromContext &&
        !RESULT_INTENTS.includes(f.intent ?? '') &&
        !datesOnly(f),
    );
    if (asksSomethingElse) return null;
    const resultEntry = a.entryFor('resultat_examen');
    const validityEntry = a.entryFor('validite_resultats');
    const aboutResult = RESULT_INTENTS.some((i) => entry.intents.includes(i));
    const grade =
      reading.entities.grade ??
      (entry.intents.includes('resultat_examen') ? extractGrade(reading.text, { bare: true }) : null);
    const date = reading.entities.date;
    // « et avec exactement la moyenne, c'est validé ? »: a supposed grade is answered as one (routeReading).
    if (aboutResult && grade && resultEntry && !grade.hypothetical) {
      const obtained = date ?? rememberedDate(topic);
      return {
        ...a.grade(resultEntry, grade, obtained, today),
        remember: { grade, ...(obtained ? { date: obtained } : {}) },
      };
    }
    // « donc c'est encore bon ? », « valable jusqu'à quand ? » once the date was said.
    const stillValid = reading.frames.some(
      (f) =>
        (f.cues.yesNo && /\b(encore|toujours|plus) (bon|valable|valide)\b|\bexpire\b/.test(f.normal)) ||
        (f.status === 'answered' && f.intent === 'validite_resultats'),
    );
    if (aboutResult && !date && !grade && topic.date && stillValid && validityEntry) {
      return a.validity(validityEntry, rememberedDate(topic)!, today);
    }
    // « et à Paris ? », « et 38000 ? » after a cost, place or académie answer: the same question there.
    const aboutPlace = ['cout_inscription', 'lieu_inscription', 'academie'].find((i) => entry.intents.includes(i));
    const place = reading.entities.place ?? this.understander.extractPlace(reading.text, true);
    const onlyPlace =
      reading.text.split(/\s+/).length <= 14 &&
      reading.frames.every(
        (f) =>
          [...f.cues.subjects].every((x) => x === 'academie') &&
          [...f.cues.asks].every((x) => ['ou', 'quoi', 'qui', 'prix', 'quand'].includes(x)),
      );
    if (aboutPlace && place && onlyPlace) {
      const route = this.answerIntent(
        aboutPlace,
        reading.frames[0]!,
        { ...reading, entities: { ...reading.entities, place } },
        today,
        topic,
      );
      if (route.type !== 'answer') return null;
      // « j'ai déménagé à Paris, ça change ? » after the académie of the old place: whether it does.
      const before = topic.place ? a.academyName(topic.place.departement) : undefined;
      const after = a.academyName(place.departement);
      if (before && after && reading.frames.some((f) => f.cues.yesNo && /\b(change\w*)\b/.test(f.normal)))
        return { ...route.answer, text: `${before === after ? 'Non' : 'Oui'}. ${route.answer.text}` };
      return route.answer;
    }
    // « et si j'ai fini la formation en juillet ? » after a registration answer: the plan for that date.
    const aboutRegistration = ['inscription_moment', 'periode_inscription', 'session_examen'].some((i) =>
      entry.intents.includes(i),
    );
    if (aboutRegistration && date && reading.entities.dateRole === 'training_end')
      return a.examPlan(entry, date, today);
    // « c'est bon du coup ? » after the grade: the grade's verdict.
    if (aboutResult && !date && !grade && topic.grade && resultEntry && reading.frames.some((f) => f.cues.yesNo)) {
      return a.grade(resultEntry, topic.grade, rememberedDate(topic), today);
    }
    if (aboutResult && date && !grade && !askedAbout(reading, today)) {
      // The grade was answered already: its date brings how long it stays valid.
      const pass = a.numberValue('pass_grade');
      if (topic.grade && validityEntry && pass !== undefined && topic.grade.value >= pass)
        return { ...a.validity(validityEntry, date, today), remember: { grade: topic.grade, date } };
      if (topic.grade && resultEntry)
        return { ...a.grade(resultEntry, topic.grade, date, today), remember: { grade: topic.grade, date } };
      if (validityEntry) return { ...a.validity(validityEntry, date, today), remember: { date } };
    }
    return null;
  }

  /**
   * A result obtained « en 2021 » was obtained at that year's session: the sheet's exams are in June,
   * so the validity runs to June, not to December.
   */
  private sessionDate(date: NonNullable<Reading['entities']['date']>): NonNullable<Reading['entities']['date']> {
    if (date.precision !== 'year') return date;
    const month = (this.answerer.numberValue('exam_month') ?? 6) - 1;
    return { ...date, date: new Date(date.date.getFullYear(), month, 1), precision: 'month' };
  }

  /** An intent's answer: its entry's short answer, or computed from the learner's grade, date or place (catalog.yaml `compute`). */
  private answerIntent(intent: string, frame: Frame, reading: Reading, today: Date, topic: Topic): Route {
    const a = this.answerer;
    const info = this.understander.infoOf(intent);
    if (info?.kind === 'guided') return this.guidedRoute(info, frame, reading);
    const entry = a.entryFor(intent);
    if (!entry) return { type: 'answer', answer: a.message(a.conversation.fallback, 'fallback', a.menuLabels()) };
    const { place, date, dateRole } = reading.entities;
    // Whatever the question, a place the learner gives is remembered (« et mon académie ? » later).
    const answer = (x: Answer): Route => ({
      type: 'answer',
      answer: place && !x.remember?.place ? { ...x, remember: { ...x.remember, place } } : x,
    });
    const compute = info?.compute as ComputedAnswer | undefined;
    if (!compute) return answer(a.entryAnswer(entry));
    const obtained = date && dateRole !== 'training_end' && !askedAbout(reading, today) ? this.sessionDate(date) : null;
    return this.computed[compute]({ intent, entry, frame, reading, today, topic, obtained, answer });
  }

  /** The typed table of computed answers: catalog.yaml `compute` names one (checked at start, dialogs/wiring.ts). */
  private readonly computed: Record<ComputedAnswer, (input: ComputeInput) => Route> = {
    result: (x) => this.computeResult(x),
    validity: (x) => this.computeValidity(x),
    academy: (x) => this.computeAcademy(x),
    with_academy: (x) => this.computeWithAcademy(x),
    exam_plan: (x) => this.computeExamPlan(x),
  };

  /** catalog.yaml `compute: result` — the learner's grade, or the threshold (note_requise, resultat_examen, attestation_reussite). */
  private computeResult({ intent, entry, frame, reading, today, topic, obtained, answer }: ComputeInput): Route {
    const a = this.answerer;
    const { grade } = reading.entities;
    // « la moyenne c'est 10 ? »: a grade that is not the learner's own, or a yes/no question without
    // any grade, asks about the threshold.
    const threshold = intent === 'resultat_examen' ? a.entryFor('note_requise') : undefined;
    if (threshold && grade && !grade.personal && (frame.cues.yesNo || frame.cues.asks.has('seuil')))
      return answer(a.entryAnswer(threshold));
    // « avec 10 pile on valide ? »: what that grade would give, not congratulations (nothing remembered).
    const passGrade = a.entryFor('note_requise');
    const supposed = grade?.hypothetical && passGrade ? a.supposedGrade(passGrade, grade) : null;
    if (supposed) return answer(supposed);
    if (grade?.personal || (intent === 'resultat_examen' && grade))
      return answer({
        ...a.grade(a.entryFor('resultat_examen') ?? entry, grade, obtained, today),
        remember: { grade, ...(obtained ? { date: obtained } : {}) },
      });
    if (intent === 'resultat_examen' && topic.grade) return answer(a.grade(entry, topic.grade, obtained, today));
    if (threshold && frame.cues.yesNo) return answer(a.entryAnswer(threshold));
    return answer(a.entryAnswer(entry));
  }

  /** `compute: validity` — until when a result obtained on the date said stays valid. */
  private computeValidity({ entry, reading, today, topic, obtained, answer }: ComputeInput): Route {
    const a = this.answerer;
    const { grade } = reading.entities;
    // The date goes with the grade: « et c'est valable jusqu'à quand ? » next computes from it.
    if (grade?.personal)
      return answer({
        ...a.grade(a.entryFor('resultat_examen') ?? entry, grade, obtained, today),
        remember: { grade, ...(obtained ? { date: obtained } : {}) },
      });
    if (obtained) return answer({ ...a.validity(entry, obtained, today), remember: { date: obtained } });
    // The date the conversation already knows (« j'ai eu 12 en 24 », then « je l'ai toujours en 2030 ? »).
    const remembered = rememberedDate(topic);
    if (remembered) return answer(a.validity(entry, remembered, today));
    return answer(a.entryAnswer(entry));
  }

  /** `compute: academy` — the académie of the place said (or remembered), else the académie dialog. */
  private computeAcademy({ entry, frame, reading, topic, answer }: ComputeInput): Route {
    const a = this.answerer;
    const { place } = reading.entities;
    // « j'habite à Évry, je dépends de Créteil ? »: the académie of home, and whether the belief holds.
    const { home, claimed } = this.understander.extractPlaceClaim(reading.text);
    if (claimed && home) {
      const same = a.academyName(home.departement) === a.academyName(claimed.departement);
      return answer({ ...a.academy(entry, home), verdict: same ? 'oui' : 'non' });
    }
    if (claimed) return answer(a.entryAnswer(entry));
    if (home) return answer(a.academy(entry, home));
    if (place) return answer(a.academy(entry, place));
    // « et mon académie ? » once the learner said where they live.
    if (topic.place) return answer(a.academy(entry, topic.place));
    // A yes/no question (« je dépends de mon lieu de travail ? ») gets its answer; an open one the dialog.
    if (frame.cues.yesNo) return answer(a.entryAnswer(entry));
    return { type: 'dialog', dialog: 'academy', options: {} };
  }

  /** `compute: with_academy` — "combien ça coûte à Lyon ?": the answer, then which académie that place (said or remembered) belongs to. */
  private computeWithAcademy({ intent, entry, reading, topic, answer }: ComputeInput): Route {
    const a = this.answerer;
    // The place said now; for a question of where (its intent answers « où »), also the one said earlier
    // (« je suis à Papeete » … « je m'inscris où ? »). « c'est gratuit là-bas ? » is answered without it.
    const asksWhere = this.understander.infoOf(intent)?.asks?.includes('ou') ?? false;
    const place = reading.entities.place ?? (asksWhere ? topic.place : undefined);
    const academyEntry = a.entryFor('academie');
    if (!place || !academyEntry) return answer(a.entryAnswer(entry));
    const main = a.entryAnswer(entry);
    const where = a.academy(academyEntry, place);
    if (where.kind === 'prompt') return answer(main);
    return answer({
      ...main,
      text: `${main.text}\n\n${where.text}`,
      sources: [...main.sources, ...where.sources],
      links: [...main.links, ...where.links.filter((l) => !main.links.some((m) => m.url === l.url))],
      entryIds: [...new Set([main.entryId!, ...(where.entryIds ?? [])])],
    });
  }

  /** `compute: exam_plan` — which autumn to register and which session, from the end of the training said. */
  private computeExamPlan({ entry, reading, today, answer }: ComputeInput): Route {
    const a = this.answerer;
    const { date, dateRole } = reading.entities;
    // A date is the end of the training only when the learner says so.
    const end = date && dateRole === 'training_end' ? date : null;
    // « je n'ai pas encore fini, ça se termine en juin 2025 » in November 2026: no plan computed from
    // a date the learner's own words contradict — the guided registration asks it back once.
    const stillTraining =
      /\b(pas (encore |tout a fait )?(fini|finie|termine|terminee)|toujours en formation|en cours de formation|se termine(ra)?|finira|terminera|je (finis|termine))\b/.test(
        fold(reading.text),
      );
    if (end && stillTraining && compareToToday(end, today) < 0) {
      // Asked back by the guided registration when it is the message's only question; beside other
      // questions, they are answered without that date.
      if (reading.frames.length > 1) return answer(a.examPlan(entry, null, today));
      const askAgain = fill(a.conversation.prompts.training_end_not_future, { date: formatFrench(end) });
      return { type: 'dialog', dialog: 'registration', options: { finished: false, askAgain, askedAgain: true } };
    }
    return answer(a.examPlan(entry, end, today));
  }

  /**
   * A guided intent: asked about (« quelles sont les étapes pour s'inscrire ? »), the answers of its
   * `when_asked` intents and a button to be guided; requested (« aidez-moi à m'inscrire »), its dialog,
   * told what the learner already said.
   */
  private guidedRoute(info: IntentInfo, frame: Frame, reading: Reading): Route {
    const a = this.answerer;
    // A name of GUIDED_DIALOGS: checked at start (dialogs/wiring.ts).
    const dialog = info.dialog as GuidedDialog;
    const entries = (info.when_asked ?? []).map((i) => a.entryFor(i)).filter((e): e is NonNullable<typeof e> => !!e);
    if (entries.length > 0 && frame.question && !this.understander.wantsGuidance(frame.normal)) {
      const guide = a.conversation.menu.find((m) => m.action === `dialog:${dialog}`)?.label;
      const answer = this.combine(entries.map((e) => a.entryAnswer(e)));
      return {
        type: 'answer',
        answer: { ...answer, buttons: [...(guide ? [guide] : []), ...answer.buttons].slice(0, 4) },
      };
    }
    const { date, dateRole } = reading.entities;
    const finished = this.understander.saysTrainingFinished(reading.frames.map((f) => f.normal).join(' '));
    return {
      type: 'dialog',
      dialog,
      options: { ...(finished ? { finished } : {}), ...(date && dateRole === 'training_end' ? { date } : {}) },
    };
  }

  /** A menu button: its dialog or its entry (both checked at start, dialogs/wiring.ts). */
  private menuRoute(action: string): Route {
    const target = parseMenuAction(action);
    if (!target) throw new Error(`menu action "${action}": no such guided dialog`);
    if (target.kind === 'dialog') return { type: 'dialog', dialog: target.dialog, options: {} };
    const entry = this.answerer.entry(target.entry);
    if (!entry) throw new Error(`menu action "${action}": no entry "${target.entry}" in the knowledge base`);
    return { type: 'answer', answer: this.answerer.entryAnswer(entry) };
  }
}

import type { Answer, Answerer } from '../knowledge/answers.ts';
import type { Entry } from '../knowledge/schema.ts';
import { fold } from '../intents/nlu/text.ts';
import type { Understander, Understanding } from '../intents/nlu/understand.ts';

/**
 * The understanding-and-answering core, free of any channel or SDK: given a message, decides what
 * the assistant does. The botbuilder dialogs, the terminal chat and the tests all go through it.
 */

export type GuidedDialog = 'registration' | 'exam' | 'after_exam' | 'academy';
export type Command = 'help' | 'menu' | 'cancel' | 'restart' | 'details' | 'feedback_up' | 'feedback_down';

export interface DialogOptions {
  grade?: { value: number; valid: boolean; text: string };
  date?: { date: Date; precision: 'day' | 'month' | 'year' };
  place?: { departement: string; text: string };
}

export type Route =
  | { type: 'answer'; answer: Answer; understanding?: Understanding }
  | { type: 'dialog'; dialog: GuidedDialog; options: DialogOptions; understanding?: Understanding }
  | { type: 'command'; command: Command };

/**
 * A learner's 👍 / 👎 (the feedback buttons start with their emoji). Matching the words ("Oui") would
 * steal the answers to the yes/no questions of the guided dialogs.
 */
export function feedbackOf(text: string): 'up' | 'down' | null {
  const t = text.trim();
  if (t.startsWith('👍')) return 'up';
  if (t.startsWith('👎')) return 'down';
  return null;
}

/** Compares messages the way learners type them: no accents, case, punctuation or extra spaces. */
export function simplify(text: string): string {
  return fold(text).replace(/[^a-z0-9?+' ]+/g, ' ').replace(/\s+/g, ' ').trim();
}

export class Router {
  private readonly commands = new Map<string, Command>();
  private readonly menu = new Map<string, string>();

  constructor(
    readonly understander: Understander,
    readonly answerer: Answerer,
  ) {
    const c = answerer.conversation.commands;
    for (const command of ['help', 'menu', 'cancel', 'restart', 'details'] as const) {
      for (const word of c[command]) this.commands.set(simplify(word), command);
    }
    this.commands.set(simplify(answerer.conversation.details_button), 'details');
    for (const item of answerer.conversation.menu) this.menu.set(simplify(item.label), item.action);
  }

  command(text: string): Command | null {
    const feedback = feedbackOf(text);
    if (feedback) return feedback === 'up' ? 'feedback_up' : 'feedback_down';
    return this.commands.get(simplify(text)) ?? null;
  }

  /** Decides what to do with a message when no guided dialog is waiting for an answer. */
  route(text: string, today: Date): Route {
    const command = this.command(text);
    if (command) return { type: 'command', command };
    const menuAction = this.menu.get(simplify(text));
    if (menuAction) return this.menuRoute(menuAction);
    // A follow-up button sends an entry's question: answer that entry, no guessing needed.
    const clicked = this.answerer.kb.entryByQuestion(text);
    if (clicked) return { type: 'answer', answer: this.answerer.entryAnswer(clicked) };

    const u = this.understander.understand(text, today);
    return this.routeUnderstanding(u, today);
  }

  /** What to do with an understood message; answers carry how it was understood (for transcripts). */
  routeUnderstanding(u: Understanding, today: Date): Route {
    const route = this.decide(u, today);
    if (route.type !== 'answer') return route;
    return { ...route, answer: { ...route.answer, trace: { intent: u.intent, confidence: Math.round(u.confidence * 1000) / 1000, status: u.status } } };
  }

  private decide(u: Understanding, today: Date): Route {
    const a = this.answerer;
    const conv = a.conversation;
    if (u.status === 'fallback' || !u.intent) {
      return { type: 'answer', answer: a.message(conv.fallback, 'fallback', a.menuLabels()), understanding: u };
    }
    if (u.status === 'ambiguous') {
      const options = u.alternatives
        .slice(0, 2)
        .map((alt) => a.kb.entryForIntent(alt.intent)?.question)
        .filter((q): q is string => !!q);
      if (options.length === 2) return { type: 'answer', answer: a.message(conv.clarify, 'clarify', options), understanding: u };
      // One of the two is smalltalk or guided: take the best one.
    }
    const intent = u.intent;
    switch (intent) {
      case 'salutation':
        return { type: 'answer', answer: a.message(conv.greeting, 'smalltalk', a.menuLabels()), understanding: u };
      case 'remerciement':
        return { type: 'answer', answer: a.message(conv.thanks, 'smalltalk'), understanding: u };
      case 'au_revoir':
        return { type: 'answer', answer: a.message(conv.goodbye, 'smalltalk'), understanding: u };
      case 'aide_capacites':
        return { type: 'answer', answer: a.message(conv.help, 'smalltalk', a.menuLabels()), understanding: u };
      case 'inscription_accompagnee':
        return { type: 'dialog', dialog: 'registration', options: {}, understanding: u };
      default:
        break;
    }
    const entry = a.kb.entryForIntent(intent);
    if (!entry) return { type: 'answer', answer: a.message(conv.fallback, 'fallback', a.menuLabels()), understanding: u };
    return this.answerEntry(entry, intent, u, today);
  }

  /** An FAQ intent: the entry's answer, computed from the learner's grade, date or place when given. */
  private answerEntry(entry: Entry, intent: string, u: Understanding, today: Date): Route {
    const a = this.answerer;
    const { grade, date, place } = u.entities;
    const withU = (answer: Answer): Route => ({ type: 'answer', answer, understanding: u });
    switch (intent) {
      case 'resultat_examen':
        if (grade) return withU(a.grade(entry, grade, date ?? null, today));
        return { type: 'dialog', dialog: 'after_exam', options: date ? { date } : {}, understanding: u };
      case 'note_requise':
      case 'attestation_reussite':
        if (grade?.personal) return withU(a.grade(a.kb.entryForIntent('resultat_examen') ?? entry, grade, date ?? null, today));
        return withU(a.entryAnswer(entry));
      case 'validite_resultats':
        if (date) return withU(a.validity(entry, date, today));
        return withU(a.entryAnswer(entry));
      case 'academie':
        if (place) return withU(a.academy(entry, place));
        return { type: 'dialog', dialog: 'academy', options: {}, understanding: u };
      case 'cout_inscription':
      case 'lieu_inscription': {
        // "combien ça coûte à Lyon ?": the answer, then which académie that place belongs to.
        const academyEntry = a.kb.entryForIntent('academie');
        if (!place || !academyEntry) return withU(a.entryAnswer(entry));
        const main = a.entryAnswer(entry);
        const where = a.academy(academyEntry, place);
        if (where.kind === 'prompt') return withU(main);
        return withU({ ...main, text: `${main.text}\n\n${where.text}`, sources: [...main.sources, ...where.sources], links: [...main.links, ...where.links.filter((l) => !main.links.some((m) => m.url === l.url))] });
      }
      case 'session_examen':
      case 'periode_inscription':
      case 'inscription_moment':
        return withU(a.examPlan(entry, date ?? null, today));
      default:
        return withU(a.entryAnswer(entry));
    }
  }

  private menuRoute(action: string): Route {
    const [kind, target] = action.split(':') as [string, string];
    if (kind === 'dialog') return { type: 'dialog', dialog: target as GuidedDialog, options: {} };
    const entry = this.answerer.kb.entry(target);
    if (!entry) throw new Error(`menu action "${action}": no entry "${target}" in the knowledge base`);
    return { type: 'answer', answer: this.answerer.entryAnswer(entry) };
  }
}

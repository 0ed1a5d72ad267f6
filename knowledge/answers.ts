import { fill, type Conversation } from './conversation.ts';
import {
  compareToToday,
  computeValidity,
  formatFrench,
  formatUntil,
  formatWhen,
  planExam,
  type DateSpec,
} from './calendar.ts';
import type { AcademyDirectory } from './academies.ts';
import type { KnowledgeBase } from './knowledge-base.ts';
import type { Entry } from './schema.ts';

/**
 * Where an answer comes from: a section of the sheet and the exact sentences — or, for a fact the sheet
 * does not hold (which académie a town belongs to, where its rectorat is), the document it comes from
 * (`document`: the académie directory), never labelled as the sheet.
 */
export interface SourceRef {
  section: string;
  label: string;
  quotes: string[];
  document?: string;
}

/** One part of a summary (the end of a guided dialog): its title, what it says, where that comes from. */
export interface SummarySection {
  title: string;
  text: string;
  sources: SourceRef[];
}

export type AnswerKind = 'answer' | 'details' | 'smalltalk' | 'fallback' | 'clarify' | 'prompt' | 'info';

/** A reply, independent of any channel: dialogs render it as an activity, the tests read it as is. */
export interface Answer {
  kind: AnswerKind;
  text: string;
  sources: SourceRef[];
  /** Follow-up questions offered as buttons (the value sent is the label). */
  buttons: string[];
  /** Configured links (the sheet's placeholders), shown as buttons that open a page. */
  links: { label: string; url: string }[];
  entryId?: string;
  /** Every entry a combined answer gives (several questions in one message). */
  entryIds?: string[];
  /** For a computed answer to a yes/no question: what the learner's own case gives. */
  verdict?: 'oui' | 'non';
  /** For a validity computed from a date: when it starts (the result obtained) and ends (to check « valable jusqu'en 2030 ? »). */
  validFrom?: DateSpec;
  validUntil?: DateSpec;
  /** What the conversation should remember from this answer (the learner's grade, the date said). */
  remember?: { grade?: GradeInput; date?: DateSpec; place?: Place; subjects?: string[]; clarify?: Clarification };
  /** The entry a follow-up most likely continues (the last question of a combined answer). */
  focusEntryId?: string;
  /** How the question was understood (intent, confidence, status), kept with the answer for staff. */
  trace?: { intent: string | null; confidence: number; status: string };
  /** A learner's feedback, on the assistant's acknowledgement of it. */
  feedback?: 'up' | 'down';
  /**
   * A summary in parts (the end of a guided dialog), each with its own source: channels that show cards
   * get one card, the others `text`, which says the same in plain text.
   */
  sections?: SummarySection[];
  /** The summary's heading. */
  title?: string;
}

/**
 * A « Vouliez-vous dire… » asked: the learner's message and the intent behind each option, so the
 * option chosen is answered with what the message said (its grade, date, place).
 */
export interface Clarification {
  text: string;
  options: Record<string, string>;
}

/** A learner's place: its département, what names it, and (when known) what kind of name that is. */
export interface Place {
  departement: string;
  text: string;
  kind?: 'postal_code' | 'departement' | 'city' | 'academy';
}
/** The training centre's contact details (CONTACT_EMAIL, CONTACT_PHONE, CONTACT_URL). */
export interface Contact {
  email?: string;
  phone?: string;
  url?: string;
}

export interface GradeInput {
  value: number;
  valid: boolean;
  text: string;
}

/**
 * Composes answers from the knowledge base: short answers with their source, details with the quoted
 * sentences, and answers computed from the learner's date, grade or place — always with the values of
 * the knowledge base, never with facts of its own.
 */
export class Answerer {
  constructor(
    readonly kb: KnowledgeBase,
    readonly conversation: Conversation,
    private readonly academies: AcademyDirectory,
    /** Configuration key → address, for the link slots of the knowledge base. */
    private readonly linkConfig: Record<string, string | undefined>,
    /** The training centre's contact (configuration); without it, « votre organisme de formation ». */
    private readonly contact: Contact = {},
    /** How long transcripts are kept, said to the learner (TRANSCRIPT_RETENTION_DAYS). */
    private readonly retentionDays = 180,
    /** The organisation's privacy page (ORG_PRIVACY_URL), linked from the welcome's retention line. */
    private readonly privacyUrl?: string,
  ) {}

  /** The entry that answers an intent (the first that lists it). Dialogs ask the answerer, not the knowledge base. */
  entryFor(intent: string): Entry | undefined {
    return this.kb.entryForIntent(intent);
  }

  entry(id: string): Entry | undefined {
    return this.kb.entry(id);
  }

  /** The entry whose question is this text (a follow-up button pressed). */
  entryByQuestion(text: string): Entry | undefined {
    return this.kb.entryByQuestion(text);
  }

  /** A value of the sheet that is a number (« pass_grade », « exam_month »). */
  numberValue(name: string): number | undefined {
    return this.kb.numberValue(name);
  }

  /** What the sheet does not cover that a question asks (knowledge/not-covered.yaml), if anything. */
  uncovered(
    ...question: Parameters<KnowledgeBase['coverage']['uncovered']>
  ): ReturnType<KnowledgeBase['coverage']['uncovered']> {
    return this.kb.coverage.uncovered(...question);
  }

  /** « Je veux parler à un conseiller »: who to contact, from configuration only (never invented). */
  human(): Answer {
    const c = this.conversation.contact;
    const ways = [
      this.contact.email && fill(c.email, { email: this.contact.email }),
      this.contact.phone && fill(c.phone, { phone: this.contact.phone }),
    ].filter((w): w is string => !!w);
    const who = ways.length > 0 ? ways.join(c.or) : this.contact.url ? c.page : c.default;
    const answer = this.message(fill(c.text, { contact: who }), 'info', this.menuLabels());
    return { ...answer, links: this.contact.url ? [{ label: c.page_button, url: this.contact.url }] : [] };
  }

  private sourceOf(entry: Entry): SourceRef {
    const section = this.kb.section(entry.source.section);
    return {
      section: entry.source.section,
      label: section?.label ?? entry.source.section,
      quotes: entry.source.quotes,
    };
  }

  links(entry: Entry): { label: string; url: string }[] {
    return entry.links.flatMap((slot) => {
      const declared = this.kb.linkSlots[slot];
      const url = declared ? this.linkConfig[declared.env] : undefined;
      return declared && url ? [{ label: declared.label, url }] : [];
    });
  }

  /** The questions of an entry's follow-ups, then "Plus de détails": three buttons at most (then « Menu »). */
  followUps(entry: Entry, limit = 2): string[] {
    const questions = entry.follow_ups
      .map((id) => this.kb.entry(id)?.question)
      .filter((q): q is string => !!q)
      .slice(0, limit);
    return [...questions, this.conversation.details_button];
  }

  private vars(extra: Record<string, string | number> = {}): Record<string, string | number> {
    const privacy = this.conversation.privacy;
    const retention = this.privacyUrl
      ? fill(privacy.line_with_link, { retention_days: this.retentionDays, url: this.privacyUrl })
      : fill(privacy.line, { retention_days: this.retentionDays });
    return {
      ...this.kb.allValues(),
      title: this.kb.title,
      training: this.kb.data.document.training,
      retention_days: this.retentionDays,
      retention,
      ...extra,
    };
  }

  private compose(entry: Entry, text: string, extraSources: Entry[] = []): Answer {
    return {
      kind: 'answer',
      text,
      sources: [this.sourceOf(entry), ...extraSources.map((e) => this.sourceOf(e))],
      buttons: this.followUps(entry),
      links: this.links(entry),
      entryId: entry.id,
    };
  }

  /** The short answer of an entry (with the other entries whose facts it states). */
  entryAnswer(entry: Entry): Answer {
    let text = fill(entry.short, this.vars());
    if (entry.links.length > 0 && this.links(entry).length === 0 && entry.templates.no_link)
      text += ` ${fill(entry.templates.no_link, this.vars())}`;
    const answer = this.compose(entry, text);
    return entry.also_states.length > 0 ? { ...answer, entryIds: [entry.id, ...entry.also_states] } : answer;
  }

  /** The detailed answer with the exact sentences of the sheet. */
  details(entry: Entry): Answer {
    const source = this.sourceOf(entry);
    // The sheet's links are placeholders (« [ce lien](#) »): the words are quoted without a link that goes
    // nowhere; the configured address is a button (compose → links), else the learner is told whom to ask.
    let placeholders = false;
    const quoted = source.quotes.map(
      (q) =>
        `« ${q.replace(/\*\*/g, '').replace(/\[([^\]]+)\]\((#?|[^)]*#)\)/g, (_all, words: string) => {
          placeholders = true;
          return words;
        })} »`,
    );
    const unlinked = placeholders && this.links(entry).length === 0 ? `\n${this.conversation.no_link}` : '';
    const quote = `${fill(this.conversation.quote_prefix, { section: source.label })}\n${quoted.join('\n')}${unlinked}`;
    const text = `${this.conversation.details_prefix} ${fill(entry.detailed, this.vars())}\n\n${quote}`;
    return { ...this.compose(entry, text), kind: 'details', buttons: this.followUps(entry).slice(0, -1) };
  }

  /** Registration / session answer for a training ending at `trainingEnd` (or today's situation). */
  examPlan(entry: Entry, trainingEnd: DateSpec | null, today: Date): Answer {
    const template = trainingEnd ? entry.templates.plan : entry.templates.today;
    const calendar = this.kb.calendar;
    if (!template || !calendar) return this.entryAnswer(entry);
    const plan = planExam(trainingEnd, today, calendar, this.examMonthName());
    const nextJuneYear = today.getMonth() < this.examMonthIndex() ? today.getFullYear() : today.getFullYear() + 1;
    const text = fill(
      template,
      this.vars({
        training_end: trainingEnd ? formatWhen(trainingEnd) : '',
        registration: plan.registrationText,
        exam: plan.examText,
        today: formatFrench({ date: today, precision: 'day' }),
        next_session: `${this.examMonthName()} ${nextJuneYear}`,
        next_session_registration_year: nextJuneYear - 1,
      }),
    );
    const base = trainingEnd ? text : `${fill(entry.short, this.vars())} ${text}`;
    return this.compose(entry, base);
  }

  /** Validity end date of a result obtained on `obtained`. */
  validity(entry: Entry, obtained: DateSpec, today: Date): Answer {
    const years = this.kb.numberValue('validity_years');
    const template = entry.templates.dated;
    const calendar = this.kb.calendar;
    if (years === undefined || !template || !calendar) return this.entryAnswer(entry);
    const v = computeValidity(obtained, years, today, calendar);
    return {
      ...this.compose(
        entry,
        fill(
          template,
          this.vars({
            obtained: formatWhen(obtained),
            valid_until: formatUntil(v.validUntil),
            validity_status: v.statusText,
          }),
        ),
      ),
      verdict: v.stillValid ? 'oui' : 'non',
      validFrom: obtained,
      validUntil: v.validUntil,
    };
  }

  /** What a grade means: pass (attestation, validity) or not (threshold, next registration). */
  grade(entry: Entry, grade: GradeInput, obtained: DateSpec | null, today: Date): Answer {
    const pass = this.kb.numberValue('pass_grade');
    const t = entry.templates;
    const gradeText = String(grade.value).replace('.', ',');
    if (!grade.valid && t.out_of_range)
      return { ...this.compose(entry, fill(t.out_of_range, this.vars({ grade: grade.text }))), kind: 'prompt' };
    const calendar = this.kb.calendar;
    if (pass === undefined || !t.passed || !t.failed || !calendar) return this.entryAnswer(entry);
    if (grade.value >= pass) {
      const years = this.kb.numberValue('validity_years');
      if (obtained && compareToToday(obtained, today) > 0)
        return { ...this.futureResult(entry, obtained), remember: { grade } };
      if (obtained && years !== undefined && t.passed_dated) {
        const v = computeValidity(obtained, years, today, calendar);
        // An expired result is no occasion for congratulations.
        const template = !v.stillValid && t.passed_expired ? t.passed_expired : t.passed_dated;
        return {
          ...this.compose(
            entry,
            fill(
              template,
              this.vars({
                grade: gradeText,
                obtained: formatWhen(obtained),
                valid_until: formatUntil(v.validUntil),
                validity_status: v.statusText,
              }),
            ),
          ),
          verdict: v.stillValid ? 'oui' : 'non',
          validFrom: obtained,
          validUntil: v.validUntil,
          entryIds: this.idsOf(entry, ['attestation_reussite', 'validite_resultats']),
        };
      }
      return {
        ...this.compose(entry, fill(t.passed, this.vars({ grade: gradeText }))),
        verdict: 'oui',
        entryIds: this.idsOf(entry, ['attestation_reussite', 'validite_resultats']),
      };
    }
    const plan = planExam(null, today, calendar, this.examMonthName());
    const period = this.kb.entryForIntent('periode_inscription');
    return {
      ...this.compose(
        entry,
        fill(
          t.failed,
          this.vars({ grade: gradeText, next_registration: plan.registrationText, next_exam: plan.examText }),
        ),
        period ? [period] : [],
      ),
      verdict: 'non',
      entryIds: this.idsOf(entry, ['note_requise', 'periode_inscription']),
    };
  }

  /**
   * What a grade the learner supposes would give (« avec 10 pile on valide ? »), from the threshold entry's
   * `supposed_reached` template; null otherwise (the reported-grade answer is given).
   */
  supposedGrade(entry: Entry, grade: GradeInput): Answer | null {
    const pass = this.kb.numberValue('pass_grade');
    const template = entry.templates.supposed_reached;
    // A grade below the threshold gets the reported-grade answer: it has no congratulations, and the next
    // registration is what the learner then needs.
    if (!grade.valid || pass === undefined || grade.value < pass || !template) return null;
    const gradeText = String(grade.value).replace('.', ',');
    return {
      ...this.compose(entry, fill(template, this.vars({ grade: gradeText }))),
      verdict: 'oui',
      entryIds: this.idsOf(entry, ['resultat_examen', 'attestation_reussite']),
    };
  }

  /**
   * A grade the learner says they got on a date still to come (« j'ai eu 12 en juin 2027 » in 2026):
   * asked back, not computed into « toujours valable ». (Without a grade, « si je passe en juin 2027,
   * ma note tient jusqu'à quand ? » is a hypothesis, and computed.)
   */
  private futureResult(entry: Entry, obtained: DateSpec): Answer {
    return {
      ...this.compose(entry, fill(this.conversation.prompts.result_date_future, { date: formatWhen(obtained) })),
      kind: 'prompt',
      sources: [],
      buttons: [],
    };
  }

  /** The entry and the entries of these intents, whose facts a computed answer states too. */
  private idsOf(entry: Entry, intents: string[]): string[] {
    return [
      entry.id,
      ...intents.map((i) => this.kb.entryForIntent(i)?.id).filter((id): id is string => !!id && id !== entry.id),
    ];
  }

  /** The name of the académie of a département (for comparisons). */
  academyName(departement: string): string | undefined {
    return this.academies.academyOf(departement)?.name;
  }

  /** Which académie a place belongs to. */
  academy(entry: Entry, place: Place): Answer {
    const academy = this.academies.academyOf(place.departement);
    const departement = this.academies.departement(place.departement);
    if (!academy || !departement || !entry.templates.found) {
      if (entry.templates.unknown_place)
        return {
          ...this.compose(entry, fill(entry.templates.unknown_place, this.vars({ place: place.text }))),
          kind: 'prompt',
        };
      return this.entryAnswer(entry);
    }
    // « Seine-Saint-Denis (93) », « 69003 (Rhône, 69) », « Blagnac (Haute-Garonne) ».
    const placeText =
      place.kind === 'departement'
        ? `${departement.name} (${departement.code})`
        : place.kind === 'postal_code' || place.text.length <= 3
          ? `${place.text} (${departement.name}, ${departement.code})`
          : `${place.text} (${departement.name})`;
    const cost = this.kb.entryForIntent('cout_inscription');
    // French elision: "l'académie d'Aix-Marseille", "l'académie de Lyon".
    const academyOf = /^[aeiouyéèêàâîôûh]/i.test(academy.name) ? `d'${academy.name}` : `de ${academy.name}`;
    // Where a vice-rectorat plays the rectorat's part (Nouvelle-Calédonie…), the answer names it so.
    const template =
      (academy.authority === 'vice-rectorat' ? entry.templates.found_vice_rectorat : undefined) ??
      entry.templates.found;
    const text = fill(
      template,
      this.vars({
        place: placeText,
        academy: academy.name,
        academy_of: academyOf,
        rectorat_city: academy.rectoratCity,
        rectorat_at: atTown(academy.rectoratCity),
      }),
    );
    // The answer also says where to register (online or at this rectorat): the registration-where facts.
    const where = this.kb.entryForIntent('lieu_inscription');
    const composed = this.compose(entry, text);
    return {
      ...composed,
      // The académie and its rectorat's town come from the directory, not from the sheet.
      sources: [...composed.sources, this.directorySource()],
      links: this.links(where ?? entry),
      buttons: cost ? [cost.question, ...this.followUps(entry).slice(1)] : this.followUps(entry),
      entryIds: where ? [entry.id, where.id] : [entry.id],
    };
  }

  /** The académie directory as a source (academies.yaml `source`). */
  directorySource(): SourceRef {
    const { label } = this.academies.source;
    return { section: 'academies.yaml', label, quotes: [], document: label };
  }

  /**
   * One answer made of several (the end of a guided dialog): each part keeps its own source; the plain
   * text says each part with its source, for channels without cards.
   */
  summary(title: string, parts: { title: string; answer: Answer }[], buttons: string[]): Answer {
    const sections: SummarySection[] = parts.map((p) => ({
      title: p.title,
      text: p.answer.text,
      sources: p.answer.sources,
    }));
    const text = [
      title,
      ...sections.map((s) => `${s.title} — ${s.text} (${this.sourceLine({ sources: s.sources })})`),
    ].join('\n\n');
    const ids = [...new Set(parts.flatMap((p) => p.answer.entryIds ?? (p.answer.entryId ? [p.answer.entryId] : [])))];
    const first = parts.find((p) => p.answer.entryId)?.answer;
    return {
      kind: 'answer',
      title,
      text,
      sections,
      sources: parts.flatMap((p) => p.answer.sources),
      buttons,
      links: parts.flatMap((p) => p.answer.links).filter((l, i, all) => all.findIndex((o) => o.url === l.url) === i),
      ...(first?.entryId ? { entryId: first.entryId } : {}),
      ...(ids.length > 1 ? { entryIds: ids } : {}),
    };
  }

  /** A message of the assistant's own (welcome, help...), with the menu when asked. */
  message(text: string, kind: AnswerKind, buttons: string[] = []): Answer {
    return { kind, text: fill(text, this.vars()), sources: [], buttons, links: [] };
  }

  menuLabels(): string[] {
    return this.conversation.menu.map((m) => m.label);
  }

  /** "Source : Modalités de sanction, §2" (sections joined when an answer rests on several). */
  sourceLine(answer: Pick<Answer, 'sources'>): string {
    if (answer.sources.length === 0) return '';
    const labels = [...new Set(answer.sources.filter((s) => !s.document).map((s) => s.label))];
    const documents = [...new Set(answer.sources.flatMap((s) => (s.document ? [s.document] : [])))];
    const sections =
      labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} et ${labels[labels.length - 1]}`;
    // « Source : Modalités de sanction, §2 ; Annuaire des académies… »: the sheet first, then the other documents.
    const sheet = labels.length > 0 ? fill(this.conversation.source_line, { title: this.kb.title, sections }) : '';
    const others = documents.join(' ; ');
    if (!sheet) return fill(this.conversation.source_other, { source: others });
    return others ? `${sheet} ; ${others}` : sheet;
  }

  private examMonthIndex(): number {
    return (this.kb.numberValue('exam_month') ?? 6) - 1;
  }

  private examMonthName(): string {
    return formatFrench({ date: new Date(2000, this.examMonthIndex(), 1), precision: 'month' }).replace(/ \d+$/, '');
  }
}

/**
 * « à » before a town, as French writes it: « à Lyon », « aux Abymes » (Les Abymes), « au Mans » (Le Mans);
 * « à La Rochelle », « à L'Haÿ-les-Roses » keep theirs.
 */
export function atTown(town: string): string {
  const m = /^(Les|Le) (.+)$/.exec(town);
  if (!m) return `à ${town}`;
  return m[1] === 'Les' ? `aux ${m[2]}` : `au ${m[2]}`;
}

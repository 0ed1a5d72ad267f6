import { DEFAULT_CLASSIFIER, IntentClassifier, type ClassifierOptions, type Scored } from './classifier.ts';
import { extractDate, type FrenchDate } from './entities/date.ts';
import { extractGrade, type Grade } from './entities/grade.ts';
import { PlaceExtractor, type Gazetteer, type Place } from './entities/place.ts';
import { DEFAULT_PREPROCESS, Preprocessor, type Correction, type PreprocessOptions } from './preprocess.ts';
import { SmalltalkMatcher } from './smalltalk.ts';
import { ScopeClassifier, type Scope, type ScopeLabel } from './scope.ts';
import { fold, sentences, spokenPunctuation, withoutMentions } from './text.ts';
import type { CueReader, Cues } from './cues.ts';
import type { IntentInfo, TrainingSet } from './training-data.ts';
import type { Lexicon } from './lexicon.ts';

export type UnderstandingStatus = 'answered' | 'ambiguous' | 'fallback';

export interface Entities {
  grade?: Grade;
  date?: FrenchDate;
  place?: Place;
  /** What the date is: the end of the training, or when a result was obtained (only when said). */
  dateRole?: 'training_end' | 'obtained';
}

export interface Understanding {
  text: string;
  /** Best intent, even when not confident (for transcripts); `status` says whether to act on it. */
  intent: string | null;
  confidence: number;
  status: UnderstandingStatus;
  /** The best intents with their confidence, best first (at most 3). */
  alternatives: Scored[];
  entities: Entities;
  /** Words corrected as typos, for transcripts and debugging. */
  corrections: Correction[];
}

/** One question of a message, read as what it is about × what it asks. */
export interface Frame extends Understanding {
  /** The clause folded, SMS words replaced and typos corrected (what cue rules read). */
  normal: string;
  /** The question part of the clause folded with SMS words replaced but no typo correction (what coverage rules read). */
  literal: string;
  /**
   * The same part with the words written as said corrected (« egzamin » heard as « examen »), not other
   * typos (« employe » is not « emploi »): what coverage reads next.
   */
  heard: string;
  cues: Cues;
  /** Intents answered with `intent` because the question is broad enough to be both. */
  also: string[];
  /** The clause names no subject and was read with the conversation's (« et c'est gratuit ? »). */
  fromContext: boolean;
  /** The clause asks something (a statement such as « je termine en mars » does not). */
  question: boolean;
}

/** A whole message: its questions in order, and the entities found anywhere in it. */
export interface Reading {
  text: string;
  frames: Frame[];
  entities: Entities;
}

/** What the conversation was about, for elliptical follow-ups. */
export interface ReadingContext {
  intent?: string;
  /** Every intent of the last answer, in order (an elliptical follow-up may continue any of them). */
  intents?: string[];
  /**
   * What the last question was about when it got no answer of the sheet (« l'examen se passe où ? »):
   * « et c'est quand ? » still asks about the exam.
   */
  subjects?: string[];
}

export interface DecisionOptions {
  /** Below this probability of being about the exam at all, the message is refused. */
  scopeThreshold: number;
  /** The best intent's share of the in-scope posterior needed to answer directly. */
  answerThreshold: number;
  /** Two intents closer than this (in posterior) are "ambiguous"... */
  ambiguityMargin: number;
  /** ...and so is a best intent below answerThreshold when the two best together reach this. */
  ambiguityFloor: number;
  /** Conversational intents skip the scope gate but need this posterior (chit-chat looks like off-topic). */
  smalltalkThreshold: number;
  /** Between this and scopeThreshold, a message is still answered if its intent is this clear... */
  scopeFloor: number;
  clearIntent: number;
  /** Weight of an intent whose subjects the question does not name (when it names others). */
  subjectMismatch: number;
  /** Weight of an intent that does not answer what the question asks (quand, où, combien…). */
  askMismatch: number;
  /** A question whose words name the domain is in scope unless the gate is at least this sure it is not. */
  cueOffCeiling: number;
  /** Weight of the one intent a clause's specific subject names (Cyclades, MonCompteFormation…). */
  specificSubject: number;
  /** A complementary intent among the next two is answered too when its weight reaches this (natural's posteriors are sharp: a rank matters more than a value). */
  complementFloor: number;
}

export const DEFAULT_DECISION: DecisionOptions = {
  scopeThreshold: 0.8,
  scopeFloor: 0.4,
  clearIntent: 0.9,
  answerThreshold: 0.3,
  ambiguityMargin: 0.15,
  ambiguityFloor: 0.6,
  smalltalkThreshold: 0.5,
  subjectMismatch: 0.002,
  askMismatch: 0.002,
  cueOffCeiling: 0.97,
  complementFloor: 0,
  specificSubject: 50,
};

export const OUT_OF_SCOPE = 'hors_sujet';

/** Asks that only the exam domain answers here ("combien ça coûte ?" alone is about registration). */
const DOMAIN_ASKS = new Set(['prix', 'duree', 'format', 'seuil', 'statut']);
/** Asks that say exactly what is asked: beside one, « quoi » (« c'est quoi le format ? ») says nothing more. */
const PRECISE_ASKS = new Set(['format', 'duree', 'prix', 'seuil', 'statut', 'ou', 'lequel']);
/** Questions read in one message at most (more is a story around a question, not a list of questions). */
const MAX_CLAUSES = 4;

/** Subjects that many off-topic messages name too (a town, « formation », « à distance »). */
const WEAK_SUBJECTS = new Set(['academie', 'formation', 'distance']);

/** Every tunable of understanding (defaults chosen by cross-validation on the training set: npm run eval:tune). */
export interface UnderstanderOptions {
  preprocess: Partial<PreprocessOptions>;
  classifier: Partial<ClassifierOptions>;
  decision: Partial<DecisionOptions>;
}

interface Scoring {
  ranking: Scored[];
  corrections: Correction[];
  scope: Scope;
}
interface Reading1 extends Scoring {
  score: number;
}

/** Words of a clause that carry meaning (for "a bare subject": « inscription ? », « l'examen »). */
const FILLER =
  /^(le|la|les|l|un|une|des|de|du|d|et|ou|pour|sur|a|au|aux|c|est|ce|ca|quoi|svp|stp|merci|bonjour|alors|donc|mon|ma|mes|votre|vos|info|infos|question|questions|renseignement|renseignements|concernant|niveau|pour|z\w+)$/;

/**
 * Turns a learner's message into questions (frames), each with an intent and a real confidence, plus
 * entities. The stages, in order:
 *
 * 1. conversation: a message that is only a greeting, thanks or goodbye (phrase list);
 * 2. clauses: the message is cut where a second question starts (« …, et il faut combien ? »);
 * 3. cues: each clause's subjects and asks (frames.fr.yaml), and whether it is a yes/no question;
 * 4. context: a clause that names no subject is read with the previous clause's subject, or — when
 *    elliptical (« et c'est gratuit ? ») — with the conversation's;
 * 5. classifier: natural's Bayes over the clause gives P(scope) (exam / conversation / off-topic) and
 *    the intents' posterior; the cues then weigh each intent (an intent about another subject, or
 *    that does not answer what is asked, is unlikely) and the posterior is normalised again;
 * 6. decision: answer, answer two complementary intents, ask « Vouliez-vous dire… », or refuse.
 *
 * Whether the sheet covers a question at all is the knowledge base's call (see the Router).
 */
export class Understander {
  private readonly intents: Map<string, IntentInfo>;
  private readonly complements: Set<string>;
  /** Pairs answered together when a question names both and compares them (catalog.yaml `contrasts`). */
  private readonly contrasts: Set<string>;
  /** Subjects that settle the intent when named (catalog.yaml `decisive_subjects`). */
  private readonly specific: Set<string>;

  constructor(
    private readonly classifier: IntentClassifier,
    private readonly preprocessor: Preprocessor,
    private readonly places: PlaceExtractor,
    private readonly smalltalk: SmalltalkMatcher,
    private readonly scope: ScopeClassifier,
    readonly catalog: IntentInfo[],
    private readonly cues: CueReader,
    private readonly decision: DecisionOptions = DEFAULT_DECISION,
    complements: [string, string][] = [],
    private readonly overview: Record<string, string[]> = {},
    decisive: string[] = [],
    contrasts: [string, string][] = [],
    /** What the end of one's training told without a question is answered with (catalog.yaml `told_training_end`). */
    private readonly afterTrainingEnd: string[] = [],
  ) {
    this.intents = new Map(catalog.map((i) => [i.id, i]));
    this.complements = new Set(complements.flatMap(([a, b]) => [`${a}|${b}`, `${b}|${a}`]));
    this.contrasts = new Set(contrasts.flatMap(([a, b]) => [`${a}|${b}`, `${b}|${a}`]));
    this.specific = new Set(decisive);
    for (const name of decisive)
      if (catalog.filter((i) => i.subjects?.includes(name)).length !== 1)
        throw new Error(`intents/catalog.yaml: decisive_subjects: "${name}" must be a subject of exactly one intent`);
    // Wiring checked at start: every subject and ask an intent names exists in frames.fr.yaml.
    const subjects = new Set(cues.subjectNames);
    const asks = new Set(cues.askNames);
    for (const i of catalog) {
      for (const name of i.subjects ?? [])
        if (!subjects.has(name))
          throw new Error(`intents/catalog.yaml: ${i.id}.subjects: "${name}" is not a subject of frames.fr.yaml`);
      for (const name of i.unlikely_with ?? [])
        if (!subjects.has(name))
          throw new Error(`intents/catalog.yaml: ${i.id}.unlikely_with: "${name}" is not a subject of frames.fr.yaml`);
      for (const name of i.asks ?? [])
        if (!asks.has(name))
          throw new Error(`intents/catalog.yaml: ${i.id}.asks: "${name}" is not an ask of frames.fr.yaml`);
    }
    for (const name of Object.keys(overview))
      if (!subjects.has(name))
        throw new Error(`intents/catalog.yaml: overview.${name}: not a subject of frames.fr.yaml`);
  }

  static build(
    training: TrainingSet,
    lexicon: Lexicon,
    gazetteer: Gazetteer,
    cues: CueReader,
    options: Partial<UnderstanderOptions> = {},
  ): Understander {
    const preprocessor = new Preprocessor(lexicon, { ...DEFAULT_PREPROCESS, ...options.preprocess });
    const places = new PlaceExtractor(gazetteer);
    // Place names become one token, in training as in use (see PlaceExtractor.mask).
    training = { ...training, examples: training.examples.map((e) => ({ ...e, text: places.mask(e.text) })) };
    const classifierOptions = { ...DEFAULT_CLASSIFIER, ...options.classifier };
    const decision = { ...DEFAULT_DECISION, ...options.decision };
    preprocessor.learnVocabulary(training.examples.map((e) => e.text));
    const kinds = new Map(training.catalog.map((i) => [i.id, i.kind]));
    const scopeOf = (intent: string): ScopeLabel =>
      intent === OUT_OF_SCOPE ? 'off' : kinds.get(intent) === 'smalltalk' ? 'chat' : 'exam';
    const { classifier, scope } = preprocessor.withMemo(() => ({
      // The intent classifier may leave the off-topic examples to the scope gate alone.
      classifier: IntentClassifier.train(
        preprocessor,
        classifierOptions.offTopicIntent
          ? training.examples
          : training.examples.filter((e) => e.intent !== OUT_OF_SCOPE),
        classifierOptions,
        false,
      ),
      scope: new ScopeClassifier(
        preprocessor,
        training.examples.map((e) => ({ text: e.text, label: scopeOf(e.intent) })),
        classifierOptions.scopeSmoothing,
        classifierOptions.scopeUnknownMarkers,
        classifierOptions.minFeatureCount,
      ),
    }));
    return new Understander(
      classifier,
      preprocessor,
      places,
      new SmalltalkMatcher(lexicon),
      scope,
      training.catalog,
      cues,
      decision,
      training.complements,
      training.overview,
      training.decisive,
      training.contrasts,
      training.toldTrainingEnd,
    );
  }

  /**
   * What one message's reading computes more than once (the same clause is masked, normalised and
   * classified by several stages); emptied at the start of each message, so nothing a learner wrote
   * is kept.
   */
  private turnMemo: Map<string, unknown> | null = null;

  private memo<T>(key: string, compute: () => T): T {
    if (!this.turnMemo) return compute();
    if (this.turnMemo.has(key)) return this.turnMemo.get(key) as T;
    const value = compute();
    this.turnMemo.set(key, value);
    return value;
  }

  private mask(text: string): string {
    return this.memo(`m|${text}`, () => this.places.mask(text));
  }

  /** Cues of a clause, read once per message; a copy, since a reading adds what its context implies. */
  private readCues(normal: string, raw: string): Cues {
    const c = this.memo(`q|${normal}|${raw}`, () => this.cues.read(normal, raw));
    return { ...c, subjects: new Set(c.subjects), asks: new Set(c.asks) };
  }

  private classify(original: string): Reading1 | null {
    return this.memo(`c|${original}`, () => this.classifyOnce(original));
  }

  private classifyOnce(original: string): Reading1 | null {
    const text = this.mask(original);
    const pre = this.preprocessor.process(text);
    const c = this.classifier.classifyFeatures(pre.features);
    if (c.ranking.length === 0) return null;
    const scope = this.scope.classify(text);
    // Prefer an in-scope reading of one sentence over an out-of-scope reading of the whole.
    return {
      ranking: c.ranking,
      corrections: pre.corrections,
      scope,
      score: Math.max(scope.exam, scope.chat) * c.ranking[0]!.probability,
    };
  }

  /** The best reading among the whole text and each of its sentences (the classifier's view, no cues). */
  score(text: string): Scoring {
    // The whole text, without its greeting, and the part that asks (a statement such as « je termine
    // en décembre » beside the question must not decide it).
    const candidates = new Set([text, this.smalltalk.stripGreeting(text), this.questionPart(text)]);
    let best: Reading1 | null = null;
    for (const candidate of candidates) {
      const reading = this.classify(candidate);
      if (reading && (!best || reading.score > best.score)) best = reading;
    }
    return best ?? { ranking: [], corrections: [], scope: { exam: 0, chat: 0, off: 1 } };
  }

  extractEntities(text: string, today: Date): Entities {
    const entities: Entities = {};
    const grade = extractGrade(text);
    if (grade) entities.grade = grade;
    const date = extractDate(text, today);
    if (date) {
      entities.date = date;
      const f = fold(text);
      // A date is the end of the training or a result's date only when the learner says so.
      if (/\b(fini\w*|termin\w*|fin de (ma |la )?formation|finis|acheve\w*|fin de mon)\b/.test(f))
        entities.dateRole = 'training_end';
      else if (
        /\b(eu|obtenu|reussi|valide|c'?etait|ai passe|l'ai passe|admis|attestation)\b/.test(f) ||
        // « si je passe en juin 2027 »: a result to come, dated — the date right after the verb (in « si je
        // réussis et que je passe le reste du BTS dans 6 ans », the date is when it is checked).
        /\b(si|quand|lorsque|une fois que) (je|j'|on|il|elle) ?(le |la |l')?(passe|repasse|reussi\w*|valide|obtien\w*|aurai|ai)\b[^,;?]{0,25}$/.test(
          f.slice(0, Math.max(0, f.indexOf(date.text))),
        ) ||
        grade?.personal
      )
        entities.dateRole = 'obtained';
      // « c'est encore bon aujourd'hui ? »: today is when the result is checked, not when it was obtained.
      if (date.text === "aujourd'hui" && entities.dateRole !== 'training_end') {
        delete entities.date;
        delete entities.dateRole;
      }
    }
    const place = this.places.extract(text);
    if (place) entities.place = place;
    return entities;
  }

  /** The whole message as questions (see the class comment for the stages). */
  read(text: string, today: Date, context: ReadingContext = {}): Reading {
    this.turnMemo = new Map();
    try {
      // (The preprocessor's own memo too: the intents and the scope gate read the same clause's words.)
      return this.preprocessor.withMemo(() =>
        this.readMessage(spokenPunctuation(withoutMentions(text)), today, context),
      );
    } finally {
      this.turnMemo = null;
    }
  }

  private readMessage(text: string, today: Date, context: ReadingContext): Reading {
    const entities = this.extractEntities(text, today);
    const small = this.smalltalk.match(text);
    if (small) {
      const frame = this.frame(text, {
        text,
        intent: small,
        confidence: 1,
        status: 'answered',
        alternatives: [{ intent: small, probability: 1 }],
        entities,
        corrections: [],
      });
      return { text, frames: [frame], entities };
    }
    // « 1) … 2) … »: list markers are not grades.
    const body = fold(this.smalltalk.stripGreeting(text)).replace(/(^|\s)\d[).]\s/g, '$1? ');
    const clauses = this.clauses(body);
    const frames: Frame[] = [];
    let previous: Frame | undefined;
    for (const [i, clause] of clauses.entries()) {
      // The first clause may continue the conversation (its subject); later ones continue the message
      // (every subject the previous clause named: « j'ai suivi à distance, je peux m'inscrire ? si oui c'est où ? »).
      // (A later clause after nothing understood — « ok je me suis inscrite. et après ? » — continues the
      // conversation too.)
      const f =
        i === 0 || !previous
          ? this.readClause(clause, entities, context.intent, this.contextSubjects(context), 'conversation')
          : // …and last, the other subjects of what it was understood as (« la formation est validée par quoi
            // et par qui » : who certifies the certification the training leads to).
            this.readClause(
              clause,
              entities,
              previous?.intent ?? undefined,
              previous
                ? [
                    ...this.subjectsOf(previous.intent ?? '').slice(0, 1),
                    ...previous.cues.subjects,
                    ...this.subjectsOf(previous.intent ?? '').slice(1),
                  ]
                : [],
              'message',
            );
      frames.push(f);
      if (f.status !== 'fallback' && f.intent && this.kindOf(f.intent) !== 'smalltalk') previous = f;
    }
    // « c'est combien et c'est où qu'on s'inscrit ? »: a first question that names nothing is about what
    // the next one names.
    const [head, second] = frames;
    if (
      head &&
      second &&
      head.status === 'fallback' &&
      head.cues.subjects.size === 0 &&
      second.cues.subjects.size > 0
    ) {
      const again = this.readClause(
        clauses[0]!,
        entities,
        second.intent ?? undefined,
        [...second.cues.subjects],
        'message',
      );
      if (again.status === 'answered') frames[0] = again;
    }
    // « ma collègue dit qu'il faut 12 pour valider et que l'épreuve dure 4h, c'est vrai tout ça ? »: a closing
    // « c'est vrai ? » checks every belief reported before it.
    const last = frames[frames.length - 1];
    if (
      last &&
      frames.length > 1 &&
      last.cues.yesNo &&
      /\b(vrai|c est (ca|bien ca|juste|exact))( tout ca| les deux| tout)?$/.test(last.normal)
    )
      for (const f of frames.slice(0, -1))
        if (/\b(dit|disent|dise|raconte|affirme|pretend|parait|lu)( a moi)? (qu|que)\b|^(et )?(qu|que) /.test(f.normal))
          f.cues = { ...f.cues, yesNo: true, claim: false };
    // Cutting did not help (no question understood): read the message whole.
    const read =
      clauses.length > 1 && !frames.some((f) => f.status === 'answered' && f.question)
        ? [this.readClause(body, entities, context.intent, this.contextSubjects(context), 'conversation')]
        : frames;
    return { text, frames: this.toldTrainingEnd(read, entities), entities };
  }

  /**
   * « je terminerai la formation en mars prochain. », « g fini la formation hier »: the end of one's
   * training told, with nothing asked, asks what comes next — the intents of catalog.yaml `told_training_end`.
   */
  private toldTrainingEnd(frames: Frame[], entities: Entities): Frame[] {
    const [only] = frames;
    if (frames.length !== 1 || !only || this.afterTrainingEnd.length === 0) return frames;
    // (« g fini la formation, je veux m'inscrire » asks to be guided: its dialog starts.)
    const asks =
      only.text.includes('?') ||
      only.cues.yesNo ||
      this.cues.asksOpenly(only.normal) ||
      this.cues.isRequest(only.normal) ||
      this.cues.wantsGuidance(only.normal) ||
      // (« … afin de savoir ce qui valide la formation que je viens d'achever. »: an indirect question.)
      /\b(savoir|connaitre|renseigner|demande|demander)\b/.test(only.normal) ||
      (only.status === 'answered' && !!only.intent && this.kindOf(only.intent) !== 'faq');
    if (asks || (entities.dateRole !== 'training_end' && !this.cues.saysTrainingFinished(only.normal))) return frames;
    const [intent, ...also] = this.afterTrainingEnd;
    return [{ ...only, intent: intent!, status: 'answered', also }];
  }

  /** The main question of a message (the first one understood), as one Understanding. */
  understand(text: string, today: Date, context: ReadingContext = {}): Frame {
    const reading = this.read(text, today, context);
    return (
      reading.frames.find((f) => f.status === 'answered') ??
      reading.frames.find((f) => f.status === 'ambiguous') ??
      reading.frames[0]!
    );
  }

  /** Where one question ends and the next begins; a piece that asks nothing stays with its neighbour. */
  private clauses(folded: string): string[] {
    const pieces: string[] = [];
    let at = 0;
    const spaced = folded.replace(/['’-]/g, ' ');
    for (const point of this.cues.splitPoints(spaced)) {
      // A question mark or semicolon ends the clause it closes; a join word starts the next one.
      const end = /[?;]/.test(spaced[point]!) ? point + 1 : point;
      if (end > at) pieces.push(folded.slice(at, end));
      at = end;
    }
    pieces.push(folded.slice(at));
    const clauses: string[] = [];
    let clauseAsks = false;
    const seen = new Set<string>();
    for (const raw of pieces) {
      const piece = raw.trim().replace(/^[,.!;:\s]+/, '');
      // A piece said twice is read once (rambling messages repeat themselves).
      if (!piece || seen.has(piece)) continue;
      seen.add(piece);
      const normal = this.normalize(piece);
      const c = this.readCues(normal, piece);
      const asks =
        c.subjects.size > 0 || c.asks.size > 0 || c.yesNo || /\?/.test(piece) || this.cues.asksOpenly(normal);
      // « deux heures et demie ? »: one word after the join word, naming and asking nothing, ends the clause before.
      const words = normal.replace(/^(?:et|ou|mais|puis)\s+/, '').split(' ').length;
      if (clauses.length > 0 && (!asks || (words < 2 && c.asks.size === 0 && c.subjects.size === 0)))
        clauses[clauses.length - 1] += ` ${piece}`;
      else if (clauses.length === 1 && !clauseAsks) clauses[0] += ` ${piece}`;
      else clauses.push(piece);
      // « ok et … »: an opening that asks nothing belongs to the question after it.
      // A piece that asks nothing joined to an asking opening does not undo it (« … Cyclades ? par ailleurs, »).
      if (clauses.length === 1) clauseAsks = clauseAsks || asks;
    }
    if (clauses.length === 0) return [folded];
    // « 3 questions : durée de l'exam, note pour valider, et qui organise » — a list of noun phrases, each
    // asking something precise of its own (a duration, then a grade): one clause each.
    // A rambling message repeats itself and tells a story: each distinct clause once, and of a long
    // list only the last few that ask something (a learner's questions come at the end).
    const distinct = [...new Set(clauses.flatMap((c) => this.listItems(c)))];
    if (distinct.length <= MAX_CLAUSES) return distinct;
    const asking = distinct.filter((c) => /\?/.test(c) || this.readCues(this.normalize(c), c).asks.size > 0);
    return (asking.length > 0 ? asking : distinct).slice(-MAX_CLAUSES);
  }

  /**
   * The comma-separated items of a clause when at least two of them ask different precise things
   * (PRECISE_ASKS); an item that asks nothing precise stays with the one before it.
   */
  private listItems(clause: string): string[] {
    const parts = clause.split(/,\s*/).filter((p) => p.trim());
    if (parts.length < 2) return [clause];
    // « ou » is as often « or » (« …ou pas ») as « where »; « cet examen écrit » after a question restates
    // its subject.
    // « pourriez-vous me préciser le bloc concerné, la durée de l'épreuve… »: in a request, a noun phrase
    // naming a subject of its own is one of the things asked.
    const request = this.cues.isRequest(this.normalize(clause, false));
    const precise = parts.map((p) => {
      if (/^(cet|cette|ce|ces)\b/.test(p.trim())) return [];
      const c = this.readCues(this.normalize(p, false), p);
      const asks = [...c.asks].filter((x) => PRECISE_ASKS.has(x) && x !== 'ou');
      const named = [...c.subjects].filter((x) => !WEAK_SUBJECTS.has(x));
      return asks.length === 0 && request && named.length > 0 ? [`sujet ${named[0]}`] : asks;
    });
    if (precise.filter((a) => a.length > 0).length < 2 || new Set(precise.flat()).size < 2) return [clause];
    // An item is a question of its own when it asks something the one before did not.
    const items: string[] = [];
    let asked = new Set<string>();
    parts.forEach((p, i) => {
      const own = precise[i]!.filter((x) => !asked.has(x));
      if (items.length === 0 || own.length > 0) items.push(p.trim());
      else items[items.length - 1] += `, ${p.trim()}`;
      asked = own.length > 0 || items.length === 1 ? new Set(precise[i]) : new Set([...asked, ...precise[i]!]);
    });
    return items;
  }

  /**
   * Folded words with SMS spellings replaced and typos corrected, places masked, joined by spaces.
   * `correct`: false keeps the words as typed; 'sound' corrects only words written as said.
   */
  normalize(text: string, correct?: boolean | 'sound'): string {
    return this.memo(`n|${correct}|${text}`, () =>
      this.preprocessor.words(this.mask(text), correct, undefined, false).join(' '),
    );
  }

  /**
   * The sentences of a clause that ask something (a long message tells a life story around its
   * question; words of the story must not decide what the question is about).
   */
  private questionPart(clause: string): string {
    // Sentences, and within a long one its comma- or colon-separated pieces.
    const parts = sentences(clause).flatMap((p) =>
      p.split(' ').length > 25 ? p.split(/\s*[,:]\s+|\s+(?=(?:du coup|mais|alors|donc|parce que)\b)/) : [p],
    );
    if (parts.length < 2) return clause;
    // Parts with a question mark ask; without any, the words of a request do (« j'aimerais savoir »).
    const marked = parts.filter((p) => p.includes('?'));
    if (marked.length > 0) return marked.join(' ');
    const asking = parts.filter((p) =>
      /\?|\b(savoir|voudrais|aimerais|pouvez|pourriez|dites|expliqu\w*|quel\w*|quand|comment|combien|qui|est ce|est-ce|faut il|dois je|puis je)\b/.test(
        p,
      ),
    );
    return asking.length > 0 ? asking.join(' ') : parts[parts.length - 1]!;
  }

  private readClause(
    clause: string,
    entities: Entities,
    contextIntent: string | undefined,
    contextSubjects: string[],
    contextKind: 'conversation' | 'message',
  ): Frame {
    const normal = this.normalize(clause);
    // What coverage reads: the part that asks, unless it names nothing (« que dois-je faire ? » after
    // « je n'ai pas reçu ma convocation »): then the whole clause.
    const asking = this.normalize(this.questionPart(clause), false);
    // « …passer le BTS NDRC plutôt que le MCO. Est-ce possible avec votre formation ? »: « la formation »
    // names what every question is about; the sentence before says what this one asks.
    // « …inscrit à France Travail. Doit-il les prévenir ? »: a pronoun asks about what was said before.
    const refersBack =
      /^(\w+ ){0,2}(doit|dois|doivent|faut|faudra|peut|peux|peuvent|dois je|doit il|doit elle|faut il)( il| elle| ils| elles| on| je)? (les|leur|lui) (prevenir|informer|avertir|dire|envoyer|donner|demander|signaler|contacter|appeler|ecrire|transmettre|fournir|montrer)\b|^(\w+ ){0,2}(est ce|c est|ce serait|serait ce|c) possible\b/.test(
        asking,
      );
    const askingNames = !refersBack && [...this.readCues(asking, clause).subjects].some((x) => x !== 'formation');
    const literal = askingNames ? asking : this.normalize(clause, false);
    const heard = this.normalize(askingNames ? this.questionPart(clause) : clause, 'sound');
    // Subjects from the corrected words (« inscirption »), asks from the words as typed: a correction
    // must not invent a question word (« forfait » is not « format »).
    const cues = this.readCues(normal, clause);
    const typed = this.readCues(this.normalize(clause, false), clause);
    cues.asks = typed.asks;
    for (const x of typed.subjects) cues.subjects.add(x);
    // « et les épreuves ? » after « l'inscription c'est quand ? »: a bare subject asks what was just asked.
    const contextAsks = contextIntent ? (this.intents.get(contextIntent)?.asks ?? []) : [];
    // « et ya un tuto ? » has a verb: it asks yes or no, not what was just asked.
    const bare = !/\b(y a|ya|il y a|existe|est|sont|faut|peu[tx]|dois|doit|ai|as|avez|a t)\b/.test(normal);
    // …when an intent mainly about that subject answers it (« ok et la note ? » after the duration asks the
    // grade required, not how long a grade lasts).
    const mainlyAbout = (ask: string) =>
      this.catalog.some((i) => cues.subjects.has(i.subjects?.[0] ?? '') && (i.asks ?? []).includes(ask));
    if (
      cues.asks.size === 0 &&
      cues.subjects.size > 0 &&
      contextAsks.length > 0 &&
      bare &&
      /^(et|ok et|ah et|et pour|et pour les|et les|et le|et la|et l)\b/.test(normal)
    ) {
      // Otherwise it asks about the subject (its overview), still no yes/no.
      if (mainlyAbout(contextAsks[0]!)) cues.asks.add(contextAsks[0]!);
      cues.yesNo = false;
      cues.claim = false;
    }
    // (« 19/20 au bloc manager, jreçois quoi » opens with it.)
    if (
      entities.grade?.personal &&
      /\b(eu|obtenu|note|avec|j ai|foutu|fichu|cuit|mort|recale)\b|^\d{1,2}( \d{1,2})? (sur )?20\b/.test(normal)
    )
      cues.subjects.add('note');

    // Read with the context's subject: always within a message, after an answer only when elliptical.
    // …unless no intent answers what the clause asks about that subject (« c'est payant et ça dure
    // combien ? »: the duration is not the registration's): then the clause stands alone.
    const fitsWith = (subject: string) => (intent: IntentInfo) =>
      !!intent.subjects?.includes(subject) && (cues.asks.size === 0 || !!intent.asks?.some((x) => cues.asks.has(x)));
    // « l'examen c'est devant un jury ? et ça se passe à quel moment de l'année ? »: of the subjects in
    // context, the one an intent answers this precise ask about (the épreuve's date), not one that only
    // fits its « quoi » (the jury).
    const preciseAsks = [...cues.asks].filter((x) => x !== 'quoi');
    const fitsPrecisely = (subject: string) =>
      preciseAsks.length > 0 &&
      this.catalog.some((i) => !!i.subjects?.includes(subject) && !!i.asks?.some((x) => preciseAsks.includes(x)));
    const candidates = [...new Set(contextSubjects)];
    const contextSubject = candidates.find(fitsPrecisely) ?? candidates.find((x) => this.catalog.some(fitsWith(x)));
    const useContext =
      cues.subjects.size === 0 && !!contextSubject && (contextKind === 'message' || this.cues.isElliptical(normal));
    const subjects = useContext ? new Set([contextSubject]) : cues.subjects;
    const { ranking, corrections, scope } = this.score(useContext ? `${contextSubject} ${clause}` : clause);
    const d = this.decision;
    const isChat = (intent: string) => this.kindOf(intent) === 'smalltalk';
    const examScope = scope.exam + scope.off > 0 ? scope.exam / (scope.exam + scope.off) : 0;
    // « ma note c'est 9,5 »: a learner telling their own grade asks what it means.
    const ownGrade = cues.subjects.has('resultat') && /\b(ma|mon) (note|resultat|score)\b.*\b\d{1,2}\b/.test(normal);
    // « académie pour Albi (81) », « prix exam »: keywords typed in a hurry ask about what they name.
    const keywords =
      normal.split(' ').length <= 6 &&
      /^(l |la |le |les |un |une )?(academie|rectorat|prix|cout|tarif|duree|note|inscription|date|validite|statut|format|tuto\w*|video|lien|cyclades)\b/.test(
        normal,
      );
    // « … ? et vous avez un tuto pour cyclades parce que j'y comprends rien »: asking for a thing asks.
    const asksFor =
      /\b(vous avez|avez vous|vous auriez|auriez vous|t as|tu as|tu aurais|t aurais)\b.*\b(tuto\w*|lien|video|guide)\b/.test(
        normal,
      );
    const question =
      cues.asks.size > 0 ||
      cues.yesNo ||
      /\?/.test(clause) ||
      this.cues.isRequest(normal) ||
      ownGrade ||
      keywords ||
      asksFor;

    // « c'est quoi le format ? » asks the format: « quoi » does not count beside a precise ask, nor
    // « puis-je » (« puis-je m'inscrire sur place ? » asks where).
    // « quand » is precise only when asked in words (a month named is often a date told, not asked).
    // (What `weigh` reads of the asks: the same for every intent, worked out once per clause.)
    const askedWhen =
      cues.asks.has('quand') &&
      /\b(quand|a quel moment|quel mois|quelle periode|quelle date|quelle saison)\b/.test(normal);
    const datesTheExam =
      /\b(epreuve|examen|exam|ecrit|session|oral|ccp) (de|du mois de) (janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)\b/.test(
        normal,
      ) &&
      !/\b(en|ou|au mois de) (janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)\b/.test(
        normal,
      );
    const asks =
      [...cues.asks].some((x) => PRECISE_ASKS.has(x)) || askedWhen
        ? new Set(
            [...cues.asks].filter(
              (x) =>
                x !== 'quoi' &&
                !(x === 'possible' && cues.asks.has('ou')) &&
                // « l'épreuve de juin c'est un entretien ? »: a month that names which exam (« de juin »), beside
                // another precise ask, does not ask when.
                !(
                  x === 'quand' &&
                  !askedWhen &&
                  datesTheExam &&
                  [...cues.asks].some((y) => y !== 'quand' && PRECISE_ASKS.has(y))
                ),
            ),
          )
        : cues.asks;
    // The cues weigh the classifier's intents: another subject or another ask makes an intent unlikely.
    const weigh = (intent: string, p: number): number => {
      const info = this.intents.get(intent);
      if (!info) return p;
      let w = p;
      // A subject that names one intent only (« Cyclades », « MonCompteFormation », « à distance »).
      if (info.subjects?.some((x) => this.specific.has(x) && cues.subjects.has(x))) w *= d.specificSubject;
      if (subjects.size > 0 && info.subjects?.length && !info.subjects.some((x) => subjects.has(x)))
        w *= d.subjectMismatch;
      if (info.unlikely_with?.some((x) => cues.subjects.has(x))) w *= d.subjectMismatch;
      if (asks.size > 0 && info.asks?.length && !info.asks.some((x) => asks.has(x))) w *= d.askMismatch;
      return w;
    };
    const questions = ranking.filter((r) => !isChat(r.intent) && r.intent !== OUT_OF_SCOPE);
    const weights = questions.map((r) => ({ intent: r.intent, probability: weigh(r.intent, r.probability) }));
    const total = weights.reduce((sum, r) => sum + r.probability, 0);
    const weighted =
      total > 0
        ? weights
            .map((r) => ({ ...r, probability: r.probability / total }))
            .sort((a, b) => b.probability - a.probability)
        : [];

    const confidenceOf = (r: Scored): number =>
      r.intent === OUT_OF_SCOPE
        ? scope.off
        : isChat(r.intent)
          ? r.probability * scope.chat
          : r.probability * Math.max(examScope, useContext ? 0.5 : 0);
    const result = (intent: string | null, status: UnderstandingStatus, also: string[] = []): Frame => {
      const scored = [...weighted, ...ranking.filter((r) => isChat(r.intent) || r.intent === OUT_OF_SCOPE)].map(
        (r) => ({ intent: r.intent, probability: confidenceOf(r) }),
      );
      const chosen = scored.find((a) => a.intent === intent);
      const others = scored.filter((a) => a.intent !== intent).sort((a, b) => b.probability - a.probability);
      const alternatives = (chosen ? [chosen, ...others] : others).slice(0, 3);
      return {
        text: clause,
        intent,
        confidence: chosen?.probability ?? 0,
        status,
        alternatives,
        entities,
        corrections,
        normal,
        literal,
        heard,
        cues,
        also,
        fromContext: useContext,
        question,
      };
    };
    if (ranking.length === 0 && subjects.size === 0) return result(null, 'fallback');

    // « et après ? »: the next step of what was just answered.
    // (Also within a message: « il faut quelle note, et on reçoit quoi ensuite ? ».)
    const next = contextIntent ? this.intents.get(contextIntent)?.next : undefined;
    if (next && cues.subjects.size === 0 && this.cues.asksNext(normal)) return result(next, 'answered');
    // « et si je l'ai pas ? »: what happens on failing what was just answered.
    const ifFailed =
      contextIntent && contextKind === 'conversation' ? this.intents.get(contextIntent)?.if_failed : undefined;
    // « et si je loupe la période / l'automne ? »: « louper » names a result, but what is missed is the period.
    const missesPeriod =
      /\b(loupe|rate|manque)\w* (la|l|le|ce|cette|les) (periode|automne|inscriptions?|session|creneau|date|delai)\b/.test(
        normal,
      );
    if (
      ifFailed &&
      (cues.subjects.size === 0 || (missesPeriod && [...cues.subjects].every((x) => x === 'resultat'))) &&
      this.cues.asksIfFailed(normal)
    )
      return result(ifFailed, 'answered');

    // A bare subject (« inscription ? », « l'examen ») gets that subject's overview.
    const content = normal.split(' ').filter((w) => w && !FILLER.test(w));
    if (cues.asks.size === 0 && !cues.yesNo && cues.subjects.size >= 1 && content.length <= 2) {
      const subject = [...cues.subjects].find((x) => this.overview[x]);
      const list = subject ? this.overview[subject]! : [];
      if (list.length > 0) return result(list[0]!, 'answered', list.slice(1));
    }

    // Conversation (greetings, thanks, "what can you do"): no fact is asserted, the pooled class decides.
    if (scope.chat >= scope.exam && scope.chat >= scope.off && cues.subjects.size === 0 && !useContext) {
      const chat = ranking.find((r) => isChat(r.intent));
      if (chat && scope.chat >= d.smalltalkThreshold && chat.probability >= d.clearIntent)
        return result(chat.intent, 'answered');
      if (cues.asks.size === 0) return result(chat?.intent ?? OUT_OF_SCOPE, 'fallback');
    }
    const first = weighted[0];
    const second = weighted[1];
    if (!first) return result(OUT_OF_SCOPE, 'fallback');
    // The gate: refuse what is not about the exam. Words that name the domain (or a follow-up read in
    // context) count as evidence the classifier's gate, trained on whole sentences, may miss.
    const domainAsk = [...cues.asks].some((a) => DOMAIN_ASKS.has(a));
    // A place alone (« il va pleuvoir à Brest ? ») or the word « formation » says little.
    const strongSubject = [...cues.subjects].some((x) => !WEAK_SUBJECTS.has(x));
    // A follow-up that says it is one (« et c'est gratuit ? ») needs no more evidence; a short question
    // read in context (« quelle est la capitale du Pérou ? ») still goes through the gate.
    const continues = useContext && this.cues.continues(normal);
    const cueEvidence =
      question &&
      (strongSubject || domainAsk || continues) &&
      weigh(first.intent, 1) === 1 &&
      (continues || scope.off < d.cueOffCeiling);
    const rawFirst = ranking.find((r) => !isChat(r.intent));
    const gateSaysOff =
      rawFirst?.intent === OUT_OF_SCOPE ||
      examScope < d.scopeFloor ||
      (examScope < d.scopeThreshold && first.probability < d.clearIntent);
    if (gateSaysOff && !cueEvidence) return result(OUT_OF_SCOPE, 'fallback');
    // « l'attestation du recteur et celle du centre, c'est quoi la différence ? »: two things named and
    // compared get both answers (a `contrasts` pair, each named by its first or a decisive subject), not a yes/no.
    if (cues.asks.has('compare')) {
      const named = (id: string): boolean =>
        this.subjectsOf(id).some((x, i) => cues.subjects.has(x) && (i === 0 || this.specific.has(x)));
      const other = named(first.intent)
        ? this.catalog.find((i) => this.contrasts.has(`${first.intent}|${i.id}`) && named(i.id))
        : undefined;
      if (other) {
        cues.yesNo = false;
        return result(first.intent, 'answered', [other.id]);
      }
    }
    // A broad question (« quand dois-je m'inscrire ? ») gets the complementary intent too, when the cues allow it.
    const partner = weighted
      .slice(1, 3)
      .find(
        (r) =>
          this.complements.has(`${first.intent}|${r.intent}`) &&
          r.probability >= d.complementFloor &&
          weigh(r.intent, 1) >= 1,
      );
    if (partner && !cues.yesNo && first.probability >= d.answerThreshold)
      return result(first.intent, 'answered', [partner.intent]);
    const close = !!second && first.probability - second.probability < d.ambiguityMargin;
    // « on m'a dit que c'est un oral de 20 minutes, c'est vrai ? »: two precise asks, each answered by only
    // one of the two closest intents — both are asked, nothing to clarify.
    if (close && second && first.probability + second.probability >= d.ambiguityFloor) {
      const asksOf = (id: string) => this.infoOf(id)?.asks ?? [];
      const precise = [...cues.asks].filter((x) => PRECISE_ASKS.has(x));
      const onlyBy = (id: string, other: string) =>
        precise.some((x) => asksOf(id).includes(x) && !asksOf(other).includes(x));
      if (onlyBy(first.intent, second.intent) && onlyBy(second.intent, first.intent))
        return result(first.intent, 'answered', [second.intent]);
    }
    const unsure = first.probability < d.answerThreshold;
    if ((close || unsure) && second && first.probability + second.probability >= d.ambiguityFloor)
      return result(first.intent, 'ambiguous');
    return result(first.intent, unsure ? 'fallback' : 'answered');
  }

  /** A frame for an understanding obtained otherwise (conversation phrases, a decision made elsewhere). */
  frame(text: string, u: Understanding, question = false): Frame {
    const normal = this.normalize(text);
    return {
      ...u,
      normal,
      literal: this.normalize(text, false),
      heard: normal,
      cues: this.readCues(normal, text),
      also: [],
      fromContext: false,
      question,
    };
  }

  /** The learner's place, and the académie they believe they depend on when they name one. */
  extractPlaceClaim(text: string): { home: Place | null; claimed: Place | null } {
    return this.places.extractWithClaim(text);
  }

  /** Place in a message; `bare` accepts a lone département number (answer to "which département?"). */
  extractPlace(text: string, bare = false): Place | null {
    return this.places.extract(text, { bare });
  }

  kindOf(intent: string): IntentInfo['kind'] | undefined {
    return this.intents.get(intent)?.kind;
  }

  /** What catalog.yaml says of an intent. */
  infoOf(intent: string): IntentInfo | undefined {
    return this.intents.get(intent);
  }

  /** « combien il me reste ? »: the clause asks with a question word (frames.fr.yaml open_words). */
  asksOpenly(normal: string): boolean {
    return this.cues.asksOpenly(normal);
  }

  /** « aidez-moi à m'inscrire »: the learner asks to be guided, not how it goes (frames.fr.yaml guide_me). */
  wantsGuidance(normal: string): boolean {
    return this.cues.wantsGuidance(normal);
  }

  /** « j'ai fini la formation » (frames.fr.yaml training_finished). */
  saysTrainingFinished(normal: string): boolean {
    return this.cues.saysTrainingFinished(normal);
  }

  /** The subjects of each intent of the last answer (the parts of a combined answer, in order). */
  private contextSubjects(context: ReadingContext): string[] {
    const intents = context.intents?.length ? context.intents : context.intent ? [context.intent] : [];
    return [...intents.flatMap((i) => this.subjectsOf(i)), ...(intents.length === 0 ? (context.subjects ?? []) : [])];
  }

  /** The subjects an intent is about (catalog.yaml). */
  subjectsOf(intent: string): string[] {
    return this.intents.get(intent)?.subjects ?? [];
  }
}

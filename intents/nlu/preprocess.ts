import PorterStemmerFr from 'natural/lib/natural/stemmers/porter_stemmer_fr.js';
import { DamerauLevenshteinDistance } from 'natural/lib/natural/distance/levenshtein_distance.js';
import { fold, tokenize } from './text.ts';
import type { Lexicon } from './lexicon.ts';
import { NUMBER_WORDS_RE, spokenYearsToDigits } from './entities/numbers.ts';
import { phoneticKey } from './phonetic.ts';

/**
 * Placeholder tokens standing for entity shapes, so the classifier learns "a grade was given"
 * (→ résultat) or "a date was given" without learning every possible number.
 */
const SHAPES: [RegExp, string][] = [
  [/\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}\b/g, ' zdate '],
  [/\b\d{1,2}(?:[.,]\d{1,2})?\s*(?:\/|sur)\s*(?:20|vingt)\b/g, ' znote '],
  // « onze sur vingt » is a grade as « 11/20 » is.
  [new RegExp(`\\b${NUMBER_WORDS_RE}\\s+sur\\s+(?:20|vingt)\\b`, 'g'), ' znote '],
  [/\b(?:19|20)\d{2}\b/g, ' zannee '],
  [/\b\d{5}\b/g, ' zcp '],
  [/\b\d+(?:[.,]\d+)?\b/g, ' znum '],
];

export interface PreprocessOptions {
  /** Stems are cut to this many characters so inscription/inscrire/inscrit meet ("inscri"). 0 = off. */
  stemPrefix: number;
  /** Correct words unknown to the vocabulary to their nearest known word. */
  typoCorrection: boolean;
  /**
   * Add "zunk" features counting words the training data does not know (or saw once). Words seen
   * once in training stand in for unseen words, so the classifier learns how often each intent
   * meets unknown words: many for off-topic messages, few for real questions.
   */
  unknownFeatures: boolean;
  /** Also use pairs of neighbouring meaningful words ("quand_inscri", "qui_organis"). */
  bigrams: boolean;
}

export const DEFAULT_PREPROCESS: PreprocessOptions = {
  stemPrefix: 6,
  typoCorrection: true,
  unknownFeatures: false,
  bigrams: true,
};

export interface Correction {
  from: string;
  to: string;
}

/** A word's letter multiset (letters by code & 127), counted once for all the candidates it is compared with. */
function letterCounts(word: string): Int16Array {
  const counts = new Int16Array(128);
  for (let i = 0; i < word.length; i++) counts[word.charCodeAt(i) & 127]! += 1;
  return counts;
}
const left = new Int16Array(128);
/**
 * Size of the symmetric difference of two words' letter multisets, the first given by its counts:
 * |a| + |b| − 2 |a ∩ b| (a pass over b's letters, not over every letter code).
 */
function letterDifference(a: Int16Array, aLength: number, b: string): number {
  left.set(a);
  let common = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b.charCodeAt(i) & 127;
    if (left[c]! > 0) {
      left[c]! -= 1;
      common++;
    }
  }
  return aLength + b.length - 2 * common;
}

/** A known word may still be a typo of a word this many times more frequent... */
const RARE_RATIO = 10;
/** ...when it is this long: short known words are real words more often than typos ("mois", "moi"). */
const LONG_WORD = 8;
/** Subjects after which a lone « é » is « est » (« elle é sanksioné », « c é ou »). */
const SUBJECTS_OF_EST = new Set([
  'il',
  'elle',
  'c',
  'est',
  'ce',
  'ca',
  'cela',
  'on',
  'qui',
  'tout',
  'examen',
  'epreuve',
  'inscription',
  'formation',
  'attestation',
]);

/**
 * « é » (or « e ») typed alone: « 5 e » is euros; « elle é sanksioné » is « est »; otherwise it joins
 * two questions as « et » does (« kan é ou je m'inskri »). (Folded, « é » and « e » are one token.)
 */
function loneE(previous: string | undefined): string {
  if (previous === 'znum' || (previous !== undefined && /\d$/.test(previous))) return 'euros';
  return previous !== undefined && SUBJECTS_OF_EST.has(previous) ? 'est' : 'et';
}

/** Words shorter than this, and phonetic keys shorter than that, are too ambiguous to match by sound. */
const MIN_SOUND_WORD = 4;
const MIN_SOUND_KEY = 4;
/** Relative pronouns that look like a glued elision (« laquelle » is not « l aquelle »). */
const RELATIVES = new Set([
  'laquelle',
  'lequel',
  'lesquels',
  'lesquelles',
  'duquel',
  'desquels',
  'desquelles',
  'auquel',
  'auxquels',
  'auxquelles',
]);

export interface Preprocessed {
  /** Words after folding, SMS/English replacement and typo correction (stopwords included). */
  words: string[];
  /** Classifier features: stems of the meaningful words, without duplicates. */
  features: string[];
  corrections: Correction[];
  /** Meaningful words the training data does not know (or saw only once). */
  unknownWords: number;
}

/**
 * French preprocessing for the classifier: fold → entity shapes → tokens → lexicon replacements →
 * typo correction against the training vocabulary → stopwords (question words kept) → stems.
 */
export class Preprocessor {
  private vocabulary = new Map<string, number>();
  private byLength = new Map<number, string[]>();
  private correctionCache = new Map<string, string | null>();
  /** Phonetic key → the most frequent known word that sounds so (see phonetic.ts). */
  private readonly bySound = new Map<string, string>();
  private readonly stemCache = new Map<string, string>();
  private memo: Map<string, { words: string[]; corrections: Correction[] }> | null = null;
  /** While `withMemo` runs: the tokens of each text (read again with and without correction). */
  private tokenMemo: Map<string, string[]> | null = null;
  /** stem of a synonym → stem of its canonical word */
  private readonly synonymStems = new Map<string, string>();

  constructor(
    private readonly lexicon: Lexicon,
    private readonly options: PreprocessOptions = DEFAULT_PREPROCESS,
  ) {
    for (const [variant, canonical] of lexicon.synonyms)
      this.synonymStems.set(this.rawStem(variant), this.rawStem(canonical));
    for (const [phrase, replacement] of lexicon.names) this.nameOf.set(phrase, replacement);
    // Words of a name may be separated by anything that is not a letter (« management-des-équipes »).
    this.names =
      lexicon.names.length > 0
        ? new RegExp(`\\b(${lexicon.names.map(([p]) => p.replace(/ /g, '[^a-z0-9]+')).join('|')})\\b`, 'g')
        : null;
  }

  /** Multi-word names (lexicon `names`) and what each is read as. */
  private readonly names: RegExp | null;
  private readonly nameOf = new Map<string, string>();

  /** Learns the known words (with their frequency) from training texts, for typo correction. */
  learnVocabulary(texts: Iterable<string>): void {
    for (const text of texts) {
      for (const w of this.words(text, false)) this.vocabulary.set(w, (this.vocabulary.get(w) ?? 0) + 1);
    }
    for (const targets of this.lexicon.replacements.values()) {
      for (const w of targets) if (!this.vocabulary.has(w)) this.vocabulary.set(w, 1);
    }
    this.byLength.clear();
    for (const w of this.vocabulary.keys()) {
      const list = this.byLength.get(w.length) ?? [];
      list.push(w);
      this.byLength.set(w.length, list);
    }
    // Most frequent first: the search for a known word's more frequent twin can stop early.
    for (const list of this.byLength.values()) list.sort((a, b) => this.vocabulary.get(b)! - this.vocabulary.get(a)!);
    this.bySound.clear();
    for (const [w, frequency] of this.vocabulary) {
      if (w.length < MIN_SOUND_WORD || /\d/.test(w)) continue;
      const sound = phoneticKey(w);
      const current = this.bySound.get(sound);
      if (sound.length >= MIN_SOUND_KEY && (!current || this.vocabulary.get(current)! < frequency))
        this.bySound.set(sound, w);
    }
    this.correctionCache.clear();
  }

  /** Folded, replaced (and optionally corrected) words of a message. */
  words(
    text: string,
    correct: boolean | 'sound' = this.options.typoCorrection,
    corrections?: Correction[],
    shapes = true,
  ): string[] {
    const key = `${shapes}|${text}`;
    let tokens = this.tokenMemo?.get(key);
    if (!tokens) {
      // « e-learning » is one word (« e » alone is SMS for « euros »).
      // « juin deux mille vingt cinq » is a date, as « juin 2025 » is (dictated messages spell years out).
      let folded = spokenYearsToDigits(fold(text)).replace(/\be[- ]?learning\b/g, 'elearning');
      if (this.names)
        folded = folded.replace(this.names, (_, phrase: string) => this.nameOf.get(phrase.replace(/[^a-z]+/g, ' '))!);
      if (shapes) for (const [re, token] of SHAPES) folded = folded.replace(re, token);
      tokens = tokenize(folded);
      this.tokenMemo?.set(key, tokens);
    }
    const out: string[] = [];
    for (const token of tokens) {
      const replaced =
        token === 'e'
          ? [loneE(out[out.length - 1])]
          : (this.lexicon.replacements.get(token) ?? (correct === true ? this.unglue(token) : null) ?? [token]);
      for (const w of replaced) {
        const fixed = correct === true ? this.correct(w) : correct === 'sound' ? this.hear(w) : w;
        if (fixed !== w) corrections?.push({ from: w, to: fixed });
        // « c'est » is « c » (SMS for « c'est ») + « est »: one « est », not two.
        if (out[out.length - 1] === fixed) continue;
        out.push(fixed);
      }
    }
    return out;
  }

  /**
   * Runs `build` with the words of each text remembered, so training, which reads every example
   * twice (intents, then scope), folds and corrects each only once. Forgotten afterwards: learners'
   * messages are not kept.
   */
  withMemo<T>(build: () => T): T {
    this.memo = new Map();
    this.tokenMemo = new Map();
    try {
      return build();
    } finally {
      this.memo = null;
      this.tokenMemo = null;
    }
  }

  process(text: string, override: Partial<PreprocessOptions> = {}): Preprocessed {
    const unknownFeatures = override.unknownFeatures ?? this.options.unknownFeatures;
    let remembered = this.memo?.get(text);
    if (!remembered) {
      const found: Correction[] = [];
      remembered = { words: this.words(text, this.options.typoCorrection, found), corrections: found };
      this.memo?.set(text, remembered);
    }
    const { words, corrections } = remembered;
    const features = new Set<string>();
    let unknown = 0;
    let previous: string | null = null;
    for (const w of words) {
      if (this.lexicon.stopwords.has(w)) continue;
      if (this.options.bigrams) {
        const stem = this.stem(w);
        if (previous) features.add(`${previous}_${stem}`);
        previous = stem;
      }
      if (
        this.vocabulary.size > 0 &&
        (this.vocabulary.get(w) ?? 0) <= 1 &&
        !/^z(date|note|annee|cp|num|lieu)$/.test(w)
      ) {
        unknown += 1;
        if (unknownFeatures) continue;
      }
      features.add(this.stem(w));
    }
    if (unknownFeatures) {
      if (unknown >= 1) features.add('zunk');
      if (unknown >= 2) features.add('zunk2');
      if (unknown >= 4) features.add('zunk4');
    }
    return { words, features: [...features], corrections, unknownWords: unknown };
  }

  stem(word: string): string {
    let stem = this.stemCache.get(word);
    if (stem === undefined) {
      if (/^z(date|note|annee|cp|num|lieu)$/.test(word)) stem = word;
      else if (this.lexicon.distinct.has(word)) stem = this.lexicon.distinct.get(word)!;
      else {
        const raw = this.rawStem(word);
        stem = this.synonymStems.get(raw) ?? raw;
      }
      // Bounded: the training vocabulary plus what learners type between restarts.
      if (this.stemCache.size > 50_000) this.stemCache.clear();
      this.stemCache.set(word, stem);
    }
    return stem;
  }

  private rawStem(word: string): string {
    const stem = PorterStemmerFr.stem(word);
    return this.options.stemPrefix > 0 ? stem.slice(0, this.options.stemPrefix) : stem;
  }

  /**
   * An elision typed without its apostrophe (« loral », « sinscrire », « lattestation », « quil »):
   * split when the word is unknown and what follows the elided letter is a known word.
   */
  private unglue(token: string): string[] | null {
    // A glued form seen once in training (« loral ») is still split: the spaced form is the usual one.
    const own = this.vocabulary.get(token) ?? 0;
    // A French word is not a glued elision (« laquelle » is not « l aquelle »).
    if (
      token.length < 4 ||
      this.vocabulary.size === 0 ||
      own >= 2 ||
      this.lexicon.protectedWords.has(token) ||
      RELATIVES.has(token)
    )
      return null;
    const m = /^(qu|[cdjlmnst])([aeiouyh].+)$/.exec(token);
    if (!m) return null;
    const rest = m[2]!;
    const known =
      (this.vocabulary.get(rest) ?? 0) > own ||
      this.lexicon.replacements.has(rest) ||
      (m[1] === 'qu' && this.lexicon.stopwords.has(rest));
    if (known && rest.length >= 2) return [m[1]!, ...(this.lexicon.replacements.get(rest) ?? [rest])];
    // Glued and written as said (« sinskrir »): the rest sounds like a known word.
    const sound =
      own === 0 && rest.length >= MIN_SOUND_WORD && !this.lexicon.protectedWords.has(token)
        ? this.soundAlike(rest)
        : null;
    return sound ? [m[1]!, sound] : null;
  }

  /** A word unknown to the vocabulary and to the dictionary, heard as the known word it sounds like. */
  private hear(word: string): string {
    if (
      word.length < MIN_SOUND_WORD ||
      this.vocabulary.has(word) ||
      this.lexicon.protectedWords.has(word) ||
      this.lexicon.stopwords.has(word)
    )
      return word;
    return this.soundAlike(word) ?? word;
  }

  /** The known word that sounds like this one, if any. */
  private soundAlike(word: string): string | null {
    const sound = phoneticKey(word);
    return sound.length >= MIN_SOUND_KEY ? (this.bySound.get(sound) ?? null) : null;
  }

  /** What typo correction makes of one word (for the protected-words generator). */
  corrected(word: string): string {
    return this.correct(word);
  }

  /** Nearest known word for an unknown one: distance 1 for short words, 2 from 7 letters on. */
  private correct(word: string): string {
    if (word.length < 4 || this.vocabulary.size === 0 || /\d/.test(word)) return word;
    if (this.lexicon.protectedWords.has(word) || RELATIVES.has(word)) return word;
    // Known words are kept, unless long: a typo that also occurs in training ("inscirption") is still
    // corrected to a word at least RARE_RATIO times more frequent.
    const own = this.vocabulary.get(word) ?? 0;
    if (own > 0 && word.length < LONG_WORD) return word;
    if (this.lexicon.stopwords.has(word)) return word;
    const cached = this.correctionCache.get(word);
    if (cached !== undefined) return cached ?? word;
    const maxDistance = word.length >= 7 ? 2 : 1;
    let best: string | null = null;
    let bestDistance = maxDistance + 1;
    let bestFrequency = 0;
    const letters = letterCounts(word);
    for (let len = word.length - maxDistance; len <= word.length + maxDistance; len++) {
      for (const candidate of this.byLength.get(len) ?? []) {
        if (own > 0 && (this.vocabulary.get(candidate) ?? 0) < own * RARE_RATIO) break;
        if (candidate === word) continue;
        // Cheap lower bound first: each edit changes the letter counts by at most 2.
        if (Math.ceil(letterDifference(letters, word.length, candidate) / 2) > maxDistance) continue;
        // (Looked up only for the few candidates left.)
        const frequency = this.vocabulary.get(candidate) ?? 0;
        const d = DamerauLevenshteinDistance(word, candidate);
        // Two edits away, a word that starts differently is another word (« version » is not « session »).
        if (d === 2 && candidate[0] !== word[0] && Math.abs(candidate.length - word.length) < 2) continue;
        if (d < bestDistance || (d === bestDistance && frequency > bestFrequency)) {
          best = candidate;
          bestDistance = d;
          bestFrequency = frequency;
        }
      }
    }
    // Written as said (« egzamin », « rektora »): the most frequent word that sounds the same beats one
    // that merely looks close (« distense » is « distance », not « dispense ») or a rare misspelling the
    // training data happens to hold (« rectora »).
    if (own === 0 && word.length >= MIN_SOUND_WORD) best = this.soundAlike(word) ?? best;
    if (this.correctionCache.size > 10_000) this.correctionCache.clear();
    this.correctionCache.set(word, best);
    return best ?? word;
  }
}

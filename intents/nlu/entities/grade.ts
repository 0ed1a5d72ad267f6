import { fold } from '../text.ts';
import { NUMBER_WORDS_RE, parseDecimal, parseNumberWords, spokenYearsToDigits } from './numbers.ts';

export interface Grade {
  /** The grade brought to a scale of 20. */
  value: number;
  /** What the learner wrote, e.g. "12,5 sur 20". */
  text: string;
  /** False when the number cannot be a grade out of 20 (e.g. "25/20"). */
  valid: boolean;
  /** The learner speaks of their own grade ("j'ai eu 12", "ma note"), not of a threshold ("faut-il 10/20 ?"). */
  personal: boolean;
  /**
   * A grade the learner supposes (« avec 10 pile on valide ? », « si j'ai 9,5 c'est mort ? ») rather than
   * reports (« j'ai eu 12 », « validé avec 14 »): its outcome is answered, without congratulations.
   */
  hypothetical?: boolean;
}

const PERSONAL =
  /\bj\s+ai\s+\d|\bresultats?\s+(?:recus?|tombes?|arrives?|obtenus?|du\s+jour)\b|\b(?:j'ai|jai|g|j'obtiens|je\s+suis\s+a|ma\s+note|mon\s+resultat|ma\s+moyenne|obtenu|eu)\b|\b(?:i\s+)?got\b|\btengo\b|\bje\s+voulais\s+(?:dire|mettre|ecrire)\s+\d|\bavec\s+(?:un\s+)?\d|\b(?:mes|mon)\s+resultats?\b|^\s*note\b|\bje\s+suis\s+(?:foutu|mort|admis|recale|reçu|recu)\b/;

const NUM = '(\\d{1,2}(?:[.,]\\d{1,2})?)';
// "15/20", "12,5 sur 20", "14 / 20", "8 sur vingt"
const OUT_OF_20 = new RegExp(`(?<![\\d/])${NUM}\\s*(?:/|sur)\\s*(?:20|vingt)\\b`);
// A number after a grade verb/noun: "j'ai eu 14", "obtenu 9,5", "une note de 12", "ma moyenne est de 11"
const AFTER_CUE = new RegExp(
  `\\b(?:eu|obtenu|note|moyenne|score|j'ai|j\\s+ai|jai|g|fait|got|scored|tengo|avec|resultats?|voulais\\s+(?:dire|mettre|ecrire))\\s+(?:(?:de|d'|a|est|était|etait|c'est|c est|c'etait|finale?|:|=)\\s*)*(?:que\\s+)?(?:un\\s+|une\\s+)?${NUM}(?!\\s*(?:[/.-]\\s*\\d|ans?\\b|mois|h\\b|heures?|euros?|€|jours?|semaines?|janv|fev|mars|avr|mai\\b|juin|juil|aout|sep|oct|nov|dec|\\d))`,
);
// A number followed by a grade word: "12 de moyenne", "9 points"
const BEFORE_CUE = new RegExp(`(?<![\\d/])${NUM}\\s*(?:de\\s+moyenne|points?|pts)\\b`);
const WORDS_AFTER_CUE = new RegExp(
  `\\b(?:eu|obtenu|note\\s+de|moyenne\\s+de|j'ai|jai)\\s+(${NUMBER_WORDS_RE})\\b(?!\\s+(?:ans?|mois|heures?|jours?|fois))`,
);
const WORDS_OUT_OF_20 = new RegExp(`\\b(${NUMBER_WORDS_RE})\\s*(?:/|sur)\\s*(?:20|vingt)\\b`);
/** A grade in words opening a message (« DIX-NEUF !!! »). */
const OPENING_WORDS = new RegExp(`^\\s*(${NUMBER_WORDS_RE})\\b`);

/**
 * « j'ai deux enfants », « avec 3 collègues »: after a weak cue (a verb that is not about grades), a
 * number followed by a noun counts things. Words that may follow a grade keep it (« j'ai 12 au bloc »).
 */
const WEAK_CUE = /\b(?:j'ai|j\s+ai|jai|g|avec|fait|got)\s+(?:(?:de|d'|a|est|:)\s*)*(?:un\s+|une\s+)?$/;
const AFTER_GRADE =
  /^(?:a|au|aux|en|sur|et|ou|donc|mais|alors|c|ce|cette|je|j|pile|de|du|la|le|les|lors|mon|ma|seulement|que|qui|est|pour|hier|aujourd|finalement|mdr|lol|svp|stp|merci|tout|juste|environ|ca|sa|cela|comme|car|vs|quand|si|ni|enfin|apres|avant|bon)$/;
function countsThings(f: string, m: RegExpMatchArray): boolean {
  const end = m.index! + m[0].length;
  return WEAK_CUE.test(f.slice(0, end - m[1]!.length)) && nounAfter(f, end);
}

/** The word after position `end` is one that cannot follow a grade (« 3 questions », « deux enfants »). */
function nounAfter(f: string, end: number): boolean {
  const next = f.slice(end).match(/^\s+([a-z]+)/);
  return !!next && !AFTER_GRADE.test(next[1]!);
}

/** « il fallait 12 de moyenne », « faut-il au moins 10 ? »: a threshold asked about, not the learner's grade. */
const THRESHOLD_BEFORE =
  /\b(faut|fallait|faudrait|faudra|besoin|minimum|mini|au moins|requis\w*|exig\w*|necessaire|seuil|doit avoir|dois avoir|falloir)\b[^.?!]*$/;

function personalAt(f: string, index: number, personal: boolean, found = ''): boolean {
  // « faut-il repasser si j'ai eu 7 ? »: the grade is the learner's own even after a threshold word.
  if (/^(?:eu|obtenu|j'ai|jai|avec)\b/.test(found)) return true;
  const before = f.slice(Math.max(0, index - 50), index);
  if (THRESHOLD_BEFORE.test(before) && !/\b(eu|obtenu)\s*(?:un\s+|une\s+)?$/.test(before)) return false;
  return personal;
}

function make(value: number, text: string, personal: boolean): Grade {
  return { value, text: text.trim(), valid: Number.isFinite(value) && value >= 0 && value <= 20, personal };
}

/** Words that suppose a grade just before it: « avec 10 », « si j'ai 9,5 », « si on obtient 12 » (« si j'ai eu 7 » reports it). */
const SUPPOSED_BEFORE =
  /(?:\bavec|\bsi\s+(?:j'ai|jai|j'obtiens|jobtiens|je\s+fais|je\s+chope|on\s+a|on\s+obtient|il\s+a|elle\s+a|ils\s+ont|on\s+fait))\s*(?:que\s+|seulement\s+|juste\s+|pile\s+|un\s+|une\s+)?$/;
/**
 * Words that report a grade already had (« j'ai eu », « validé en juin avec 14 », « raté avec 7 », « ma
 * note »), read outside the supposing clause.
 */
const REPORTED =
  /\b(?:j'ai|jai|g|on\s+a|il\s+a|elle\s+a|ils\s+ont|j'avais|javais)\s+(?:eu|obtenu|fait|valide|rate|loupe|reussi|echoue|foire|eu\s+que)\b|\b(?:obtenue?|validee?|ratee?|loupee?|reussie?|echouee?)\s+(?:en|le|la|l'|avec|a|au|hier|cette|l'an)\b|\b(?:ma|sa|mon|son|notre)\s+(?:note|resultat|moyenne|score)\b|\bje\s+suis\s+(?:recale|admis|recu)\b|\bj'ai\s+(?:mon|ma|mes)\s+(?:resultat|note)s?\b/;

/** The grade, marked supposed when the words before its number suppose it (see SUPPOSED_BEFORE). */
function suppose(grade: Grade, f: string, m: RegExpMatchArray): Grade {
  const at = m.index! + m[0].lastIndexOf(m[1]!);
  return grade.personal && supposedAt(f, at) ? { ...grade, hypothetical: true } : grade;
}

/** Whether the grade found at `index` in `f` is supposed rather than reported. */
function supposedAt(f: string, index: number): boolean {
  const from = Math.max(0, index - 30);
  const clause = SUPPOSED_BEFORE.exec(f.slice(from, index));
  if (!clause) return false;
  return !REPORTED.test(`${f.slice(0, from + clause.index)} ${f.slice(index)}`);
}

/**
 * Finds a grade in a message. With `bare` (the assistant has just asked for the grade), a message
 * that is only a number ("12", "12,5", "douze") counts too.
 */
export function extractGrade(text: string, options: { bare?: boolean } = {}): Grade | null {
  // « slt g 10,5 c bon ? »: a greeting in front does not keep a grade from opening the message.
  const f = spokenYearsToDigits(fold(text))
    .replace(/^\s*(?:slt|salut|bonjour|bjr|bonsoir|hello|coucou|hey|yo|re)\b[\s,!.]*/, '')
    // « 9 et demi », « 9 et quart »: a grade said as it is spoken.
    .replace(/\b(\d{1,2}) et (demi|quart)\b/g, (_, n: string, part: string) => `${n},${part === 'demi' ? '5' : '25'}`);
  // « 15/20 je fais quoi ? »: a grade opening the message is the learner's own.
  // « 10/20 ça suffit ? », « 10 sur 20 c'est assez ? »: without « j'ai », « ma note »…, a grade asked about
  // as enough is the threshold, not the learner's own.
  const asksEnough = !PERSONAL.test(f) && !options.bare && /\b(suffi\w*|assez|minimum|minimale?)\b/.test(f);
  const personal =
    !asksEnough && (PERSONAL.test(f) || !!options.bare || /^\s*\d{1,2}(?:[.,]\d{1,2})?\s*(?:\/|sur)\s*20\b/.test(f));
  // « 15,5 !! c bon j'ai le bloc ? », « 9 c mort ? »: a number opening a message about a result.
  const opening = f.match(
    /^\s*(?:pile\s+|juste\s+|exactement\s+)?(\d{1,2}(?:[.,]\d{1,2})?)(?!\s*(?:\)|[/.-]\s*\d|h\b|heures?|ans?\b|mois|euros?|€|%|\d))/,
  );
  // « 3 questions : … », « 2 petites questions »: a number before a noun counts things.
  if (
    opening &&
    !nounAfter(f, opening.index! + opening[0].length) &&
    /\b(c'?\s?(?:est\s+)?bon|valid\w*|reussi|admis|le bloc|attestation|rate|mort|foutu|fichu|cuit|perdu|recale|passe|suffi\w*|assez|j'ai|jai|l'ai|l ai|obtenu|avoir|pile|j?re[cç]oi\w*|j'ai quoi|on a quoi)\b/.test(
      f,
    )
  ) {
    return make(parseDecimal(opening[1]!), opening[1]!, !asksEnough);
  }
  // « DIX-NEUF !!! je l'ai eu ? »: a grade in words opening a message about a result.
  const openingWords = f.replace(/-/g, ' ').match(OPENING_WORDS);
  // « Une fois l'épreuve réussie… »: « un », « une » opening a message are articles.
  if (
    openingWords &&
    !/^une?$/.test(openingWords[1]!) &&
    !nounAfter(f.replace(/-/g, ' '), openingWords.index! + openingWords[0].length) &&
    /\b(c'?\s?(?:est\s+)?bon|valid\w*|reussi|admis|attestation|l'ai|l ai|eu|obtenu|pile)\b/.test(f)
  ) {
    const value = parseNumberWords(openingWords[1]!);
    if (value !== null) return make(value, openingWords[1]!, true);
  }
  // « j'ai eu pile la moyenne », « la moyenne pile, je l'ai ? »: exactly 10 out of 20 (a bare « la
  // moyenne » may be more than 10, so it gives no grade).
  const average = f.match(
    /\b(?:(?:pile|juste|tout\s+juste|exactement|pile\s+poil)\s+(la)\s+moyenne|(la)\s+moyenne\s+(?:pile|tout\s+juste|juste|exactement|pile\s+poil))\b/,
  );
  if (average) {
    const grade = make(10, average[0], personalAt(f, average.index!, personal || !asksEnough, average[0]));
    return supposedAt(f, average.index!) && grade.personal ? { ...grade, hypothetical: true } : grade;
  }
  for (const re of [OUT_OF_20, BEFORE_CUE, AFTER_CUE]) {
    const m = f.match(re);
    if (m && re === AFTER_CUE && countsThings(f, m)) continue;
    if (m) return suppose(make(parseDecimal(m[1]!), m[0], personalAt(f, m.index!, personal, m[0])), f, m);
  }
  for (const re of [WORDS_OUT_OF_20, WORDS_AFTER_CUE]) {
    const m = f.match(re);
    // « j'ai eu un bébé »: « un » before a noun is an article, not a grade.
    if (m && re === WORDS_AFTER_CUE && /^une?$/.test(m[1]!) && /^\s+[a-z]/.test(f.slice(m.index! + m[0].length)))
      continue;
    if (m && re === WORDS_AFTER_CUE && countsThings(f, m)) continue;
    if (m) {
      const value = parseNumberWords(m[1]!);
      if (value !== null) return suppose(make(value, m[0], personalAt(f, m.index!, personal, m[0])), f, m);
    }
  }
  if (options.bare) {
    const m = f.trim().match(/^(?:j'ai\s+eu\s+|j'ai\s+|note\s*:?\s*)?(\d{1,3}(?:[.,]\d{1,2})?)\s*[.!]?$/);
    if (m) return make(parseDecimal(m[1]!), m[1]!, true);
    const w = f.trim().replace(/[.!]$/, '');
    const value = parseNumberWords(w.replace(/^(?:j'ai\s+eu\s+|j'ai\s+)/, ''));
    if (value !== null) return make(value, w, true);
  }
  return null;
}

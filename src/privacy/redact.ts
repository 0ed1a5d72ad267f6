/**
 * Removes personal data from learners' messages before anything is stored or logged: e-mail
 * addresses (also « @ » spaced out, « (at) », « arobase »), French phone numbers (all formats,
 * +33 / 0033, without the leading 0), social security numbers (NIR), IBANs, payment card numbers and
 * postal addresses. Each is replaced by a label, so staff still see what kind of information the
 * learner gave.
 *
 * Every pattern runs in time linear in the input: repetitions are bounded, and the one unbounded
 * run (an e-mail's local part) may only start where such a run starts (look-behind), so a long
 * string of letters is scanned once, not once per position. The input is bounded as well.
 */

interface Rule {
  label: string;
  pattern: RegExp;
  /**
   * Found in every text the pattern matches (a digit, an « @ »…): a cheap test that spares running the
   * pattern over the many strings of an activity that cannot hold such data (most have no digit).
   */
  needs: RegExp;
}

/** Every pattern below but the e-mail's and the last two starts with or requires a digit (\d is ASCII, as in them). */
const DIGIT = /\d/;

/** Longer strings are cut before redaction: nothing stored needs more (the bot reads 2 000). */
export const MAX_REDACTED_CHARS = 8000;

const SEP = '[\\s.\\-]?';
/** Between digit groups of a phone or card number: spaces (even doubled), dots, dashes. */
const GAP = '[\\s.\\-]{0,3}';
const WORD = "[\\p{L}'’-]+";

const RULES: readonly Rule[] = [
  {
    label: '[e-mail]',
    // The pattern's separators: « @ », « (at) » / « [at] », « arobase » (same flags: same case folding).
    needs: /@|[([]at[)\]]|\sarobase\s/iu,
    pattern: new RegExp(
      '(?<![\\p{L}\\d._%+-])[\\p{L}\\d._%+-]+' +
        '(?:\\s?@\\s?|\\s?[([]at[)\\]]\\s?|\\sarobase\\s)' +
        '(?:[\\p{L}\\d-]{1,63}(?:\\.|\\s(?:point|dot)\\s|\\s?[([](?:dot|point)[)\\]]\\s?)){1,4}[a-z]{2,24}(?![\\p{L}\\d])',
      'giu',
    ),
  },
  // IBAN: two letters, two check digits, then 10 to 30 digits / capital letters, grouped any way.
  { label: '[IBAN]', needs: DIGIT, pattern: /\b[A-Za-z]{2}\d{2}(?:[ .-]?[0-9A-Z]){10,30}(?![0-9A-Za-z])/g },
  // NIR: sex (1/2), year, month, département (2 digits, 2A/2B), commune, order, optional key.
  {
    label: '[NIR]',
    needs: DIGIT,
    pattern: new RegExp(
      `\\b[12]${SEP}\\d{2}${SEP}(?:0[1-9]|1[0-2]|[2-9]\\d)${SEP}(?:\\d{2}|2[AB])${SEP}\\d{3}${SEP}\\d{3}(?:${SEP}\\d{2})?\\b`,
      'gi',
    ),
  },
  // Payment cards: 13 to 19 digits in groups (spaces, dashes or dots).
  { label: '[carte]', needs: DIGIT, pattern: /\b(?:\d[ .-]?){12,18}\d\b/g },
  // Phones: 0X XX XX XX XX in any grouping, (0X), +33 / + 33 / 0033 / +33 (0), or the nine digits
  // of a mobile without its 0 (6 12 34 56 78).
  {
    label: '[téléphone]',
    needs: DIGIT,
    pattern: new RegExp(
      `(?<![\\d+])(?:(?:\\+\\s?|00)33${GAP}(?:\\(0\\)${GAP})?\\(?|\\(?0)[1-9]\\)?(?:${GAP}\\d){8}(?!\\d)|(?<![\\d,.])[67](?:${GAP}\\d){8}(?!\\d|,\\d)`,
      'g',
    ),
  },
  // Postal addresses: a number, then a street type (also abbreviated) and its name (up to six words).
  {
    label: '[adresse]',
    needs: DIGIT,
    pattern: new RegExp(
      `\\b\\d{1,4}(?:\\s?(?:bis|ter|b|t))?,?\\s+(?:(?:rue|avenue|boulevard|chemin|impasse|all[ée]e|place|route|quai|cours|square|r[ée]sidence|lotissement|villa|cit[ée]|sentier|passage|hameau|faubourg|bd|fbg|rte)\\b|(?:r|av|ch|pl|r[ée]s|imp|all)\\.)(?:\\s*${WORD}){1,6}`,
      'giu',
    ),
  },
  // « 45 Grande Rue », « 3 Grand'Place »: the street type comes last.
  {
    label: '[adresse]',
    needs: DIGIT,
    pattern: /\b\d{1,4},?\s+(?:grande?|petite|vieille|haute|basse)(?:\s|-|')(?:rue|place)\b/giu,
  },
  // Without a number: « lieu-dit les Granges », « rés. du Parc », « résidence Les Tilleuls ».
  { label: '[adresse]', needs: /lieu[- ]dit/iu, pattern: new RegExp(`\\blieu[- ]dit(?:\\s+${WORD}){1,3}`, 'giu') },
  {
    label: '[adresse]',
    needs: /r[ée]s/u,
    pattern: new RegExp(
      `(?<![\\p{L}])(?:r[ée]s\\.|r[ée]sidence)\\s+(?:(?:du|des|de la|de|les|le|la|l['’])\\s*)?\\p{Lu}(?:${WORD})?(?:\\s+\\p{Lu}(?:${WORD})?){0,3}`,
      'gu',
    ),
  },
];

export function redact(text: string): string {
  let out = text.length > MAX_REDACTED_CHARS ? `${text.slice(0, MAX_REDACTED_CHARS)} […]` : text;
  for (const { label, pattern, needs } of RULES) if (needs.test(out)) out = out.replace(pattern, label);
  return out;
}

/** The rules, for the test that checks each `needs` against its pattern (test/privacy.test.ts). */
export const REDACTION_RULES: readonly Readonly<Rule>[] = RULES;

/**
 * Removes personal data from learners' messages before anything is stored or logged: e-mail
 * addresses, French phone numbers (all formats, +33 / 0033), social security numbers (NIR), IBANs,
 * payment card numbers and postal addresses. Each is replaced by a label, so staff still see what
 * kind of information the learner gave.
 */

interface Rule { label: string; pattern: RegExp }

const SEP = '[\\s.\\-]?';

const RULES: Rule[] = [
  { label: '[e-mail]', pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g },
  // IBAN: two letters, two check digits, then 11 to 30 letters/digits, often in groups of four.
  { label: '[IBAN]', pattern: /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b/gi },
  // NIR: sex (1/2), year, month, département (2 digits, 2A/2B), commune, order, optional key.
  { label: '[NIR]', pattern: new RegExp(`\\b[12]${SEP}\\d{2}${SEP}(?:0[1-9]|1[0-2]|[2-9]\\d)${SEP}(?:\\d{2}|2[AB])${SEP}\\d{3}${SEP}\\d{3}(?:${SEP}\\d{2})?\\b`, 'gi') },
  // Payment cards: 13 to 19 digits in groups.
  { label: '[carte]', pattern: /\b(?:\d[ -]?){12,18}\d\b/g },
  // Phones: 0X XX XX XX XX, +33 X XX XX XX XX, +33 (0)X…, 0033 X…, with spaces, dots or dashes.
  { label: '[téléphone]', pattern: new RegExp(`(?:(?:\\+|00)33${SEP}(?:\\(0\\)${SEP})?|\\b0)[1-9](?:${SEP}\\d{2}){4}\\b`, 'g') },
  // Postal addresses: a number, then a street type and its name (up to six words).
  {
    label: '[adresse]',
    pattern: /\b\d{1,4}(?:\s?(?:bis|ter|b|t))?,?\s+(?:rue|avenue|av\.?|boulevard|bd|chemin|ch\.?|impasse|all[ée]e|place|pl\.?|route|rte|quai|cours|square|r[ée]sidence|lotissement|lieu[- ]dit|villa|cit[ée]|sentier|passage|hameau|faubourg|fbg)\b(?:\s+[\p{L}'’-]+){1,6}/giu,
  },
];

export function redact(text: string): string {
  let out = text;
  for (const { label, pattern } of RULES) out = out.replace(pattern, label);
  return out;
}

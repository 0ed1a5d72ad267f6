/**
 * Low-level French text handling shared by the classifier and the entity extractors:
 * folding (lower-case, no accents, plain apostrophes) and tokenisation.
 */

/** Lower-case, strip accents, unify apostrophes/spaces, expand ligatures. */
export function fold(text: string): string {
  const lower = text.toLowerCase();
  // Printable ASCII but « ` » (most of what is folded: a clause already folded, read again) has nothing
  // else to change.
  if (!/[^\x20-\x5f\x61-\x7e]/.test(lower)) return lower;
  return lower
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’‘`´ʼ]/g, "'")
    .replace(/[\u00a0\u202f\t\r\n]+/g, ' ');
}

/**
 * Splits folded text into word tokens. Apostrophes and hyphens separate words ("l'examen" →
 * "l", "examen"; "peut-on" → "peut", "on"), except in "aujourd'hui". Digits stay in tokens; « € » is « euros ».
 */
export function tokenize(folded: string): string[] {
  return (
    folded
      .replace(/aujourd'hui/g, 'aujourdhui')
      // « 50 € », « 5€ »: the sign is a word (an amount asked about), not punctuation.
      .replace(/€/g, ' euros ')
      .split(/[^a-z0-9]+/)
      .filter((t) => t.length > 0)
  );
}

/** Splits a message into sentences, so a long rambling message can be read piece by piece. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?;])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Punctuation said aloud by voice dictation (« … c'est ça le BTS point d'interrogation », « virgule »),
 * written back as the marks it names: the question mark is what tells a question from a statement.
 * « point » alone is left as it is (« un point », « le point sur mon inscription »).
 */
export function spokenPunctuation(text: string): string {
  return text
    .replace(/\s*\bpoints? d[’' ]\s?interrogations?\b/gi, ' ?')
    .replace(/\s*\bpoints? d[’' ]\s?exclamations?\b/gi, ' !')
    .replace(/\s*\bpoint[- ]virgule\b/gi, ' ;')
    .replace(/\s*\bpoint [àa] la ligne\b/gi, '.')
    .replace(/\s*\bvirgule\b/gi, ',');
}

/**
 * « @assistant c'est bien un QCM ? »: a mention typed as text (Teams' own mentions are removed by the
 * channel) names who is asked, not what; left in, « assistant » would be read as a word of the question.
 */
export function withoutMentions(text: string): string {
  return text.replace(/(^|\s)@[\p{L}\p{N}_.-]+/gu, '$1').trim();
}

import { fold, tokenize } from '../../intents/nlu/text.ts';

export interface Group<T> {
  representative: T;
  members: T[];
}

/** Meaningful words of a question: folded, at least 3 letters, minus the stopwords given. */
export function wordsOf(text: string, stopwords: ReadonlySet<string>): Set<string> {
  return new Set(tokenize(fold(text)).filter((w) => w.length >= 3 && !stopwords.has(w)));
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / (a.size + b.size - shared);
}

/**
 * Groups similar questions (greedy: each question joins the first group whose representative shares
 * enough of its words), so staff review one kind of question once rather than each wording.
 */
export function groupBySimilarity<T>(
  items: T[],
  text: (item: T) => string,
  stopwords: ReadonlySet<string>,
  threshold = 0.4,
): Group<T>[] {
  const groups: { words: Set<string>; group: Group<T> }[] = [];
  for (const item of items) {
    const words = wordsOf(text(item), stopwords);
    const home = groups.find((g) => jaccard(g.words, words) >= threshold);
    if (home) home.group.members.push(item);
    else groups.push({ words, group: { representative: item, members: [item] } });
  }
  return groups.map((g) => g.group).sort((a, b) => b.members.length - a.members.length);
}

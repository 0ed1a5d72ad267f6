import { fold } from './text.ts';
import type { Lexicon } from './lexicon.ts';

/** Folded message with punctuation, emojis and repeated spaces removed ("a+" keeps its plus). */
function simplify(text: string): string {
  return fold(text)
    .replace(/[^a-z0-9+ ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Recognises messages that are only conversational ("bonjour", "merci beaucoup !", "a+"), and sets
 * aside a greeting in front of a question. A classifier is a poor judge of one-word messages:
 * "bonjour" also starts many real questions, so its posterior is spread thin.
 */
export class SmalltalkMatcher {
  private readonly phrases: { intent: string; phrase: string }[];

  constructor(lexicon: Lexicon) {
    this.phrases = [...lexicon.smalltalk]
      .flatMap(([intent, list]) => list.map((phrase) => ({ intent, phrase: simplify(phrase) })))
      .sort((a, b) => b.phrase.length - a.phrase.length);
  }

  /** The smalltalk intent if the whole message is made of such phrases (all of one intent, or greeting + other). */
  match(text: string): string | null {
    let rest = simplify(text);
    if (!rest) return null;
    const found: string[] = [];
    while (rest.length > 0) {
      const hit = this.phrases.find((p) => rest === p.phrase || rest.startsWith(`${p.phrase} `));
      if (!hit) return null;
      found.push(hit.intent);
      rest = rest.slice(hit.phrase.length).trim();
    }
    // "salut merci" is thanks, "bonjour au revoir" a goodbye: the last phrase carries the intent.
    return found[found.length - 1] ?? null;
  }

  /** The message without a leading greeting, when something else follows it. */
  stripGreeting(text: string): string {
    const simple = simplify(text);
    for (const p of this.phrases) {
      if (p.intent !== 'salutation') continue;
      if (simple.startsWith(`${p.phrase} `)) {
        // Remove the same number of words from the original text, keeping its punctuation.
        const words = p.phrase.split(' ').length;
        const stripped = text
          .trim()
          .split(/\s+/)
          .slice(words)
          .join(' ')
          .replace(/^[\s,.!;:-]+/, '');
        return stripped.length > 0 ? stripped : text;
      }
    }
    return text;
  }
}

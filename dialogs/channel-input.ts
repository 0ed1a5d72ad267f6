import type { Activity } from 'botbuilder-core';

/**
 * Named entities a channel may send in a learner's message: Teams writes its messages as HTML
 * (« <at>Assistant</at>&nbsp;c&#39;est quand… »), with accented letters sometimes as entities.
 * Numeric entities (&#39; &#x27;) are decoded whatever the character.
 */
const NAMED: Record<string, string> = {
  nbsp: ' ',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  laquo: '«',
  raquo: '»',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  hellip: '…',
  ndash: '–',
  mdash: '—',
  euro: '€',
  deg: '°',
  shy: '',
  zwnj: '',
  zwj: '',
};
for (const [letters, accents] of Object.entries({
  a: ['grave', 'acute', 'circ', 'uml'],
  e: ['grave', 'acute', 'circ', 'uml'],
  i: ['circ', 'uml'],
  o: ['circ', 'uml'],
  u: ['grave', 'circ', 'uml'],
  y: ['uml'],
  c: ['cedil'],
})) {
  for (const accent of accents) {
    const lower = `${letters}${accent}`;
    NAMED[lower] =
      `${letters}${{ grave: '\u0300', acute: '\u0301', circ: '\u0302', uml: '\u0308', cedil: '\u0327' }[accent]}`.normalize(
        'NFC',
      );
    NAMED[lower[0]!.toUpperCase() + lower.slice(1)] = NAMED[lower].toUpperCase();
  }
}
Object.assign(NAMED, { oelig: 'œ', OElig: 'Œ', aelig: 'æ', AElig: 'Æ' });

function decodeEntities(text: string): string {
  return text.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return NAMED[name] ?? whole;
  });
}

/**
 * What the learner said, whatever the channel: typed text, or the value of a card button (an Adaptive
 * Card Action.Submit arrives as `value` with no text). Read at the channel's edge, before
 * understanding: Teams' "<at>Bot</at>" mentions removed, its HTML (<p>, <div>, <span>…) stripped, and
 * HTML entities decoded, so « <at>Assistant</at>&nbsp;c&#39;est quand l&#39;exam ? » reads like the
 * plain question. Only what looks like a tag is stripped (« note <10 » stays).
 */
export function learnerText(activity: Partial<Activity>): string {
  let text = activity.text ?? '';
  if (!text.trim() && activity.value && typeof activity.value === 'object') {
    const v = activity.value as Record<string, unknown>;
    const candidate = [v.text, v.value, v.action, v.choice].find((x) => typeof x === 'string' && x.trim());
    if (typeof candidate === 'string') text = candidate;
  }
  return decodeEntities(
    text.replace(/<at\b[^>]*>[^<]*<\/at>/gi, ' ').replace(/<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>/gi, ' '),
  )
    .replace(/\s+/g, ' ')
    .trim();
}

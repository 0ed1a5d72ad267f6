/** Everything learners typed is shown through this: `<img src=x onerror=alert(1)>` stays text. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Content-Security-Policy of every console page: nothing inline, nothing from elsewhere. */
export const CONSOLE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Every page title ends with it (WCAG 2.4.2: which site, then which page). */
export const SITE_NAME = "Console de l'assistant";

/*
 * Accessibility rules (RGAA 4.1 / WCAG 2.1 AA) live in these helpers so every page, today's and the
 * rebuilt ones, gets them: contrasts of 4.5:1 for text and 3:1 for focus rings and chart marks, a
 * visible focus ring, text hidden from the eye but read aloud (.sr-only), fields whose label says
 * when they are required.
 */
export const CONSOLE_CSS = `
body { font-family: system-ui, sans-serif; margin: 0; background: #f4f6f9; color: #1b1b1b; }
a { color: #1f4e8c; }
:focus-visible { outline: 3px solid #1f4e8c; outline-offset: 2px; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.skip { position: absolute; left: .5rem; top: -3rem; background: #fff; color: #1f4e8c; padding: .4rem .8rem; border-radius: 4px; z-index: 1; }
.skip:focus { top: .5rem; }
header { background: #1f4e8c; color: #fff; padding: .6rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; justify-content: space-between; align-items: center; }
header a, header button { color: #fff; }
header :focus-visible { outline-color: #fff; }
header .site { font-weight: 700; margin: 0; }
header nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; margin: 0; padding: 0; }
header nav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
header button { background: transparent; border: 1px solid #fff; border-radius: 4px; padding: .2rem .6rem; cursor: pointer; }
main { padding: 1rem; max-width: 1100px; margin: auto; }
main:focus { outline: none; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; background: #fff; }
caption { text-align: left; font-weight: 600; padding: .4rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: .4rem .6rem; text-align: left; font-size: .9rem; }
.required { color: #a40000; font-size: .85rem; }
ol.messages { list-style: none; padding: 0; margin: 0; }
.bubble { max-width: 70%; padding: .5rem .75rem; border-radius: 10px; margin: .4rem 0; }
.bubble .text { white-space: pre-wrap; }
.speaker { font-weight: 700; font-size: .8rem; margin: 0 0 .2rem; }
.in { background: #e4ecf7; margin-right: auto; }
.out { background: #fff; border: 1px solid #ddd; margin-left: auto; }
.meta { font-size: .75rem; color: #555; }
.error { color: #a40000; }
figure { margin: 1rem 0; }
figure svg { max-width: 100%; height: auto; background: #fff; }
.legend { display: flex; gap: 1.5rem; font-size: .85rem; margin: .3rem 0; }
form.inline { display: inline; }
`;

/** Text read aloud but not shown: tells a screen reader user what sighted users get from the layout. */
export function srOnly(text: string): string {
  return `<span class="sr-only">${escapeHtml(text)}</span>`;
}

/** The console's pages, in the header of every page; `current` is marked for screen readers too. */
const NAV = [
  ['/admin', 'Conversations'],
  ['/admin/sans-reponse', 'Questions sans réponse'],
  ['/admin/statistiques', 'Statistiques'],
] as const;
export type ConsolePage = (typeof NAV)[number][0] | '/admin/login';

/**
 * A console page: its title names the page then the site (2.4.2), a skip link first (2.4.1), the
 * header with the navigation between pages (2.4.5; the sign-in page alone when signed out), the
 * page's content in `main`, a viewport for phones.
 */
export function layout(title: string, body: string, signedIn?: { login: string; csrf: string }, current?: ConsolePage): string {
  const links: readonly (readonly [string, string])[] = signedIn ? NAV : [['/admin/login', 'Connexion']];
  const nav = `<nav aria-label="Pages de la console"><ul>${links.map(([href, label]) =>
    `<li><a href="${href}"${href === current ? ' aria-current="page"' : ''}>${escapeHtml(label)}</a></li>`).join('')}</ul></nav>`;
  const account = signedIn
    ? `<div><span>${srOnly('Connecté en tant que ')}${escapeHtml(signedIn.login)}</span> <form class="inline" method="post" action="/admin/logout"><input type="hidden" name="csrf" value="${escapeHtml(signedIn.csrf)}"><button type="submit">Se déconnecter</button></form></div>`
    : '';
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — ${escapeHtml(SITE_NAME)}</title>
<link rel="stylesheet" href="/admin/console.css"></head><body><a class="skip" href="#contenu">Aller au contenu</a>
<header><p class="site">${escapeHtml(SITE_NAME)}</p>${nav}${account}</header><main id="contenu" tabindex="-1">${body}</main></body></html>`;
}

export interface FieldOptions {
  label: string;
  name: string;
  type?: string;
  value?: string;
  required?: boolean;
  autocomplete?: string;
  /** Id of the text that explains an error on this field (it is then marked invalid). */
  errorId?: string;
  /** Other attributes, already escaped. */
  attributes?: string;
}

/** A labelled input; a required one says so in its label (RGAA 11.10) and to the browser. */
export function field(o: FieldOptions): string {
  const id = `champ-${o.name}`;
  return `<p><label for="${id}">${escapeHtml(o.label)}${o.required ? ' <span class="required">(obligatoire)</span>' : ''}</label>
<input id="${id}" name="${escapeHtml(o.name)}"${o.type ? ` type="${escapeHtml(o.type)}"` : ''}${o.value !== undefined ? ` value="${escapeHtml(o.value)}"` : ''}${o.autocomplete ? ` autocomplete="${escapeHtml(o.autocomplete)}"` : ''}${o.required ? ' required' : ''}${o.errorId ? ` aria-invalid="true" aria-describedby="${escapeHtml(o.errorId)}"` : ''}${o.attributes ? ` ${o.attributes}` : ''}></p>`;
}

export interface Bar { label: string; value: number; part?: number }

/**
 * A bar chart as inline SVG (no script, no style attribute: the console's CSP allows it), in a
 * figure with its caption and the same figures as a table (1.1.1: the picture is not the only way
 * to read them). With `part` (the unanswered share), each day has two bars side by side, the part
 * hatched and outlined, so it is told apart by its pattern, not by colour alone (1.4.1), and every
 * mark contrasts at least 3:1 with the white background (1.4.11).
 */
export function barChart(caption: string, bars: Bar[], o: { horizontal?: boolean; valueLabel: string; partLabel?: string }): string {
  if (bars.length === 0) return `<p>${escapeHtml(caption)} : pas encore de données.</p>`;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const total = bars.reduce((n, b) => n + b.value, 0);
  const partTotal = bars.reduce((n, b) => n + (b.part ?? 0), 0);
  let svg: string;
  if (o.horizontal) {
    const height = bars.length * 22 + 10;
    const rows = bars.map((b, i) => {
      const w = Math.round((b.value / max) * 500);
      return `<text x="0" y="${i * 22 + 20}" font-size="12">${escapeHtml(b.label)}</text><rect x="200" y="${i * 22 + 8}" width="${w}" height="16" fill="#1f4e8c"/><text x="${205 + w}" y="${i * 22 + 20}" font-size="12">${b.value}</text>`;
    }).join('');
    svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 760 ${height}" width="760" height="${height}" role="img" aria-label="${escapeHtml(`${caption} : ${bars.length} barres, ${total} au total ; valeurs dans le tableau qui suit`)}">${rows}</svg>`;
  } else {
    const step = o.partLabel ? 40 : 34;
    const width = Math.max(300, bars.length * step);
    const cols = bars.map((b, i) => {
      const x = i * step + 4;
      const h = Math.round((b.value / max) * 150);
      const p = Math.round(((b.part ?? 0) / max) * 150);
      const part = o.partLabel
        ? `<rect x="${x + 17}" y="${170 - p}" width="14" height="${p}" fill="url(#hachures)" stroke="#a33a00" stroke-width="1.5"/><text x="${x + 24}" y="${165 - p}" font-size="10" text-anchor="middle">${b.part ?? 0}</text>`
        : '';
      const barWidth = o.partLabel ? 15 : 26;
      return `<rect x="${x}" y="${170 - h}" width="${barWidth}" height="${h}" fill="#1f4e8c"/><text x="${x + barWidth / 2}" y="${165 - h}" font-size="10" text-anchor="middle">${b.value}</text>${part}
<text x="${x + (o.partLabel ? 16 : 13)}" y="185" font-size="10" text-anchor="middle">${escapeHtml(b.label)}</text>`;
    }).join('');
    const pattern = o.partLabel
      ? '<defs><pattern id="hachures" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#a33a00" stroke-width="3"/></pattern></defs>'
      : '';
    const summary = `${caption} : ${bars.length} jours, ${total} ${o.valueLabel.toLowerCase()}${o.partLabel ? ` dont ${partTotal} ${o.partLabel.toLowerCase()}` : ''} ; valeurs dans le tableau qui suit`;
    svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} 195" width="${width}" height="195" role="img" aria-label="${escapeHtml(summary)}">${pattern}${cols}</svg>`;
  }
  const legend = o.partLabel
    ? `<p class="legend" aria-hidden="true"><span>▮ barre pleine : ${escapeHtml(o.valueLabel.toLowerCase())}</span><span>▨ barre hachurée : ${escapeHtml(o.partLabel.toLowerCase())}</span></p>`
    : '';
  const table = `<div class="scroll"><table><caption>${escapeHtml(caption)} (valeurs)</caption><thead><tr><th scope="col">${o.horizontal ? 'Intention' : 'Jour'}</th><th scope="col">${escapeHtml(o.valueLabel)}</th>${o.partLabel ? `<th scope="col">${escapeHtml(o.partLabel)}</th>` : ''}</tr></thead>
<tbody>${bars.map((b) => `<tr><th scope="row">${escapeHtml(b.label)}</th><td>${b.value}</td>${o.partLabel ? `<td>${b.part ?? 0}</td>` : ''}</tr>`).join('')}</tbody></table></div>`;
  return `<figure><figcaption>${escapeHtml(caption)}</figcaption>${svg}${legend}${table}</figure>`;
}

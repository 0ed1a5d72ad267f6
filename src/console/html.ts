/** Everything learners typed is shown through this: `<img src=x onerror=alert(1)>` stays text. */
export function escapeHtml(value: string | number | boolean | null | undefined): string {
  return String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** Markup that is already safe: built by `html`, or a visible `raw()` exception. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolation = Html | string | number | boolean | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.value;
  if (typeof value === 'object') return value.map(render).join('');
  return escapeHtml(value);
}

/**
 * The console's only way to build markup: every interpolated value is escaped unless it is Html
 * itself (a nested `html` or a `raw`); arrays are joined; null, undefined and false render nothing.
 * Forgetting to escape is no longer possible: raw HTML is the exception, and it is visible.
 */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new Html(out);
}

/** Markup the caller vouches for (constant strings only: never anything a learner or a URL wrote). */
export function raw(markup: string): Html {
  return new Html(markup);
}

/** Content-Security-Policy of every console page: nothing inline, nothing from elsewhere. */
export const CONSOLE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

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
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.totals { font-weight: 600; }
.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin: .5rem 0 1rem; }
.tag { display: inline-block; padding: 0 .4rem; border-radius: 4px; font-size: .8rem; border: 1px solid; }
.tag.open { color: #a33a00; border-color: #a33a00; background: #fff; }
.tag.done { color: #1b5e20; border-color: #1b5e20; background: #fff; }
.bubble.flagged { border-left: 4px solid #a33a00; }
.bubble time { font-weight: 400; color: #555; margin-left: .5rem; }
.reading strong, .meta strong { color: #1b1b1b; }
.id { font-family: ui-monospace, monospace; }
.guess { color: #555; font-style: italic; }
details.correct summary { cursor: pointer; color: #a40000; font-size: .85rem; margin-top: .3rem; }
nav.pager ul, ul.tabs { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; padding: 0; margin: .5rem 0; }
ul.tabs a[aria-current="page"] { font-weight: 700; }
.meta-line { color: #1b1b1b; }
`;

/** Text read aloud but not shown: tells a screen reader user what sighted users get from the layout. */
export function srOnly(text: string): Html {
  return html`<span class="sr-only">${text}</span>`;
}

/** The console's pages, in the header of every page; `current` is marked for screen readers too. */
const NAV = [
  ['/admin', 'Conversations'],
  ['/admin/a-relire', 'À relire'],
  ['/admin/statistiques', 'Statistiques'],
  ['/admin/entrainement', 'Entraînement'],
] as const;
export type ConsolePage = (typeof NAV)[number][0] | '/admin/login';

/**
 * A console page: its title names the page then the site (2.4.2), a skip link first (2.4.1), the
 * header with the navigation between pages (2.4.5; the sign-in page alone when signed out), the
 * page's content in `main`, a viewport for phones.
 */
export function layout(
  title: string,
  body: Html,
  signedIn?: { login: string; csrf: string },
  current?: ConsolePage,
  head?: Html,
): string {
  const links: readonly (readonly [string, string])[] = signedIn ? NAV : [['/admin/login', 'Connexion']];
  const nav = html`<nav aria-label="Pages de la console"><ul>${links.map(
    ([href, label]) =>
      html`<li><a href="${href}"${href === current ? raw(' aria-current="page"') : ''}>${label}</a></li>`,
  )}</ul></nav>`;
  const account = signedIn
    ? html`<div><span>${srOnly('Connecté en tant que ')}${signedIn.login}</span> <form class="inline" method="post" action="/admin/logout">${csrfField(signedIn.csrf)}<button type="submit">Se déconnecter</button></form></div>`
    : '';
  return html`<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — ${SITE_NAME}</title>${head}
<link rel="stylesheet" href="/admin/console.css"></head><body><a class="skip" href="#contenu">Aller au contenu</a>
<header><p class="site">${SITE_NAME}</p>${nav}${account}</header><main id="contenu" tabindex="-1">${body}</main></body></html>`
    .value;
}

/** The hidden field every POST form carries (checked by the csrf guard). */
export function csrfField(token: string): Html {
  return html`<input type="hidden" name="csrf" value="${token}">`;
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
}

/** A labelled input; a required one says so in its label (RGAA 11.10) and to the browser. */
export function field(o: FieldOptions): Html {
  const id = `champ-${o.name}`;
  return html`<p><label for="${id}">${o.label}${o.required ? raw(' <span class="required">(obligatoire)</span>') : ''}</label>
<input id="${id}" name="${o.name}"${o.type ? html` type="${o.type}"` : ''}${o.value !== undefined ? html` value="${o.value}"` : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.required ? raw(' required') : ''}${o.errorId ? html` aria-invalid="true" aria-describedby="${o.errorId}"` : ''}></p>`;
}

export interface Bar {
  label: string;
  value: number;
  part?: number;
}

/**
 * A bar chart as inline SVG (no script, no style attribute: the console's CSP allows it), in a
 * figure with its caption and the same figures as a table (1.1.1: the picture is not the only way
 * to read them). With `part` (the unanswered share), each day has two bars side by side, the part
 * hatched and outlined, so it is told apart by its pattern, not by colour alone (1.4.1), and every
 * mark contrasts at least 3:1 with the white background (1.4.11).
 */
export function barChart(
  caption: string,
  bars: Bar[],
  o: { horizontal?: boolean; valueLabel: string; partLabel?: string; labelHeader?: string },
): Html {
  if (bars.length === 0) return html`<p>${caption} : pas encore de données.</p>`;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const total = bars.reduce((n, b) => n + b.value, 0);
  const partTotal = bars.reduce((n, b) => n + (b.part ?? 0), 0);
  let svg: Html;
  if (o.horizontal) {
    const height = bars.length * 22 + 10;
    const rows = bars.map((b, i) => {
      const w = Math.round((b.value / max) * 500);
      return html`<text x="0" y="${i * 22 + 20}" font-size="12">${b.label}</text><rect x="200" y="${i * 22 + 8}" width="${w}" height="16" fill="#1f4e8c"/><text x="${205 + w}" y="${i * 22 + 20}" font-size="12">${b.value}</text>`;
    });
    svg = html`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 760 ${height}" width="760" height="${height}" role="img" aria-label="${`${caption} : ${bars.length} barres, ${total} au total ; valeurs dans le tableau qui suit`}">${rows}</svg>`;
  } else {
    const step = o.partLabel ? 40 : 34;
    const width = Math.max(300, bars.length * step);
    const cols = bars.map((b, i) => {
      const x = i * step + 4;
      const h = Math.round((b.value / max) * 150);
      const p = Math.round(((b.part ?? 0) / max) * 150);
      const part = o.partLabel
        ? html`<rect x="${x + 17}" y="${170 - p}" width="14" height="${p}" fill="url(#hachures)" stroke="#a33a00" stroke-width="1.5"/><text x="${x + 24}" y="${165 - p}" font-size="10" text-anchor="middle">${b.part ?? 0}</text>`
        : '';
      const barWidth = o.partLabel ? 15 : 26;
      return html`<rect x="${x}" y="${170 - h}" width="${barWidth}" height="${h}" fill="#1f4e8c"/><text x="${x + barWidth / 2}" y="${165 - h}" font-size="10" text-anchor="middle">${b.value}</text>${part}
<text x="${x + (o.partLabel ? 16 : 13)}" y="185" font-size="10" text-anchor="middle">${b.label}</text>`;
    });
    const pattern = o.partLabel
      ? raw(
          '<defs><pattern id="hachures" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="0" x2="0" y2="6" stroke="#a33a00" stroke-width="3"/></pattern></defs>',
        )
      : '';
    const summary = `${caption} : ${bars.length} jours, ${total} ${o.valueLabel.toLowerCase()}${o.partLabel ? ` dont ${partTotal} ${o.partLabel.toLowerCase()}` : ''} ; valeurs dans le tableau qui suit`;
    svg = html`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} 195" width="${width}" height="195" role="img" aria-label="${summary}">${pattern}${cols}</svg>`;
  }
  const legend = o.partLabel
    ? html`<p class="legend" aria-hidden="true"><span>▮ barre pleine : ${o.valueLabel.toLowerCase()}</span><span>▨ barre hachurée : ${o.partLabel.toLowerCase()}</span></p>`
    : '';
  const table = html`<div class="scroll"><table><caption>${caption} (valeurs)</caption><thead><tr><th scope="col">${o.labelHeader ?? (o.horizontal ? 'Intention' : 'Jour')}</th><th scope="col">${o.valueLabel}</th>${o.partLabel ? html`<th scope="col">${o.partLabel}</th>` : ''}</tr></thead>
<tbody>${bars.map((b) => html`<tr><th scope="row">${b.label}</th><td>${b.value}</td>${o.partLabel ? html`<td>${b.part ?? 0}</td>` : ''}</tr>`)}</tbody></table></div>`;
  return html`<figure><figcaption>${caption}</figcaption>${svg}${legend}${table}</figure>`;
}

import type { Correction, TranscriptEntry } from '../../transcripts/store.ts';
import { csrfField, html, raw, srOnly, type Html } from '../html.ts';
import { channelName, entityName, kindName, statusName, type IntentNames } from '../labels.ts';
import { REASON_NAMES, type ReviewReason } from '../review-queue.ts';
import { when } from './format.ts';

export interface ConversationData {
  id: string;
  entries: TranscriptEntry[];
  review?: { reviewed: boolean; note: string; by: string; at: Date };
  /** Staff corrections, by sentence. */
  corrections: Map<string, Correction>;
  /** Why some of its messages are to review, by message. */
  reasons: Map<number, ReviewReason[]>;
  /** The conversations before and after this one in the « À relire » queue. */
  previous?: string;
  next?: string;
  intents: IntentNames;
  csrf: string;
}

const PROMPTS: Record<string, string> = {
  'prompt-comment': 'Commentaire après un avis 👎',
  'prompt-grade': 'Réponse à « quelle note ? »',
  'prompt-result-date': 'Réponse à « quand avez-vous passé l’épreuve ? »',
  'prompt-training-end': 'Réponse à « quand finit votre formation ? »',
  'prompt-place': 'Réponse à « où habitez-vous ? »',
  'prompt-yesno': 'Réponse oui / non',
};

const conversationHref = (id: string) => `/admin/conversations/${encodeURIComponent(id)}`;

/** The intents to choose from: none chosen in advance (the assistant's guess is shown as a guess, apart). */
export function intentSelect(id: string, label: Html, intents: IntentNames): Html {
  return html`<label for="${id}">${label}</label> <select id="${id}" name="intent" required><option value="">— choisir —</option>${intents.ids.map((i) => html`<option value="${i}">${intents.name(i)}</option>`)}</select>`;
}

/** « Mauvaise réponse » on one learner message: the right intent (or hors sujet) goes to training. */
export function correctionForm(seq: number, text: string, intents: IntentNames, csrf: string, back: string): Html {
  return html`<details class="correct"><summary>Mauvaise réponse${srOnly(` à « ${text} »`)}</summary>
<form method="post" action="/admin/messages/${seq}/correction">${csrfField(csrf)}<input type="hidden" name="retour" value="${back}">
<p>${intentSelect(`intention-${seq}`, html`Intention attendue pour « ${text} » <span class="required">(obligatoire)</span>`, intents)}
<button type="submit">Envoyer à l'entraînement${srOnly(` : « ${text} »`)}</button></p>
<p class="meta">Choisissez « Hors sujet » pour une question que l'assistant doit refuser.</p></form></details>`;
}

/** How a learner's message was read: its kind, intent (readable name), confidence, status, entities, dialog. */
function readingOf(e: TranscriptEntry, intents: IntentNames): Html | string {
  if (e.feedback)
    return html`<div class="meta">Avis ${e.feedback === 'up' ? '👍' : '👎'} sur la réponse précédente</div>`;
  if (e.prompt) return html`<div class="meta">${PROMPTS[e.prompt] ?? `Réponse à la question ${e.prompt}`}</div>`;
  if (!e.kind) return '';
  const parts: (Html | string)[] = [`Lu comme : ${kindName(e.kind)}`];
  if (e.kind === 'question' || e.intent) {
    parts.push(
      html`intention <strong>${intents.name(e.intent)}</strong>${e.intent ? html` <span class="id">(${e.intent})</span>` : ''}`,
    );
    if (e.confidence !== undefined) parts.push(`confiance ${e.confidence.toFixed(2)}`);
  }
  if (e.status) parts.push(statusName(e.status));
  for (const [k, v] of Object.entries(e.entities ?? {})) parts.push(`${entityName(k)} : ${v}`);
  if (e.dialogStarted) parts.push(`dialogue démarré : ${e.dialogStarted}`);
  return html`<div class="meta reading">${parts.map((p, i) => html`${i > 0 ? ' · ' : ''}${p}`)}</div>`;
}

/** The bot's side: which entry answered, which dialog step said it. */
function sourceOf(e: TranscriptEntry, intents: IntentNames): Html | string {
  const parts: (Html | string)[] = [];
  if (e.entryId) parts.push(html`réponse tirée de l'entrée <strong>${e.entryId}</strong>`);
  if (e.intent && e.kind === undefined)
    parts.push(
      html`intention ${intents.name(e.intent)} <span class="id">(${e.intent})</span>${e.confidence !== undefined ? ` · confiance ${e.confidence.toFixed(2)}` : ''} · ${statusName(e.status)}`,
    );
  if (e.dialog) parts.push(`dialogue ${e.dialog}`);
  return parts.length ? html`<div class="meta">${parts.map((p, i) => html`${i > 0 ? ' · ' : ''}${p}`)}</div>` : '';
}

/**
 * A conversation as bubbles with their time; beside each learner message how it was understood and
 * « Mauvaise réponse », beside each answer where it came from; the review form; navigation to the
 * list and to the previous / next conversation to review.
 */
export function conversationView(d: ConversationData): { title: string; body: Html } {
  const first = d.entries[0]!;
  const last = d.entries[d.entries.length - 1]!;
  const href = conversationHref(d.id);
  const bubbles = d.entries
    .filter((e) => e.type === 'message' || e.type === 'error')
    .map((e) => {
      const text = e.error ? html`<span class="error">Erreur : ${e.error}</span>` : e.text;
      const anchor = e.seq !== undefined && e.direction === 'in' ? html` id="m-${e.seq}"` : '';
      const reasons = e.seq !== undefined ? d.reasons.get(e.seq) : undefined;
      const correction = e.direction === 'in' ? d.corrections.get(e.text) : undefined;
      const canCorrect =
        e.direction === 'in' &&
        e.seq !== undefined &&
        e.text.trim() !== '' &&
        (e.kind === undefined || e.kind === 'question' || e.kind === 'button') &&
        !e.feedback;
      // Who speaks is written, not only shown by the bubble's side and colour (1.3.1, 1.4.1).
      return html`<li class="bubble ${e.direction}${reasons?.length ? ' flagged' : ''}"${anchor}><p class="speaker">${e.direction === 'in' ? 'Apprenant' : 'Assistant'} <time datetime="${e.at.toISOString()}">${when(e.at)}</time></p><div class="text">${text}</div>
${e.direction === 'in' ? readingOf(e, d.intents) : sourceOf(e, d.intents)}
${reasons?.length ? html`<div class="meta"><span class="tag open">à relire</span> ${reasons.map((r) => REASON_NAMES[r]).join(', ')}</div>` : ''}
${correction ? html`<div class="meta"><span class="tag done">corrigée</span> intention attendue : <strong>${d.intents.name(correction.intent)}</strong> (par ${correction.by}, ${when(correction.at)})</div>` : ''}
${canCorrect ? correctionForm(e.seq!, e.text, d.intents, d.csrf, `${href}#m-${e.seq}`) : ''}</li>`;
    });
  const review = d.review;
  const nav = html`<nav class="pager" aria-label="Navigation entre conversations"><ul>
<li><a href="/admin">← Liste des conversations</a></li><li><a href="/admin/a-relire">À relire</a></li>
${d.previous ? html`<li><a href="${conversationHref(d.previous)}" rel="prev">Conversation à relire précédente</a></li>` : ''}
${d.next ? html`<li><a href="${conversationHref(d.next)}" rel="next">Conversation à relire suivante</a></li>` : ''}</ul></nav>`;
  return {
    title: 'Conversation',
    body: html`<h1>Conversation</h1>${nav}
<p class="meta-line">${channelName(first.channelId)} · commencée ${when(first.at)} · dernier message ${when(last.at)} · ${review?.reviewed ? html`<span class="tag done">relue</span>` : html`<span class="tag open">à relire</span>`}</p>
<p><a href="${href}/transcript">Exporter cette conversation (.transcript)</a></p>
<ol class="messages">${bubbles}</ol>
<h2>Relecture</h2>
<form method="post" action="${href}/revue">${csrfField(d.csrf)}
<p><label><input type="checkbox" name="revue" value="1"${review?.reviewed ? raw(' checked') : ''}> Conversation relue</label></p>
<p><label for="note">Note</label> <input id="note" name="note" size="60" maxlength="2000" value="${review?.note ?? ''}"></p>
<p><button type="submit">Enregistrer la relecture</button>${review ? html` <span class="meta">par ${review.by}, ${when(review.at)}</span>` : ''}</p></form>`,
  };
}

import { csrfField, html, srOnly, type Html } from '../html.ts';
import { channelName, type IntentNames } from '../labels.ts';
import { REASON_NAMES, type ReviewItem } from '../review-queue.ts';
import { intentSelect } from './conversation.ts';
import { excerpt, when } from './format.ts';

export interface ReviewData {
  items: ReviewItem[];
  /** « à relire »: still in the queue; « corrigées »: staff chose the intent. */
  tab: 'open' | 'corrected';
  counts: { open: number; corrected: number };
  intents: IntentNames;
  csrf: string;
}

/**
 * « À relire »: the learner messages worth a look, newest first, each linking to its conversation at
 * that message. The assistant's reading is shown as its guess, apart: the intent to assign is chosen,
 * never pre-selected, so one click cannot put the assistant's own mistake into the training data.
 */
export function reviewView(d: ReviewData): { title: string; body: Html } {
  const rows = d.items.map((item, i) => {
    const m = item.message;
    const href = `/admin/conversations/${encodeURIComponent(m.conversationId)}#m-${m.seq}`;
    const guess = m.intent
      ? html`${d.intents.name(m.intent)}${m.confidence !== undefined ? ` (confiance ${m.confidence.toFixed(2)})` : ''}`
      : html`aucune`;
    const decide = item.correction
      ? html`<strong>${d.intents.name(item.correction.intent)}</strong><div class="meta">par ${item.correction.by}, ${when(item.correction.at)}</div>`
      : html`<form method="post" action="/admin/messages/${m.seq}/correction">${csrfField(d.csrf)}<input type="hidden" name="retour" value="/admin/a-relire">
${intentSelect(`intention-${i}`, html`<span class="sr-only">Intention attendue pour « ${m.text} » (obligatoire)</span>`, d.intents)}
<button type="submit">Attribuer${srOnly(` l'intention à « ${m.text} »`)}</button></form>`;
    return html`<tr><td>${when(m.at)}<div class="meta">${channelName(m.channelId)}</div></td>
<td><a href="${href}">${excerpt(m.text) || '(vide)'}${srOnly(' — voir dans la conversation')}</a></td>
<td>${item.reasons.map((r) => REASON_NAMES[r]).join(', ') || '—'}</td>
<td><span class="guess">supposition : ${guess}</span></td><td>${decide}</td></tr>`;
  });
  const tab = (key: 'open' | 'corrected', label: string, n: number) =>
    html`<li><a href="/admin/a-relire${key === 'corrected' ? '?etat=corrigees' : ''}"${d.tab === key ? html` aria-current="page"` : ''}>${label} (${n})</a></li>`;
  return {
    title: 'À relire',
    body: html`<h1>À relire</h1>
<p>Messages des apprenants à vérifier : pas compris, clarification demandée, non couverts par la fiche, confiance faible, avis 👎, dialogue abandonné.
Ouvrez la conversation pour le contexte ; attribuez l'intention que le message aurait dû avoir (ou « Hors sujet ») : il part dans les
<a href="/admin/entrainement">phrases d'entraînement</a> et quitte la file.</p>
<nav aria-label="File"><ul class="tabs">${tab('open', 'À relire', d.counts.open)}${tab('corrected', 'Corrigées', d.counts.corrected)}</ul></nav>
<div class="scroll"><table><caption>${d.tab === 'open' ? 'Messages à relire, le plus récent d’abord' : 'Messages corrigés par l’équipe'}</caption><thead><tr><th scope="col">Date</th><th scope="col">Message</th><th scope="col">Pourquoi</th><th scope="col">Compris par l'assistant</th><th scope="col">Intention attendue</th></tr></thead><tbody>${rows}</tbody></table></div>
${d.items.length === 0 ? html`<p>Rien ${d.tab === 'open' ? 'à relire' : 'de corrigé'} pour l'instant.</p>` : ''}`,
  };
}

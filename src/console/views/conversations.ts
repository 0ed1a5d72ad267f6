import type { ConversationSummary, ListTotals } from '../../transcripts/store.ts';
import { html, raw, srOnly, type Html } from '../html.ts';
import { channelName, type IntentNames } from '../labels.ts';
import { excerpt, when } from './format.ts';

export interface ListData {
  rows: ConversationSummary[];
  totals: ListTotals;
  page: number;
  pages: number;
  pageSize: number;
  /** The list's query string as it came (filters), to keep them in links and fields. */
  query: URLSearchParams;
  channels: string[];
  intents: IntentNames;
}

const selected = (on: boolean) => (on ? raw(' selected') : '');
const checked = (on: boolean) => (on ? raw(' checked') : '');

/**
 * The conversations, newest first: what was asked first, the channel by its name, when it started
 * and ended, its questions, those left unanswered, the learner's 👎, whether staff read it; the
 * totals of the filtered list above. Each link says where it goes, not only « ouvrir » (2.4.4).
 */
export function conversationsView(d: ListData): { title: string; body: Html } {
  const q = d.query;
  const value = (k: string) => q.get(k) ?? '';
  const link = (p: number) => {
    const n = new URLSearchParams(q);
    n.set('page', String(p));
    return `/admin?${n.toString()}`;
  };
  const exportQuery = new URLSearchParams([...q].filter(([k]) => k !== 'page')).toString();
  const rows = d.rows.map((c, i) => {
    const n = (d.page - 1) * d.pageSize + i + 1;
    const preview = c.preview ? excerpt(c.preview) : '(aucun message)';
    return html`<tr><td>${when(c.startedAt)}</td><td>${when(c.lastAt)}</td><td>${channelName(c.channelId)}</td>
<td><a href="/admin/conversations/${encodeURIComponent(c.conversationId)}">${preview}${srOnly(` — ouvrir la conversation ${n} (${channelName(c.channelId)}, ${when(c.lastAt)})`)}</a></td>
<td class="num">${c.questions}</td><td class="num">${c.unanswered}</td><td class="num">${c.negativeFeedback}</td><td>${c.reviewed ? html`<span class="tag done">relue</span>` : html`<span class="tag open">à relire</span>`}</td></tr>`;
  });
  const t = d.totals;
  return {
    title: 'Conversations',
    body: html`<h1>Conversations</h1>
<p class="totals" role="status">${t.conversations} conversation(s) · ${t.questions} question(s) · ${t.unanswered} sans réponse · ${t.negativeFeedback} avis 👎 · ${t.reviewed} relue(s), ${t.conversations - t.reviewed} à relire</p>
<form method="get" action="/admin" class="filters" aria-label="Filtrer les conversations">
<label>Canal <select name="canal"><option value="">tous</option>${d.channels.map((c) => html`<option value="${c}"${selected(value('canal') === c)}>${channelName(c)}</option>`)}</select></label>
<label>État <select name="etat"><option value="">toutes</option><option value="a-relire"${selected(value('etat') === 'a-relire')}>à relire</option><option value="relues"${selected(value('etat') === 'relues')}>relues</option></select></label>
<label>Du <input name="du" type="date" value="${value('du')}"></label>
<label>au <input name="au" type="date" value="${value('au')}"></label>
<label>Intention <select name="intention"><option value="">toutes</option>${d.intents.ids.map((i) => html`<option value="${i}"${selected(value('intention') === i)}>${d.intents.name(i)}</option>`)}</select></label>
<label>Texte <input name="texte" value="${value('texte')}"></label>
<label><input type="checkbox" name="sans_reponse" value="1"${checked(value('sans_reponse') === '1')}> avec questions sans réponse</label>
<label><input type="checkbox" name="avis_negatif" value="1"${checked(value('avis_negatif') === '1')}> avec avis 👎</label>
<button type="submit">Filtrer</button> <a href="/admin">Tout afficher (sans filtre)</a></form>
<p><a href="/admin/export.csv${exportQuery ? `?${exportQuery}` : ''}">Exporter cette liste en CSV</a></p>
<div class="scroll"><table><caption>Conversations, la plus récente d'abord</caption><thead><tr><th scope="col">Début</th><th scope="col">Dernier message</th><th scope="col">Canal</th><th scope="col">Première question</th><th scope="col">Questions</th><th scope="col">Sans réponse</th><th scope="col">Avis 👎</th><th scope="col">État</th></tr></thead><tbody>${rows}</tbody></table></div>
<p>${t.conversations} conversation(s) · page ${d.page} / ${d.pages}${d.page > 1 ? html` · <a href="${link(d.page - 1)}">page précédente</a>` : ''}${d.page < d.pages ? html` · <a href="${link(d.page + 1)}">page suivante</a>` : ''}</p>`,
  };
}

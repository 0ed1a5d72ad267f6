import type { Correction } from '../../transcripts/store.ts';
import { csrfField, html, type Html } from '../html.ts';
import type { IntentNames } from '../labels.ts';
import type { FamilyFigures, RetrainingState } from '../retraining.ts';
import { when } from './format.ts';

export interface TrainingData {
  pending: Correction[];
  all: number;
  state: RetrainingState | undefined;
  intents: IntentNames;
  csrf: string;
  /** Just put in service (after « Mettre en service »). */
  done?: boolean;
}

const FAMILY_NAMES: Record<string, string> = {
  single: 'questions simples',
  'near-oos': 'proches du sujet, hors fiche',
  compound: 'deux questions en un message',
  followups: 'suites de conversation',
  yesno: 'oui / non',
};

function figures(before: FamilyFigures[], after: FamilyFigures[]): Html {
  const pct = (f: { right: number; turns: number }) => (f.turns ? `${((100 * f.right) / f.turns).toFixed(1)} %` : '—');
  const sum = (list: FamilyFigures[]) =>
    list.reduce((t, f) => ({ right: t.right + f.right, turns: t.turns + f.turns }), { right: 0, turns: 0 });
  const rows = before.map((b, i) => {
    const a = after[i] ?? b;
    return html`<tr><th scope="row">${FAMILY_NAMES[b.family] ?? b.family}</th><td class="num">${b.turns}</td><td class="num">${pct(b)} (${b.right})</td><td class="num">${pct(a)} (${a.right})</td></tr>`;
  });
  const [tb, ta] = [sum(before), sum(after)];
  return html`<div class="scroll"><table><caption>Réponses justes, modèle en service et nouveau modèle</caption><thead><tr><th scope="col">Famille de questions</th><th scope="col">Tours</th><th scope="col">En service</th><th scope="col">Nouveau</th></tr></thead>
<tbody>${rows}<tr><th scope="row">Toutes</th><td class="num">${tb.turns}</td><td class="num">${pct(tb)} (${tb.right})</td><td class="num">${pct(ta)} (${ta.right})</td></tr></tbody></table></div>`;
}

/**
 * Improving the answers: the sentences staff assigned and not yet learnt, « Réentraîner » (measure
 * the new model beside the one in service with `npm run eval`), then « Mettre en service ».
 */
export function trainingView(d: TrainingData): { title: string; body: Html; refresh: boolean } {
  const s = d.state;
  const list = d.pending.length
    ? html`<div class="scroll"><table><caption>Phrases attribuées, pas encore apprises (${d.pending.length})</caption><thead><tr><th scope="col">Phrase</th><th scope="col">Intention</th><th scope="col">Par</th></tr></thead>
<tbody>${d.pending.map((c) => html`<tr><td>${c.text}</td><td>${d.intents.name(c.intent)}</td><td>${c.by}, ${when(c.at)}</td></tr>`)}</tbody></table></div>`
    : html`<p>Aucune phrase attribuée depuis le dernier entraînement.</p>`;
  let action: Html;
  if (!s) action = html`<p>Le réentraînement n'est pas disponible sur ce serveur.</p>`;
  else if (s.phase === 'measuring')
    action = html`<p role="status">Mesure en cours (${s.sentences} phrase(s) nouvelles) : <code>npm run eval</code> interroge l'assistant entier, avant et après. Cette page se met à jour seule ; <a href="/admin/entrainement">actualiser</a>.</p>`;
  else if (s.phase === 'ready') {
    action = html`<h2>Résultats de la mesure</h2>${figures(s.figures.before, s.figures.after)}
<p>Jeu mesuré : ${s.figures.set}. « Nouveau » : entraîné avec les fichiers d'entraînement et ${s.sentences.length} phrase(s) attribuée(s).</p>
<form method="post" action="/admin/entrainement/confirmer">${csrfField(d.csrf)}<button type="submit">Mettre en service</button></form>`;
  } else {
    action = html`${s.phase === 'failed' ? html`<p class="error">La dernière mesure a échoué : ${s.message}</p>` : ''}
<form method="post" action="/admin/entrainement/mesurer">${csrfField(d.csrf)}<button type="submit"${d.pending.length === 0 ? html` disabled` : ''}>Réentraîner</button></form>
<p class="meta">Réentraîner mesure d'abord le nouveau modèle à côté de celui en service ; vous confirmez ensuite.</p>`;
  }
  return {
    title: 'Entraînement',
    refresh: s?.phase === 'measuring',
    body: html`<h1>Entraînement</h1>
<p>Les intentions attribuées dans « À relire » ou une conversation sont apprises par l'assistant en service après « Réentraîner » puis « Mettre en service », sans redémarrage.
Elles restent à relire dans git : <a href="/admin/entrainement/phrases.yaml">exporter les ${d.all} phrase(s) attribuée(s) en YAML</a> pour <code>intents/training/</code>.</p>
${d.done ? html`<p role="status" class="done">Nouveau modèle en service : l'assistant l'utilise dès maintenant.</p>` : ''}
${list}${action}`,
  };
}

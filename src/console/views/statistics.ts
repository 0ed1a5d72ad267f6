import { barChart, html, type Html } from '../html.ts';
import { channelName, type IntentNames } from '../labels.ts';
import type { Statistics } from '../statistics.ts';
import { day, percent } from './format.ts';

export interface StatisticsData {
  stats: Statistics;
  from: Date;
  to: Date;
  intents: IntentNames;
}

/**
 * Statistics of a chosen window, on one base — the learners' questions (not buttons, not answers to
 * the assistant's own questions, not « oui ») — so the outcomes add up to the number of questions.
 */
export function statisticsView(d: StatisticsData): { title: string; body: Html } {
  const s = d.stats;
  const row = (label: string, n: number) =>
    html`<tr><th scope="row">${label}</th><td class="num">${n}</td><td class="num">${percent(n, s.questions)}</td></tr>`;
  const preset = (days: number) => {
    const from = new Date(d.to.getTime() - (days - 1) * 86_400_000);
    return html`<a href="/admin/statistiques?du=${day(from)}&amp;au=${day(d.to)}">${days} derniers jours</a>`;
  };
  return {
    title: 'Statistiques',
    body: html`<h1>Statistiques du ${day(d.from)} au ${day(d.to)}</h1>
<form method="get" action="/admin/statistiques" class="filters" aria-label="Période">
<label>Du <input name="du" type="date" value="${day(d.from)}"></label> <label>au <input name="au" type="date" value="${day(d.to)}"></label>
<button type="submit">Afficher</button> · ${preset(7)} · ${preset(30)} · ${preset(90)}</form>
<div class="scroll"><table class="summary"><caption>Questions des apprenants : ${s.questions}</caption>
<thead><tr><th scope="col">Issue</th><th scope="col">Questions</th><th scope="col">Part</th></tr></thead><tbody>
${row('Répondues', s.answered)}${row('Clarification demandée', s.clarified)}${row('Non couvertes par la fiche', s.notCovered)}${row('Pas comprises', s.notUnderstood)}
${row('Avis 👎', s.feedbackDown)}</tbody></table></div>
<p>Sont comptés comme questions les messages que l'assistant a lus comme tels : ni les boutons, ni les réponses à ses propres questions (dates, notes, « oui »), ni les commandes.</p>
<p class="satisfaction">Avis des apprenants : 👍 ${s.feedbackUp} · 👎 ${s.feedbackDown} · satisfaction ${s.satisfaction === undefined ? '—' : `${Math.round(100 * s.satisfaction)} %`}</p>
<h2>Questions par jour</h2>${barChart(
      'Questions par jour',
      s.perDay.map((p) => ({ label: p.day.slice(5), value: p.questions, part: p.unanswered })),
      { valueLabel: 'Questions', partLabel: 'Sans réponse' },
    )}
<h2>Par canal</h2>
<div class="scroll"><table><caption>Questions par canal</caption><thead><tr><th scope="col">Canal</th><th scope="col">Questions</th><th scope="col">Répondues</th></tr></thead>
<tbody>${s.perChannel.map((c) => html`<tr><th scope="row">${channelName(c.channel)}</th><td class="num">${c.questions}</td><td class="num">${c.answered} (${percent(c.answered, c.questions)})</td></tr>`)}</tbody></table></div>
<h2>Réponses par intention</h2>${barChart(
      'Réponses par intention',
      s.perIntent.map((i) => ({ label: d.intents.name(i.intent), value: i.answered })),
      { horizontal: true, valueLabel: 'Réponses' },
    )}
<h2>Sujets les plus souvent sans réponse</h2>
${
  s.topUnanswered.length
    ? html`<div class="scroll"><table><caption>Questions sans réponse, semblables regroupées</caption><thead><tr><th scope="col">Exemple</th><th scope="col">Nombre</th></tr></thead>
<tbody>${s.topUnanswered.map((t) => html`<tr><td>${t.example}</td><td class="num">${t.count}</td></tr>`)}</tbody></table></div>`
    : html`<p>Aucune question sans réponse sur la période.</p>`
}`,
  };
}

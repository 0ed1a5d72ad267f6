import type restify from 'restify';
import { clientAddress } from '../guards/client-address.ts';
import { HttpInputError, readBody } from '../http-input.ts';
import type { Logger } from '../logger.ts';
import { toTranscriptFile, writeCsv } from '../transcripts/export.ts';
import type { ConversationFilter, TranscriptStore } from '../transcripts/store.ts';
import { stringify } from 'yaml';
import { groupBySimilarity } from './grouping.ts';
import { barChart, CONSOLE_CSP, CONSOLE_CSS, escapeHtml, field, layout, srOnly } from './html.ts';
import { Sessions, SignInThrottle, type Session } from './sessions.ts';
import type { StaffAccounts } from './staff-accounts.ts';

export interface ConsoleOptions {
  store: TranscriptStore;
  accounts: StaffAccounts;
  logger: Logger;
  /** Intents a question can be assigned to (intents/catalog.yaml), and words ignored when grouping. */
  intents: string[];
  stopwords: ReadonlySet<string>;
  sessions?: Sessions;
  throttle?: SignInThrottle;
  /** Believe X-Forwarded-For (TRUST_PROXY): only behind a reverse proxy that sets it. */
  trustProxy?: boolean;
}

const COOKIE = 'staff_session';
const PAGE_SIZE = 50;

/** The conversations filter from the list's query string (also used by the CSV export). */
function filterFrom(q: URLSearchParams): ConversationFilter {
  const day = (v: string | null, end = false) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T${end ? '23:59:59' : '00:00:00'}`) : undefined);
  const from = day(q.get('du'));
  const to = day(q.get('au'), true);
  return {
    ...(q.get('canal') ? { channel: q.get('canal')! } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(q.get('sans_reponse') === '1' ? { unansweredOnly: true } : {}),
    ...(q.get('avis_negatif') === '1' ? { negativeFeedbackOnly: true } : {}),
    ...(q.get('intention') ? { intent: q.get('intention')! } : {}),
    ...(q.get('texte') ? { text: q.get('texte')!.slice(0, 100) } : {}),
  };
}

/** Answers below this confidence count as unanswered too. */
const LOW_CONFIDENCE = 0.5;

function cookie(req: restify.Request, name: string): string | undefined {
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

function secure(req: restify.Request): boolean {
  return (req.header('x-forwarded-proto') ?? '').split(',')[0]?.trim() === 'https' || (req.socket as { encrypted?: boolean }).encrypted === true;
}

function send(res: restify.Response, status: number, html: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': CONSOLE_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(html);
}

async function form(req: restify.Request): Promise<URLSearchParams> {
  const type = req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) throw new HttpInputError(415, 'expected a form');
  return new URLSearchParams(await readBody(req, 16 * 1024));
}

/**
 * The staff console (/admin): sign-in required, closed until a staff account exists, session cookie
 * HttpOnly + SameSite=Strict (+ Secure behind HTTPS), CSRF token on every form, CSP on every page,
 * every learner text escaped.
 */
export function registerConsoleRoutes(server: restify.Server, o: ConsoleOptions): void {
  const sessions = o.sessions ?? new Sessions();
  const throttle = o.throttle ?? new SignInThrottle();

  const closed = (res: restify.Response) =>
    send(res, 503, layout('Console fermée', "<h1>Console fermée</h1><p>La console est fermée : aucun compte n'existe. Créez-en un sur le serveur avec <code>npm run staff -- add &lt;identifiant&gt;</code>.</p>"));

  /** The signed-in session, or a redirect to the sign-in page (401 for non-page requests). */
  const signedIn = (req: restify.Request, res: restify.Response): Session | null => {
    if (o.accounts.count() === 0) {
      closed(res);
      return null;
    }
    const session = sessions.get(cookie(req, COOKIE));
    if (session) return session;
    if ((req.header('accept') ?? '').includes('text/html')) send(res, 302, '', { location: '/admin/login' });
    else {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Cookie realm="console"' });
      res.end(JSON.stringify({ error: 'sign-in required' }));
    }
    return null;
  };

  /**
   * A staff form: signed in, parsed, its CSRF token checked — in one place for every POST — then
   * `act` runs and redirects (303) to the page it returns.
   */
  const staffForm = (act: (f: URLSearchParams, session: Session, req: restify.Request, res: restify.Response) => string | null) =>
    async (req: restify.Request, res: restify.Response) => {
      const session = signedIn(req, res);
      if (!session) return;
      try {
        const f = await form(req);
        if (f.get('csrf') !== session.csrf) return send(res, 403, layout('Refusé', '<h1>Refusé</h1><p>Jeton de formulaire invalide.</p>', session));
        const location = act(f, session, req, res);
        if (location) send(res, 303, '', { location });
      } catch (err) {
        send(res, err instanceof HttpInputError ? err.status : 400, layout('Refusé', '<h1>Refusé</h1><p>Requête invalide.</p>', session));
      }
    };

  server.get('/admin/console.css', async (_req: restify.Request, res: restify.Response) => {
    res.writeHead(200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' });
    res.end(CONSOLE_CSS);
  });

  /**
   * The sign-in page; after a failed attempt the same page, titled and headed as such, with the
   * error tied to the fields it concerns and the identifier kept (RGAA 11.10, 11.11).
   */
  const signInPage = (failed?: { login: string }) => layout(failed ? 'Échec de la connexion' : 'Connexion', `<h1>Connexion</h1>
${failed ? '<p class="error" id="erreur-connexion"><strong>La connexion a échoué :</strong> identifiant ou mot de passe incorrect.</p>' : ''}
<p>Les champs marqués <span class="required">(obligatoire)</span> doivent être remplis.</p>
<form method="post" action="/admin/login">
${field({ label: 'Identifiant', name: 'login', autocomplete: 'username', required: true, ...(failed ? { value: failed.login, errorId: 'erreur-connexion' } : {}) })}
${field({ label: 'Mot de passe', name: 'password', type: 'password', autocomplete: 'current-password', required: true, ...(failed ? { errorId: 'erreur-connexion' } : {}) })}
<p><button type="submit">Se connecter</button></p></form>`, undefined, '/admin/login');

  server.get('/admin/login', async (_req: restify.Request, res: restify.Response) => {
    if (o.accounts.count() === 0) return closed(res);
    send(res, 200, signInPage());
  });

  server.post('/admin/login', async (req: restify.Request, res: restify.Response) => {
    if (o.accounts.count() === 0) return closed(res);
    try {
      const f = await form(req);
      const login = (f.get('login') ?? '').trim().toLowerCase();
      const loginKey = `login:${login}`;
      const keys = [loginKey, `ip:${clientAddress(req, o.trustProxy ?? false)}`];
      const { wait, at } = throttle.reserve(keys);
      if (wait > 0) return send(res, 429, layout('Trop de tentatives', `<h1>Trop de tentatives</h1><p>Trop de tentatives. Réessayez dans ${Math.ceil(wait / 60)} minute(s).</p>`), { 'retry-after': String(wait) });
      if (!(await o.accounts.verify(login, f.get('password') ?? ''))) {
        o.logger.warn({ login: login.slice(0, 40) }, 'console sign-in failed');
        return send(res, 401, signInPage({ login: login.slice(0, 200) }));
      }
      throttle.succeed(keys, at, loginKey);
      const session = sessions.create(login);
      const flags = `HttpOnly; SameSite=Strict; Path=/admin; Max-Age=${8 * 3600}${secure(req) ? '; Secure' : ''}`;
      send(res, 303, '', { location: '/admin', 'set-cookie': `${COOKIE}=${session.id}; ${flags}` });
    } catch (err) {
      send(res, err instanceof HttpInputError ? err.status : 400, layout('Connexion refusée', '<h1>Connexion</h1><p class="error">Requête invalide.</p><p><a href="/admin/login">Revenir à la page de connexion</a></p>'));
    }
  });

  server.post('/admin/logout', staffForm((_f, session, _req, res) => {
    sessions.destroy(session.id);
    send(res, 303, '', { location: '/admin/login', 'set-cookie': `${COOKIE}=; HttpOnly; SameSite=Strict; Path=/admin; Max-Age=0` });
    return null;
  }));

  server.get('/admin', async (req: restify.Request, res: restify.Response) => {
    const session = signedIn(req, res);
    if (!session) return;
    const q = new URL(req.url ?? '/admin', 'http://x').searchParams;
    // Bounded: a page far past the end shows the last one (SQLite cannot take an offset beyond 2^63).
    const asked = Math.max(1, Math.min(1_000_000, Number.parseInt(q.get('page') ?? '1', 10) || 1));
    const filter = filterFrom(q);
    const total = o.store.countConversations(filter);
    const page = Math.min(asked, Math.max(1, Math.ceil(total / PAGE_SIZE)));
    const rows = o.store.conversations({ ...filter, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
    // Each link says where it goes, not only « ouvrir » sixteen times (2.4.4): the row's number, date
    // and channel complete it for screen readers; the visible word starts the name (2.5.3).
    const table = rows.map((c, i) => {
      const at = c.lastAt.toISOString().slice(0, 16).replace('T', ' ');
      return `<tr><td>${escapeHtml(at)}</td><td>${escapeHtml(c.channelId)}</td><td>${c.turns}</td><td>${c.unanswered}</td><td>${c.negativeFeedback}</td>
<td><a href="/admin/conversations/${encodeURIComponent(c.conversationId)}">ouvrir${srOnly(` la conversation ${(page - 1) * PAGE_SIZE + i + 1} (${c.channelId}, ${at})`)}</a></td></tr>`;
    }).join('');
    const value = (k: string) => escapeHtml(q.get(k) ?? '');
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const link = (p: number) => { const n = new URLSearchParams(q); n.set('page', String(p)); return `/admin?${escapeHtml(n.toString())}`; };
    const intentOptions = ['', ...o.intents].map((i) => `<option value="${escapeHtml(i)}"${q.get('intention') === i ? ' selected' : ''}>${escapeHtml(i || 'toutes')}</option>`).join('');
    send(res, 200, layout('Conversations', `<h1>Conversations</h1>
<p><a href="/admin/export.csv?${escapeHtml(new URLSearchParams([...q].filter(([k]) => k !== 'page')).toString())}">Exporter cette liste en CSV</a></p>
<form method="get" action="/admin" aria-label="Filtrer les conversations">
<label>Canal <input name="canal" value="${value('canal')}" size="9"></label>
<label>Du <input name="du" type="date" value="${value('du')}"></label>
<label>au <input name="au" type="date" value="${value('au')}"></label>
<label>Intention <select name="intention">${intentOptions}</select></label>
<label>Texte <input name="texte" value="${value('texte')}"></label>
<label><input type="checkbox" name="sans_reponse" value="1"${q.get('sans_reponse') === '1' ? ' checked' : ''}> avec questions sans réponse</label>
<label><input type="checkbox" name="avis_negatif" value="1"${q.get('avis_negatif') === '1' ? ' checked' : ''}> avec avis 👎</label>
<button type="submit">Filtrer</button> <a href="/admin">Tout afficher (sans filtre)</a></form>
<div class="scroll"><table><caption>Conversations, la plus récente d'abord</caption><thead><tr><th scope="col">Dernier message</th><th scope="col">Canal</th><th scope="col">Questions</th><th scope="col">Sans réponse</th><th scope="col">Avis 👎</th><th scope="col">Conversation</th></tr></thead><tbody>${table}</tbody></table></div>
<p>${total} conversation(s) · page ${page} / ${pages}${page > 1 ? ` · <a href="${link(page - 1)}">page précédente</a>` : ''}${page < pages ? ` · <a href="${link(page + 1)}">page suivante</a>` : ''}</p>`, session, '/admin'));
  });

  server.get('/admin/statistiques', async (req: restify.Request, res: restify.Response) => {
    const session = signedIn(req, res);
    if (!session) return;
    const stats = o.store.statistics(new Date(Date.now() - 30 * 86_400_000));
    const rate = stats.answered + stats.unanswered > 0 ? Math.round((100 * stats.unanswered) / (stats.answered + stats.unanswered)) : 0;
    send(res, 200, layout('Statistiques', `<h1>Statistiques (30 derniers jours)</h1>
<p>Réponses données : ${stats.answered} · sans réponse (repli ou « Vouliez-vous dire ») : ${stats.unanswered} · taux sans réponse : ${rate} %</p>
<p>Avis des apprenants : 👍 ${stats.feedbackUp} · 👎 ${stats.feedbackDown}</p>
<h2>Questions par jour</h2>${barChart('Questions par jour', stats.questionsPerDay.map((d) => ({ label: d.day.slice(5), value: d.questions, part: d.fallbacks })), { valueLabel: 'Questions', partLabel: 'Sans réponse' })}
<h2>Réponses par intention</h2>${barChart('Réponses par intention', stats.perIntent.map((i) => ({ label: i.intent, value: i.answers })), { horizontal: true, valueLabel: 'Réponses' })}`, session, '/admin/statistiques'));
  });

  server.get('/admin/conversations/:id', async (req: restify.Request, res: restify.Response) => {
    const session = signedIn(req, res);
    if (!session) return;
    const id = String(req.params.id);
    const entries = o.store.activities(id);
    if (entries.length === 0) return send(res, 404, layout('Introuvable', '<h1>Conversation introuvable</h1><p><a href="/admin">Revenir à la liste des conversations</a></p>', session));
    const bubbles = entries
      .filter((e) => e.type === 'message' || e.type === 'error')
      .map((e) => {
        const meta = e.direction === 'out' && e.intent ? `<div class="meta">intention ${escapeHtml(e.intent)} · confiance ${escapeHtml(e.confidence?.toFixed(2))} · ${escapeHtml(e.status)}${e.entryId ? ` · source ${escapeHtml(e.entryId)}` : ''}</div>`
          : e.dialog ? `<div class="meta">dialogue ${escapeHtml(e.dialog)}</div>`
          : e.feedback ? `<div class="meta">avis ${e.feedback === 'up' ? '👍' : '👎'} sur la réponse précédente</div>` : '';
        const text = e.error ? `<span class="error">Erreur : ${escapeHtml(e.error)}</span>` : escapeHtml(e.text);
        // Who speaks is written, not only shown by the bubble's side and colour (1.3.1, 1.4.1).
        return `<li class="bubble ${e.direction}"><p class="speaker">${e.direction === 'in' ? 'Apprenant' : 'Assistant'}</p><div class="text">${text}</div>${meta}</li>`;
      }).join('');
    const review = o.store.reviewOf(id);
    const reviewForm = `<form method="post" action="/admin/conversations/${encodeURIComponent(id)}/revue">
<input type="hidden" name="csrf" value="${escapeHtml(session.csrf)}">
<p><label><input type="checkbox" name="revue" value="1"${review?.reviewed ? ' checked' : ''}> Conversation relue</label></p>
<p><label for="note">Note</label> <input id="note" name="note" size="60" maxlength="2000" value="${escapeHtml(review?.note ?? '')}"></p>
<p><button type="submit">Enregistrer la relecture</button>${review ? ` <span class="meta">par ${escapeHtml(review.by)}, ${escapeHtml(review.at.toISOString().slice(0, 16).replace('T', ' '))}</span>` : ''}</p></form>`;
    const messages = entries.filter((e) => e.type === 'message' || e.type === 'error').length;
    send(res, 200, layout(`Conversation ${id}`, `<h1>Conversation</h1><p class="meta">${escapeHtml(entries[0]!.channelId)} · ${escapeHtml(entries[0]!.userId)} ·
<a href="/admin/conversations/${encodeURIComponent(id)}/transcript">Exporter cette conversation (.transcript)</a></p>
<h2>Relecture</h2>${reviewForm}
<h2>Messages (${messages})</h2><ol class="messages">${bubbles}</ol>`, session));
  });

  server.get('/admin/sans-reponse', async (req: restify.Request, res: restify.Response) => {
    const session = signedIn(req, res);
    if (!session) return;
    const assigned = new Map(o.store.assignments().map((a) => [a.text, a.intent]));
    const groups = groupBySimilarity(o.store.unanswered(LOW_CONFIDENCE), (q) => q.text, o.stopwords);
    const options = (selected?: string) => o.intents.map((i) => `<option value="${escapeHtml(i)}"${i === selected ? ' selected' : ''}>${escapeHtml(i)}</option>`).join('');
    // Each row's dropdown is labelled and each « Attribuer » button named after its question (4.1.2,
    // 2.4.6): a screen reader user hears which question they assign, not the same words twenty times.
    const rows = groups.map((g, i) => {
      const r = g.representative;
      const current = g.members.map((m) => assigned.get(m.text)).find(Boolean);
      const hidden = [...new Set(g.members.map((m) => m.text))].map((t) => `<input type="hidden" name="text" value="${escapeHtml(t)}">`).join('');
      const examples = g.members.slice(1, 4).map((m) => `<div class="meta">${escapeHtml(m.text)}</div>`).join('');
      return `<tr><td>${escapeHtml(r.text)}${examples}</td><td>${g.members.length}</td><td>${escapeHtml(r.status)}${r.intent ? ` (${escapeHtml(r.intent)})` : ''}</td>
<td><form method="post" action="/admin/sans-reponse/assigner"><input type="hidden" name="csrf" value="${escapeHtml(session.csrf)}">${hidden}
<label class="sr-only" for="intention-${i}">Intention attendue pour « ${escapeHtml(r.text)} » (obligatoire)</label><select id="intention-${i}" name="intent" required><option value="">—</option>${options(current ?? r.intent)}</select>
<button type="submit">Attribuer${srOnly(` l'intention à « ${r.text} »`)}</button></form>${current ? `<div class="meta">attribuée : ${escapeHtml(current)}</div>` : ''}</td></tr>`;
    }).join('');
    send(res, 200, layout('Questions sans réponse', `<h1>Questions sans réponse</h1>
<p>Questions auxquelles l'assistant n'a pas répondu (repli, « Vouliez-vous dire », confiance &lt; ${LOW_CONFIDENCE}), regroupées par ressemblance.
Attribuez l'intention qu'elles auraient dû avoir, puis <a href="/admin/sans-reponse/phrases.yaml">exportez-les comme phrases d'entraînement</a> pour <code>intents/training/</code>.</p>
<div class="scroll"><table><caption>Questions sans réponse, regroupées</caption><thead><tr><th scope="col">Question (et semblables)</th><th scope="col">Nombre</th><th scope="col">Compris comme</th><th scope="col">Intention attendue <span class="required">(obligatoire pour attribuer)</span></th></tr></thead><tbody>${rows}</tbody></table></div>`, session, '/admin/sans-reponse'));
  });

  server.post('/admin/sans-reponse/assigner', staffForm((f, session, _req, res) => {
    const intent = f.get('intent') ?? '';
    if (!o.intents.includes(intent)) {
      send(res, 400, layout('Refusé', '<h1>Refusé</h1><p>Intention inconnue. <a href="/admin/sans-reponse">Revenir aux questions sans réponse</a></p>', session));
      return null;
    }
    for (const text of f.getAll('text').slice(0, 500)) o.store.assign(text, intent, session.login);
    return '/admin/sans-reponse';
  }));

  server.get('/admin/sans-reponse/phrases.yaml', async (req: restify.Request, res: restify.Response) => {
    const session = signedIn(req, res);
    if (!session) return;
    const byIntent = new Map<string, string[]>();
    for (const a of o.store.assignments()) byIntent.set(a.intent, [...(byIntent.get(a.intent) ?? []), a.text]);
    const yaml = [...byIntent].map(([intent, texts]) => stringify({ intent, utterances: texts })).join('---\n');
    res.writeHead(200, { 'content-type': 'text/yaml; charset=utf-8', 'content-disposition': 'attachment; filename="phrases-a-ajouter.yaml"', 'cache-control': 'no-store' });
    res.end(`# Questions réelles des apprenants (déjà anonymisées), à relire puis ajouter aux fichiers intents/training/<intention>.yaml.\n${yaml}`);
  });

  server.post('/admin/conversations/:id/revue', staffForm((f, session, req) => {
    const id = String(req.params.id);
    o.store.review(id, f.get('revue') === '1', (f.get('note') ?? '').slice(0, 2000), session.login);
    return `/admin/conversations/${encodeURIComponent(id)}`;
  }));

  server.get('/admin/conversations/:id/transcript', async (req: restify.Request, res: restify.Response) => {
    const session = signedIn(req, res);
    if (!session) return;
    const id = String(req.params.id);
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="${id.replace(/[^A-Za-z0-9_-]+/g, '_')}.transcript"`,
      'cache-control': 'no-store',
    });
    res.end(toTranscriptFile(o.store.activities(id)));
  });

  server.get('/admin/export.csv', async (req: restify.Request, res: restify.Response) => {
    const session = signedIn(req, res);
    if (!session) return;
    const filter = filterFrom(new URL(req.url ?? '/admin/export.csv', 'http://x').searchParams);
    const ids = o.store.conversations(filter).map((c) => c.conversationId);
    res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="transcripts.csv"', 'cache-control': 'no-store' });
    await writeCsv(res, ids, (id) => o.store.activities(id));
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, sessionCookie, signIn, startConsoleApp, type ConsoleApp } from './console-app.ts';
import { StandInConnector } from './server-process.ts';
import { evalInChildProcess } from '../src/console/retraining.ts';
import { postgresForThisFile, postgresMissing } from './postgres-server.ts';

const XSS = '<img src=x onerror=alert(1)> quelle heure est-il a Tokyo ?';

describe('staff console, closed until an account exists', () => {
  let app: ConsoleApp;
  beforeAll(async () => {
    app = await startConsoleApp();
  });
  afterAll(async () => {
    await app?.stop();
  });
  it('answers 503 with how to create an account', async () => {
    const r = await fetch(`${app.url}/admin`, { headers: { accept: 'text/html' } });
    expect(r.status).toBe(503);
    expect(await r.text()).toContain('npm run staff -- add');
  });
});

const postgres = postgresForThisFile();

// The console over each transcript back-end: SQLite (TRANSCRIPTS_FILE) and PostgreSQL (DATABASE_URL).
describe.each(postgresMissing ? ['SQLite'] : ['SQLite', 'PostgreSQL'])(
  'staff console, transcripts in %s',
  (backend) => {
    let app: ConsoleApp;
    let cookie: string;
    const connector = new StandInConnector();
    let n = 0;
    const say = async (conversation: string, text: string, channelId = 'emulator', learner = 'learner-7') => {
      const r = await fetch(`${app.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          channelId,
          serviceUrl: connector.url,
          id: `m${++n}`,
          from: { id: learner },
          recipient: { id: 'bot' },
          conversation: { id: conversation },
          text,
        }),
      });
      // The recorder writes after the reply (never holding the turn): read once it has.
      await app.recorder.idle();
      return r;
    };
    const get = async (path: string) => (await fetch(`${app.url}${path}`, { headers: { cookie } })).text();
    const post = (path: string, body: Record<string, string>, as = cookie) =>
      fetch(`${app.url}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: as, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body).toString(),
      });
    const csrfOf = (page: string) => page.match(/name="csrf" value="([^"]+)"/)![1]!;
    /** The row number of a learner message in a conversation page (its anchor). */
    const seqOf = (page: string, text: string) => {
      const i = page.indexOf(text);
      const anchors = [...page.slice(0, i).matchAll(/id="m-(\d+)"/g)];
      return anchors[anchors.length - 1]![1]!;
    };

    beforeAll(async () => {
      await connector.start();
      // « Réentraîner » measures with the real `npm run eval`, on one small development family.
      app = await startConsoleApp({
        staff: { claire: PASSWORD, paul: `${PASSWORD}-bis` },
        evaluate: evalInChildProcess(['--set', 'dev', '--family', 'yesno']),
        ...(backend === 'PostgreSQL' ? { transcriptsPool: await postgres.pool() } : {}),
      });
      // An answered question, then a question with script injection the assistant does not understand.
      await say('console-conv', "combien dure l'épreuve ?");
      await say('console-conv', XSS);
      // A guided dialog started, answered with a grade (not a question), then left with « annuler ».
      await say('dialog-conv', "j'ai eu 12/20 en juin 2026, c'est valable jusqu'à quand ?");
      await say('dialog-conv', 'je veux m inscrire');
      await say('dialog-conv', 'annuler');
      // A confident wrong answer the learner gives a 👎, with a comment.
      await say('feedback-conv', 'la douloureuse pour le passage du bloc elle monte à combien', 'webchat', 'learner-8');
      await say('feedback-conv', '👎 Non', 'webchat', 'learner-8');
      await say('feedback-conv', 'ce n est pas ce que je voulais savoir', 'webchat', 'learner-8');
      cookie = await sessionCookie(app.url);
    }, 60_000);
    afterAll(async () => {
      await app?.stop();
      await connector.stop();
    });

    it('refuses anyone not signed in: redirect for pages, 401 otherwise', async () => {
      const page = await fetch(`${app.url}/admin`, { headers: { accept: 'text/html' }, redirect: 'manual' });
      expect(page.status).toBe(302);
      expect(page.headers.get('location')).toBe('/admin/login');
      for (const path of [
        '/admin',
        '/admin/a-relire',
        '/admin/statistiques',
        '/admin/entrainement',
        '/admin/conversations/console-conv',
        '/admin/conversations/console-conv/transcript',
        '/admin/export.csv',
      ]) {
        expect((await fetch(`${app.url}${path}`)).status, path).toBe(401);
      }
      expect((await fetch(`${app.url}/admin`, { headers: { cookie: 'staff_session=forged' } })).status).toBe(401);
    });

    it('signs in with a form token, an HttpOnly SameSite cookie (Secure behind HTTPS); CSP on pages', async () => {
      const form = await fetch(`${app.url}/admin/login`);
      const formCookie = form.headers.get('set-cookie');
      expect(formCookie).toMatch(/^staff_signin=[\w-]+;/);
      for (const attribute of ['HttpOnly', 'SameSite=Strict', 'Path=/admin', 'Max-Age=3600'])
        expect(formCookie?.split('; ')).toContain(attribute);
      expect(await form.text()).toMatch(
        /<form method="post" action="\/admin\/login"><input type="hidden" name="csrf" value="[\w-]{20,}">/,
      );
      // Posted without the form's token (another site's form): refused, the form shown again.
      const forged = await fetch(`${app.url}/admin/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `login=claire&password=${PASSWORD}&csrf=x`,
      });
      expect(forged.status).toBe(403);
      expect(await forged.text()).toContain('le formulaire a expiré');
      const r = await signIn(app.url);
      expect(r.status).toBe(303);
      const setCookie = r.headers.get('set-cookie')!;
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Strict/);
      expect(setCookie).not.toMatch(/Secure/);
      expect(
        (await signIn(app.url, 'claire', PASSWORD, { 'x-forwarded-proto': 'https' })).headers.get('set-cookie'),
      ).toMatch(/; Secure/);
      const list = await fetch(`${app.url}/admin`, { headers: { cookie: setCookie.split(';')[0]! } });
      expect(list.status).toBe(200);
      expect(list.headers.get('content-security-policy')).toContain("default-src 'none'");
    });

    it('a wrong password shows the sign-in form again with the message and the login kept', async () => {
      const r = await signIn(app.url, 'paul', 'pas-le-bon-mot-de-passe');
      expect(r.status).toBe(401);
      const page = await r.text();
      expect(page).toContain('<title>Échec de la connexion');
      expect(page).toContain('identifiant ou mot de passe incorrect');
      expect(page).toMatch(/name="login" value="paul"/);
      expect(page).toMatch(/name="csrf" value="[\w-]{20,}"/);
      expect(r.headers.get('set-cookie')).toMatch(/^staff_signin=/);
    });

    it('lists conversations newest first: first question, channel by name, times, counts, 👎 as a number, review state, totals', async () => {
      const page = await get('/admin');
      const rows = page.split('<tbody>')[1]!.split('</tbody>')[0]!.split('<tr>').slice(1);
      expect(rows).toHaveLength(3);
      // Newest first: the feedback conversation was the last one.
      expect(rows[0]).toContain('la douloureuse pour le passage du bloc');
      expect(rows[0]).toContain('<td>Site web</td>');
      expect(rows[2]).toContain('combien dure l&#39;épreuve ?');
      expect(rows[2]).toContain('<td>Bot Framework Emulator</td>');
      expect(rows[2]).toMatch(
        /<td class="num">2<\/td><td class="num">1<\/td><td class="num">0<\/td><td><span class="tag open">à relire<\/span>/,
      );
      // The dialog conversation: one question (the grade message); « je veux m'inscrire » starts a dialog, « annuler » is a command.
      expect(rows[1]).toMatch(/<td class="num">2<\/td><td class="num">0<\/td><td class="num">0<\/td>/);
      expect(rows[0]).toMatch(/<td class="num">1<\/td><td class="num">0<\/td><td class="num">1<\/td>/);
      expect(page).not.toContain('null');
      expect(page).toContain('3 conversation(s) · 5 question(s) · 1 sans réponse · 1 avis 👎 · 0 relue(s), 3 à relire');
      // The channel is chosen among the channels seen, by name.
      expect(page).toContain('<option value="webchat">Site web</option>');
      expect(page).toContain('<option value="emulator">Bot Framework Emulator</option>');
      // Every page has the same header navigation.
      for (const path of [
        '/admin',
        '/admin/a-relire',
        '/admin/statistiques',
        '/admin/entrainement',
        '/admin/conversations/console-conv',
      ]) {
        const html = await get(path);
        for (const link of [
          'Conversations</a>',
          'href="/admin"',
          'href="/admin/a-relire"',
          'href="/admin/statistiques"',
          'Se déconnecter',
        ])
          expect(html, `${path} ${link}`).toContain(link);
      }
    });

    it('filters conversations (channel, state, intent, text, unanswered, dates), pages', async () => {
      const count = async (query: string) => (await get(`/admin?${query}`)).match(/(\d+) conversation\(s\) ·/)![1];
      expect(await count('canal=emulator')).toBe('2');
      expect(await count('canal=msteams')).toBe('0');
      expect(await count('intention=duree_epreuve')).toBe('1');
      expect(await count('texte=Tokyo')).toBe('1');
      expect(await count('texte=100%25')).toBe('0');
      expect(await count('sans_reponse=1')).toBe('1');
      expect(await count('du=2000-01-01&au=2000-12-31')).toBe('0');
      expect(await count('etat=relues')).toBe('0');
      expect(await count('etat=a-relire')).toBe('3');
      // A page past the end shows the last one; an absurd number is no 500.
      expect(await get('/admin?page=2')).toContain('page 1 / 1');
      const far = await fetch(`${app.url}/admin?page=99999999999999999999`, { headers: { cookie } });
      expect(far.status).toBe(200);
      expect(await far.text()).toContain('page 1 / 1');
      const csv = async (query: string) => (await get(`/admin/export.csv?${query}`)).trim().split('\n').length - 1;
      expect(await csv('texte=Tokyo')).toBeGreaterThan(0);
      expect(await csv('canal=msteams')).toBe(0);
      expect(await get('/admin?texte=Tokyo')).toContain('/admin/export.csv?texte=Tokyo');
    });

    it('shows each learner message with how it was read and the entry that answered; learner text escaped; exports it', async () => {
      const html = await get('/admin/conversations/console-conv');
      expect(html).toMatch(
        /Lu comme : question · intention <strong>Durée de l&#39;épreuve<\/strong> <span class="id">\(duree_epreuve\)<\/span> · confiance 0\.\d\d · répondu/,
      );
      expect(html).toContain("réponse tirée de l'entrée <strong>exam-duration</strong>");
      expect(html).toMatch(/<time datetime="[\d-]+T[\d:.]+Z">\d{4}-\d\d-\d\d \d\d:\d\d<\/time>/);
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(html).not.toContain('<img src=x');
      expect(html).toContain('← Liste des conversations');
      // The other conversations with something to review, around this one.
      expect(html).toMatch(
        /<a href="\/admin\/conversations\/(dialog|feedback)-conv" rel="(prev|next)">Conversation à relire (précédente|suivante)<\/a>/,
      );
      const dialog = await get('/admin/conversations/dialog-conv');
      expect(dialog).toMatch(/note : 12\/20 · date : 2026-06/);
      expect(dialog).toContain('dialogue démarré : registration');
      expect(dialog).toContain('Lu comme : commande · annuler');
      const feedback = await get('/admin/conversations/feedback-conv');
      expect(feedback).toContain('Avis 👎 sur la réponse précédente');
      expect(feedback).toContain('Commentaire après un avis 👎');
      const transcript = (await (
        await fetch(`${app.url}/admin/conversations/console-conv/transcript`, { headers: { cookie } })
      ).json()) as unknown[];
      expect(transcript.length).toBeGreaterThanOrEqual(4);
      const csv = await get('/admin/export.csv');
      expect(csv.split('\n')[0]).toContain('conversation,channel,user');
      expect(csv).not.toContain('learner-7');
      expect((await fetch(`${app.url}/admin/conversations/inconnue`, { headers: { cookie } })).status).toBe(404);
    });

    it('« À relire »: fallbacks, 👎 and abandoned dialogs, linked to their message; the guess shown, nothing pre-selected', async () => {
      const page = await get('/admin/a-relire');
      expect(page).toContain('&lt;img src=x onerror=alert(1)&gt; quelle heure est-il a Tokyo ?');
      expect(page).not.toContain('combien dure l&#39;épreuve'); // answered with confidence: not in the queue
      const conv = await get('/admin/conversations/feedback-conv');
      const seq = seqOf(conv, 'la douloureuse pour le passage');
      expect(page).toContain(`href="/admin/conversations/feedback-conv#m-${seq}"`);
      const row = page.split('<tr>').find((r) => r.includes('la douloureuse'))!;
      expect(row).toContain('avis 👎');
      expect(row).toContain('supposition : Note requise');
      expect(row).not.toMatch(/ selected/);
      expect(row).toContain('<option value="">— choisir —</option>');
      expect(page.split('<tr>').find((r) => r.includes('je veux m inscrire'))).toContain('dialogue abandonné');
      expect(page).toMatch(/À relire \(3\)/);
      // The former inbox's address leads here.
      const old = await fetch(`${app.url}/admin/sans-reponse`, { headers: { cookie }, redirect: 'manual' });
      expect(old.headers.get('location')).toBe('/admin/a-relire');
    });

    it('« Mauvaise réponse »: the right intent goes to the training queue, the message leaves « À relire »', async () => {
      const conv = await get('/admin/conversations/console-conv');
      const seq = seqOf(conv, 'quelle heure est-il a Tokyo');
      const csrf = csrfOf(conv);
      const path = `/admin/messages/${seq}/correction`;
      const back = `/admin/conversations/console-conv#m-${seq}`;
      expect((await post(path, { csrf: 'forged', intent: 'hors_sujet', retour: back })).status).toBe(403);
      expect((await post(path, { csrf, intent: 'not_an_intent', retour: back })).status).toBe(400);
      expect((await post('/admin/messages/999999/correction', { csrf, intent: 'hors_sujet' })).status).toBe(404);
      const ok = await post(path, { csrf, intent: 'hors_sujet', retour: back });
      expect(ok.status).toBe(303);
      expect(ok.headers.get('location')).toBe(back);
      // No open redirect through « retour ».
      expect(
        (await post(path, { csrf, intent: 'hors_sujet', retour: 'https://evil.example/' })).headers.get('location'),
      ).toBe('/admin/a-relire');
      const queue = await get('/admin/a-relire');
      expect(queue).not.toContain('quelle heure est-il a Tokyo');
      expect(queue).toMatch(/À relire \(2\)/);
      const corrected = await get('/admin/a-relire?etat=corrigees');
      expect(corrected).toContain('quelle heure est-il a Tokyo');
      expect(corrected).toContain('<strong>Hors sujet</strong>');
      expect(await get(`/admin/conversations/console-conv`)).toContain(
        'intention attendue : <strong>Hors sujet</strong> (par claire',
      );
      const training = await get('/admin/entrainement');
      expect(training).toContain('Phrases attribuées, pas encore apprises (1)');
      const yaml = await get('/admin/entrainement/phrases.yaml');
      expect(yaml).toContain('intent: hors_sujet');
      expect(yaml).toContain('quelle heure est-il a Tokyo');
    });

    it('statistics count learner questions only, on one base, over the chosen window', async () => {
      const stats = await get('/admin/statistiques');
      // 5 questions: the button-free messages read as questions (not « annuler », not 👎, not the comment).
      expect(stats).toContain('Questions des apprenants : 5');
      const figure = (label: string) =>
        stats.match(new RegExp(`<th scope="row">${label}</th><td class="num">(\\d+)</td>`))?.[1];
      const outcomes = ['Répondues', 'Clarification demandée', 'Non couvertes par la fiche', 'Pas comprises'].map((l) =>
        Number(figure(l)),
      );
      expect(outcomes.reduce((a, b) => a + b, 0)).toBe(5);
      expect(figure('Avis 👎')).toBe('1');
      expect(stats).toContain('Avis des apprenants : 👍 0 · 👎 1 · satisfaction 0 %');
      expect(stats).toContain('<th scope="row">Site web</th>');
      expect(stats).toContain('<svg');
      expect(stats).toContain('Durée de l&#39;épreuve');
      expect(stats).toContain('quelle heure est-il a Tokyo');
      const empty = await get('/admin/statistiques?du=2000-01-01&au=2000-01-31');
      expect(empty).toContain('Statistiques du 2000-01-01 au 2000-01-31');
      expect(empty).toContain('Questions des apprenants : 0');
      expect(
        (await fetch(`${app.url}/admin/statistiques?du=n%27importe&au=quoi`, { headers: { cookie } })).status,
      ).toBe(200);
    });

    it('retraining: measured beside the model in service, then put in service without a restart; the assistant answers the corrected question', async () => {
      const QUESTION = 'la douloureuse pour le passage du bloc elle monte à combien';
      const reply = async (conversation: string) => {
        await say(conversation, QUESTION, 'webchat', `learner-${conversation}`);
        const text = connector.messagesFor(conversation)[0]?.text;
        return typeof text === 'string' ? text : '';
      };
      expect(await reply('retrain-before')).toContain('note');
      const conv = await get('/admin/conversations/feedback-conv');
      const csrf = csrfOf(conv);
      expect(
        (await post(`/admin/messages/${seqOf(conv, QUESTION)}/correction`, { csrf, intent: 'cout_inscription' }))
          .status,
      ).toBe(303);
      expect((await post('/admin/entrainement/confirmer', { csrf })).status).toBe(409); // nothing measured yet
      expect((await post('/admin/entrainement/mesurer', { csrf })).status).toBe(303);
      let page = await get('/admin/entrainement');
      expect(page).toContain('<meta http-equiv="refresh" content="3">');
      // Polled every 100 ms (for a minute at most): the measure ends at no particular moment.
      for (let i = 0; i < 600 && !page.includes('Résultats de la mesure'); i++) {
        await new Promise((r) => setTimeout(r, 100));
        page = await get('/admin/entrainement');
      }
      expect(page).toMatch(/<th scope="row">Toutes<\/th><td class="num">39<\/td><td class="num">\d+\.\d %/);
      // Still the old model until staff confirm.
      expect(await reply('retrain-measured')).toContain('note');
      expect((await post('/admin/entrainement/confirmer', { csrf })).headers.get('location')).toBe(
        '/admin/entrainement?fait=1',
      );
      expect(await get('/admin/entrainement?fait=1')).toContain('Nouveau modèle en service');
      expect(await reply('retrain-after')).toContain("l'inscription peut être gratuite ou payante");
      expect(await get('/admin/statistiques')).toMatch(/<th scope="row">Coût de l&#39;inscription<\/th><td>1<\/td>/);
    }, 120_000);

    it('marks a conversation reviewed with a note (escaped, CSRF-checked); the list filter follows', async () => {
      const page = await get('/admin/conversations/console-conv');
      const csrf = csrfOf(page);
      expect(
        (await post('/admin/conversations/console-conv/revue', { csrf: 'forged', revue: '1', note: 'x' })).status,
      ).toBe(403);
      expect(
        (
          await post('/admin/conversations/console-conv/revue', {
            csrf,
            revue: '1',
            note: 'Ajouter "<b>Tokyo</b>" aux hors-sujet',
          })
        ).status,
      ).toBe(303);
      const after = await get('/admin/conversations/console-conv');
      expect(after).toMatch(/name="revue" value="1" checked/);
      expect(after).toContain('&lt;b&gt;Tokyo&lt;/b&gt;');
      expect(after).toContain('par claire');
      expect(await get('/admin?etat=relues')).toContain('1 conversation(s)');
    });

    it('shows a website (Direct Line) conversation within a second, with how it was read', async () => {
      const token = (
        (await (await fetch(`${app.url}/api/directline/token`, { method: 'POST' })).json()) as { token: string }
      ).token;
      const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const { conversationId } = (await (
        await fetch(`${app.url}/v3/directline/conversations`, { method: 'POST', headers: auth, body: '{}' })
      ).json()) as { conversationId: string };
      await fetch(`${app.url}/v3/directline/conversations/${conversationId}/activities`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ type: 'message', text: 'c quand les exams' }),
      });
      const sent = Date.now();
      // The learner's reading is written once the turn is over (the recorder's chain), after the reply's
      // row that names the same intent: wait for the reading itself, not for the intent's name anywhere.
      const reading =
        /intention <strong>Date de la session d&#39;examen<\/strong> <span class="id">\(session_examen\)<\/span> · confiance 0\.\d\d · répondu/;
      let html = '';
      while (Date.now() - sent < 1000) {
        html = await get(`/admin/conversations/${conversationId}`);
        if (reading.test(html)) break;
      }
      expect(Date.now() - sent).toBeLessThan(1000);
      expect(html).toMatch(reading);
    });

    it('logging out needs the form token', async () => {
      const mine = await sessionCookie(app.url);
      expect((await post('/admin/logout', { csrf: 'wrong' }, mine)).status).toBe(403);
      expect((await fetch(`${app.url}/admin`, { headers: { cookie: mine } })).status).toBe(200);
      const csrf = csrfOf(await (await fetch(`${app.url}/admin`, { headers: { cookie: mine } })).text());
      expect((await post('/admin/logout', { csrf }, mine)).status).toBe(303);
      expect((await fetch(`${app.url}/admin`, { headers: { cookie: mine } })).status).toBe(401);
    });

    it('a removed account or a reset password ends the sessions opened before', async () => {
      const paul = await sessionCookie(app.url, 'paul', `${PASSWORD}-bis`);
      expect((await fetch(`${app.url}/admin`, { headers: { cookie: paul } })).status).toBe(200);
      await app.accounts.reset('paul', 'un-tout-nouveau-mot-de-passe');
      expect((await fetch(`${app.url}/admin`, { headers: { cookie: paul } })).status).toBe(401);
      const again = await sessionCookie(app.url, 'paul', 'un-tout-nouveau-mot-de-passe');
      app.accounts.remove('paul');
      expect((await fetch(`${app.url}/admin`, { headers: { cookie: again } })).status).toBe(401);
    });

    it('slows down guessing one login (429 after 5 failures) without locking colleagues at the same address', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await signIn(app.url, 'inconnu', `wrong-password-${i}`)).status);
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses[5]).toBe(429);
      const locked = await signIn(app.url, 'inconnu', 'wrong-password-7');
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await locked.text()).toContain('trop de tentatives');
      // Six failures for a login that does not exist lock neither claire nor anyone else here.
      expect((await signIn(app.url)).status).toBe(303);
    });
  },
);

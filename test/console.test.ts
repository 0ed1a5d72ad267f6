import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaffAccounts } from '../src/console/staff-accounts.ts';
import { StandInConnector, startBot, type RunningBot } from './server-process.ts';

const PASSWORD = 'mot-de-passe-solide-42';

async function signIn(bot: RunningBot, password = PASSWORD, headers: Record<string, string> = {}) {
  return fetch(`${bot.url}/admin/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ login: 'claire', password }).toString(),
  });
}

describe('staff console, closed until an account exists', () => {
  let bot: RunningBot;
  beforeAll(async () => { bot = await startBot(); });
  afterAll(async () => { await bot?.stop(); });
  it('answers 503 with how to create an account', async () => {
    const r = await fetch(`${bot.url}/admin`, { headers: { accept: 'text/html' } });
    expect(r.status).toBe(503);
    expect(await r.text()).toContain('npm run staff -- add');
  });
});

describe('staff console', () => {
  let bot: RunningBot;
  const connector = new StandInConnector();
  const dir = mkdtempSync(join(tmpdir(), 'console-'));

  beforeAll(async () => {
    const accounts = new StaffAccounts(join(dir, 'staff.sqlite'));
    await accounts.add('claire', PASSWORD);
    accounts.close();
    await connector.start();
    bot = await startBot({ STAFF_FILE: join(dir, 'staff.sqlite'), TRANSCRIPTS_FILE: join(dir, 'transcripts.sqlite') });
    // A learner's conversation, including an attempt at script injection.
    for (const text of ["combien dure l'épreuve ?", '<img src=x onerror=alert(1)> quelle heure est-il a Tokyo ?']) {
      await fetch(`${bot.url}/api/messages`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', channelId: 'emulator', serviceUrl: connector.url, id: `m${text.length}`, from: { id: 'learner-7' }, recipient: { id: 'bot' }, conversation: { id: 'console-conv' }, text }),
      });
    }
  });
  afterAll(async () => {
    await bot?.stop();
    await connector.stop();
  });

  it('refuses anyone not signed in: redirect for pages, 401 otherwise', async () => {
    const page = await fetch(`${bot.url}/admin`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/admin/login');
    for (const path of ['/admin', '/admin/conversations/console-conv', '/admin/conversations/console-conv/transcript', '/admin/export.csv']) {
      expect((await fetch(`${bot.url}${path}`)).status).toBe(401);
    }
    expect((await fetch(`${bot.url}/admin`, { headers: { cookie: 'staff_session=forged' } })).status).toBe(401);
  });

  it('signs in with an HttpOnly, SameSite cookie (Secure behind HTTPS), CSP on pages', async () => {
    const r = await signIn(bot);
    expect(r.status).toBe(303);
    const setCookie = r.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toMatch(/Secure/);
    expect((await signIn(bot, PASSWORD, { 'x-forwarded-proto': 'https' })).headers.get('set-cookie')).toMatch(/; Secure/);
    const cookie = setCookie.split(';')[0]!;
    const list = await fetch(`${bot.url}/admin`, { headers: { cookie } });
    expect(list.status).toBe(200);
    expect(list.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await list.text()).toContain('console-conv');
  });

  it('shows a conversation with intent and confidence, learner text escaped, and exports it', async () => {
    const cookie = (await signIn(bot)).headers.get('set-cookie')!.split(';')[0]!;
    const html = await (await fetch(`${bot.url}/admin/conversations/console-conv`, { headers: { cookie } })).text();
    expect(html).toContain('intention duree_epreuve');
    expect(html).toMatch(/confiance 0\.\d\d/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img src=x');
    const transcript = (await (await fetch(`${bot.url}/admin/conversations/console-conv/transcript`, { headers: { cookie } })).json()) as unknown[];
    expect(Array.isArray(transcript)).toBe(true);
    expect(transcript.length).toBeGreaterThanOrEqual(4);
    const csv = await (await fetch(`${bot.url}/admin/export.csv`, { headers: { cookie } })).text();
    expect(csv.split('\n')[0]).toContain('conversation,channel,user');
    expect(csv).not.toContain('learner-7');
  });

  it('lists unanswered questions grouped, lets staff assign an intent and export them as training sentences', async () => {
    const cookie = (await signIn(bot)).headers.get('set-cookie')!.split(';')[0]!;
    const page = await (await fetch(`${bot.url}/admin/sans-reponse`, { headers: { cookie } })).text();
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt; quelle heure est-il a Tokyo ?');
    expect(page).not.toContain("combien dure l'épreuve"); // answered: not in the inbox
    const csrf = page.match(/name="csrf" value="([^"]+)"/)![1]!;
    const post = (body: string) => fetch(`${bot.url}/admin/sans-reponse/assigner`, {
      method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body,
    });
    const text = '<img src=x onerror=alert(1)> quelle heure est-il a Tokyo ?';
    expect((await post(new URLSearchParams({ csrf: 'forged', intent: 'hors_sujet', text }).toString())).status).toBe(403);
    expect((await post(new URLSearchParams({ csrf, intent: 'not_an_intent', text }).toString())).status).toBe(400);
    expect((await post(new URLSearchParams({ csrf, intent: 'hors_sujet', text }).toString())).status).toBe(303);
    const yaml = await (await fetch(`${bot.url}/admin/sans-reponse/phrases.yaml`, { headers: { cookie } })).text();
    expect(yaml).toContain('intent: hors_sujet');
    expect(yaml).toContain('quelle heure est-il a Tokyo');
  });

  it('filters conversations (channel, intent, text, unanswered, dates), pages, and shows statistics', async () => {
    const cookie = (await signIn(bot)).headers.get('set-cookie')!.split(';')[0]!;
    const list = async (query: string) => (await fetch(`${bot.url}/admin?${query}`, { headers: { cookie } })).text();
    expect(await list('canal=emulator')).toContain('1 conversation(s)');
    expect(await list('canal=msteams')).toContain('0 conversation(s)');
    expect(await list('intention=duree_epreuve')).toContain('1 conversation(s)');
    expect(await list('texte=Tokyo')).toContain('1 conversation(s)');
    expect(await list('texte=100%25')).toContain('0 conversation(s)');
    expect(await list('sans_reponse=1')).toContain('1 conversation(s)');
    expect(await list('du=2000-01-01&au=2000-12-31')).toContain('0 conversation(s)');
    // A page past the end shows the last one; an absurd number is no 500.
    expect(await list('page=2')).toContain('page 1 / 1');
    const far = await fetch(`${bot.url}/admin?page=99999999999999999999`, { headers: { cookie } });
    expect(far.status).toBe(200);
    expect(await far.text()).toContain('page 1 / 1');
    const csv = async (query: string) => (await (await fetch(`${bot.url}/admin/export.csv?${query}`, { headers: { cookie } })).text()).trim().split('\n').length - 1;
    expect(await csv('texte=Tokyo')).toBeGreaterThan(0);
    expect(await csv('canal=msteams')).toBe(0);
    expect(await list('texte=Tokyo')).toContain('/admin/export.csv?texte=Tokyo');
    const stats = await (await fetch(`${bot.url}/admin/statistiques`, { headers: { cookie } })).text();
    expect(stats).toContain('<svg');
    expect(stats).toMatch(/Réponses données : \d+/);
    expect(stats).toContain('duree_epreuve');
  });

  it('marks a conversation reviewed with a note (escaped, CSRF-checked)', async () => {
    const cookie = (await signIn(bot)).headers.get('set-cookie')!.split(';')[0]!;
    const page = await (await fetch(`${bot.url}/admin/conversations/console-conv`, { headers: { cookie } })).text();
    const csrf = page.match(/name="csrf" value="([^"]+)"/)![1]!;
    const post = (body: Record<string, string>) => fetch(`${bot.url}/admin/conversations/console-conv/revue`, {
      method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString(),
    });
    expect((await post({ csrf: 'forged', revue: '1', note: 'x' })).status).toBe(403);
    expect((await post({ csrf, revue: '1', note: 'Ajouter "<b>Tokyo</b>" aux hors-sujet' })).status).toBe(303);
    const after = await (await fetch(`${bot.url}/admin/conversations/console-conv`, { headers: { cookie } })).text();
    expect(after).toMatch(/name="revue" value="1" checked/);
    expect(after).toContain('&lt;b&gt;Tokyo&lt;/b&gt;');
    expect(after).toContain('par claire');
  });

  it('shows a website (Direct Line) conversation within a second, with intent and confidence', async () => {
    const cookie = (await signIn(bot)).headers.get('set-cookie')!.split(';')[0]!;
    const token = ((await (await fetch(`${bot.url}/api/directline/token`, { method: 'POST' })).json()) as { token: string }).token;
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const { conversationId } = (await (await fetch(`${bot.url}/v3/directline/conversations`, { method: 'POST', headers: auth, body: '{}' })).json()) as { conversationId: string };
    await fetch(`${bot.url}/v3/directline/conversations/${conversationId}/activities`, { method: 'POST', headers: auth, body: JSON.stringify({ type: 'message', text: 'c quand les exams' }) });
    const sent = Date.now();
    let html = '';
    while (Date.now() - sent < 1000) {
      html = await (await fetch(`${bot.url}/admin/conversations/${conversationId}`, { headers: { cookie } })).text();
      if (html.includes('intention session_examen')) break;
    }
    expect(Date.now() - sent).toBeLessThan(1000);
    expect(html).toContain('intention session_examen');
    expect(html).toMatch(/confiance 0\.\d\d · answered/);
    expect(await (await fetch(`${bot.url}/admin?canal=webchat`, { headers: { cookie } })).text()).toContain('1 conversation(s)');
  });

  it('records learner feedback with the turn and filters conversations with a 👎', async () => {
    const cookie = (await signIn(bot)).headers.get('set-cookie')!.split(';')[0]!;
    const say = (text: string) => fetch(`${bot.url}/api/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', channelId: 'emulator', serviceUrl: connector.url, id: `f${text.length}`, from: { id: 'learner-8' }, recipient: { id: 'bot' }, conversation: { id: 'feedback-conv' }, text }),
    });
    await say('combien coute l inscription');
    await say('👎 Non');
    await say('il manque le lien du site');
    const list = await (await fetch(`${bot.url}/admin?avis_negatif=1`, { headers: { cookie } })).text();
    expect(list).toContain('feedback-conv');
    expect(list).toContain('1 conversation(s)');
    const view = await (await fetch(`${bot.url}/admin/conversations/feedback-conv`, { headers: { cookie } })).text();
    expect(view).toContain('avis 👎 sur la réponse précédente');
    expect(view).toContain('il manque le lien du site');
    const stats = await (await fetch(`${bot.url}/admin/statistiques`, { headers: { cookie } })).text();
    expect(stats.match(/Avis des apprenants[^<]*/)?.[0]).toBe('Avis des apprenants : 👍 0 · 👎 1');
  });

  it('logging out needs the form token', async () => {
    const cookie = (await signIn(bot)).headers.get('set-cookie')!.split(';')[0]!;
    const forged = await fetch(`${bot.url}/admin/logout`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: 'csrf=wrong' });
    expect(forged.status).toBe(403);
    expect((await fetch(`${bot.url}/admin`, { headers: { cookie } })).status).toBe(200);
  });

  it('slows down password guessing (429 after 5 failures)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await signIn(bot, `wrong-password-${i}`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
    // Even the right password waits now.
    const r = await signIn(bot);
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

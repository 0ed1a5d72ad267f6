import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, tabTo } from './axe.ts';
import { ARTIFACTS, chromiumAvailable, launchChromium } from './chromium.ts';
import { evalInProcess, PASSWORD, startConsoleApp, type ConsoleApp } from './console-app.ts';
import { StandInConnector } from './server-process.ts';

const XSS = '<img src=x onerror=alert(1)> bonjour quelle heure est-il a Tokyo ?';

/** The page's focused element, as a selector would see it. */
const focused = (page: Page, selector: string) =>
  page.evaluate(`!!document.activeElement && document.activeElement.matches(${JSON.stringify(selector)})`);

describe.skipIf(!chromiumAvailable)('staff console in real Chromium', () => {
  let bot: ConsoleApp;
  let browser: Browser;
  const connector = new StandInConnector();
  let n = 0;
  const say = (conversation: string, text: string, channelId = 'emulator') =>
    fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        channelId,
        serviceUrl: connector.url,
        id: `a${++n}`,
        from: { id: `l-${conversation}` },
        recipient: { id: 'bot' },
        conversation: { id: conversation },
        text,
      }),
    });

  beforeAll(async () => {
    await connector.start();
    // « Réentraîner » measures as `npm run eval` does, on one development family, in this process
    // (test/console.test.ts runs the real child process).
    bot = await startConsoleApp({
      staff: { claire: PASSWORD },
      evaluate: evalInProcess('dev', 'single'),
    });
    for (const [conv, text] of [
      ['c-answered', 'combien coute l inscription'],
      ['c-xss', XSS],
    ] as const)
      await say(conv, text);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
    await connector.stop();
  });

  it('signs in, filters unanswered, opens a conversation (learner HTML inert), exports it', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });

    await page.goto(`${bot.url}/admin`);
    expect(page.url()).toContain('/admin/login');
    await page.getByLabel('Identifiant').fill('claire');
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { name: 'Conversations' }).waitFor();

    await page.getByLabel('avec questions sans réponse').check();
    await page.getByRole('button', { name: 'Filtrer' }).click();
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    await rows.first().getByRole('link').first().click();
    await page.getByText('quelle heure est-il a Tokyo', { exact: false }).first().waitFor();
    // The learner's markup is shown as text: no image element, no script ran.
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.locator('.bubble.in').first().innerText()).toContain('<img src=x onerror=alert(1)>');
    expect(dialogs).toEqual([]);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}console-conversation.png`, fullPage: true });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Exporter cette conversation (.transcript)' }).click(),
    ]);
    const file = join(ARTIFACTS, 'conversation.transcript');
    await download.saveAs(file);
    const activities = JSON.parse(readFileSync(file, 'utf8')) as { type: string }[];
    expect(activities.length).toBeGreaterThanOrEqual(2);
    expect(activities.every((a) => typeof a.type === 'string')).toBe(true);
    await context.close();
  }, 90_000);

  it("axe runs under the console's strict CSP and reports what it finds (the checks below are not vacuous)", async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${bot.url}/admin/login`);
    // The policy is the production one: no inline script, nothing loosened for the tests.
    expect(response?.headers()['content-security-policy']).toMatch(/^default-src 'none'; style-src 'self';/);
    expect(await axeViolations(page)).toEqual([]);
    // A dropdown without a label, as the unanswered page had: axe names it.
    await page.evaluate(
      `document.querySelector('main').insertAdjacentHTML('beforeend', '<select name="x"><option>a</option></select>')`,
    );
    expect((await axeViolations(page)).join('\n')).toMatch(/^select-name \(critical\)/m);
    await page.close();
  });

  it('no WCAG 2.1 AA violation (axe) on any console page: sign-in, failed sign-in, list, conversation, to review, statistics, training', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    const found: string[] = [];
    const check = async (name: string) => {
      // Every page: a title naming the site, a skip link to main, the header's navigation, a viewport.
      expect(await page.title(), name).toMatch(/ — Console de l'assistant$/);
      expect(
        await page.evaluate(
          `[document.querySelector('body > a.skip')?.getAttribute('href'), !!document.querySelector('main#contenu'), !!document.querySelector('header nav ul a'), !!document.querySelector('meta[name=viewport]'), document.querySelectorAll('h1').length]`,
        ),
        name,
      ).toEqual(['#contenu', true, true, true, 1]);
      found.push(...(await axeViolations(page)).map((v) => `${name}: ${v}`));
    };
    await page.goto(`${bot.url}/admin/login`);
    await check('sign-in');
    await page.getByLabel('Identifiant').fill('claire');
    await page.getByLabel('Mot de passe').fill('pas-le-bon-mot-de-passe');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByText('La connexion a échoué', { exact: false }).waitFor();
    // Failed sign-in: its own title, the heading, the form again, the error tied to the fields.
    expect(await page.title()).toBe("Échec de la connexion — Console de l'assistant");
    expect(await page.getByLabel('Identifiant').inputValue()).toBe('claire');
    expect(await page.getByLabel('Mot de passe').getAttribute('aria-describedby')).toBe('erreur-connexion');
    await check('failed sign-in');

    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { name: 'Conversations' }).waitFor();
    await check('list');
    // Links say where they go: no two « ouvrir » links share a name.
    const names = await page.locator('tbody a').allTextContents();
    expect(names.length).toBeGreaterThanOrEqual(2);
    expect(new Set(names).size).toBe(names.length);

    await page.goto(`${bot.url}/admin/conversations/c-xss`);
    await check('conversation');
    // Speakers are written and messages are a list.
    const speakers = (await page.locator('ol.messages > li .speaker').allInnerTexts()).map((t) => t.split(' ')[0]);
    expect(speakers).toEqual(expect.arrayContaining(['Apprenant', 'Assistant']));

    await page.goto(`${bot.url}/admin/a-relire`);
    await check('to review');
    expect(await page.evaluate(`document.querySelector('select[name=intent]').labels[0].textContent`)).toContain(
      'quelle heure est-il a Tokyo',
    );
    expect(await page.getByRole('button', { name: /^Attribuer l'intention à « <img src=x/ }).count()).toBe(1);

    await page.goto(`${bot.url}/admin/statistiques`);
    await check('statistics');
    // The figures exist as text: a table per chart; the unanswered share is hatched, not only coloured.
    expect(await page.locator('figure table').count()).toBe(2);
    expect(await page.locator('figure svg[role=img][aria-label]').count()).toBe(2);
    expect(await page.locator('rect[fill="url(#hachures)"]').count()).toBeGreaterThanOrEqual(1);
    await page.goto(`${bot.url}/admin/entrainement`);
    await check('training');

    expect(found, found.join('\n')).toEqual([]);
    await context.close();
  }, 90_000);

  it('by keyboard only: skips to the content, signs in, opens a conversation, marks it reviewed', async () => {
    const context = await browser.newContext({ locale: 'fr-FR' });
    const page = await context.newPage();
    await page.goto(`${bot.url}/admin/login`);

    // The skip link comes first and takes the focus to the content.
    await page.keyboard.press('Tab');
    expect(await focused(page, 'a.skip')).toBe(true);
    await page.keyboard.press('Enter');
    expect(await focused(page, 'main#contenu')).toBe(true);

    await tabTo(page, '#champ-login');
    await page.keyboard.type('claire');
    await page.keyboard.press('Tab');
    expect(await focused(page, '#champ-password')).toBe(true);
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Conversations' }).waitFor();

    await tabTo(page, 'a[href="/admin/conversations/c-answered"]');
    // The focused link shows a ring (2.4.7).
    expect(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Relecture' }).waitFor();
    expect(page.url()).toContain('/admin/conversations/c-answered');

    await tabTo(page, 'input[name=revue]');
    await page.keyboard.press('Space');
    await tabTo(page, 'form[action$="/revue"] button[type=submit]');
    await page.keyboard.press('Enter');
    await page.getByText('par claire', { exact: false }).waitFor();
    expect(await page.getByLabel('Conversation relue').isChecked()).toBe(true);
    await context.close();
  }, 90_000);

  it('the staff loop: « À relire » → the conversation → « Mauvaise réponse » with the right intent → retrain → the assistant answers it, the statistics move', async () => {
    const QUESTION = 'la douloureuse pour le passage du bloc elle monte à combien';
    // A learner gets a confident wrong answer (the grade needed, not the cost) and says so with 👎.
    await say('c-wrong', QUESTION, 'webchat');
    await say('c-wrong', '👎 Non', 'webchat');
    await say('c-wrong', 'ce n est pas ce que je voulais savoir', 'webchat');
    const replyTo = async (conversation: string) => {
      await say(conversation, QUESTION, 'webchat');
      const text = connector.messagesFor(conversation)[0]?.text;
      return typeof text === 'string' ? text : '';
    };
    expect(await replyTo('c-before')).toMatch(/note/i);

    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.goto(`${bot.url}/admin/login`);
    await page.getByLabel('Identifiant').fill('claire');
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { name: 'Conversations' }).waitFor();

    const costAnswers = async () => {
      await page.goto(`${bot.url}/admin/statistiques`);
      const row = page.locator('figure table tr', { hasText: "Coût de l'inscription" });
      return (await row.count()) ? Number(await row.locator('td').first().innerText()) : 0;
    };
    const before = await costAnswers();

    // « À relire »: the message is there because of the 👎; the assistant's guess is shown as a guess.
    await page.getByRole('navigation', { name: 'Pages de la console' }).getByRole('link', { name: 'À relire' }).click();
    const row = page.locator('tbody tr', { hasText: QUESTION });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.innerText()).toContain('avis 👎');
    expect(await row.innerText()).toContain('supposition : Note requise');
    expect(await row.locator('select').inputValue()).toBe('');
    await page.screenshot({ path: `${ARTIFACTS}console-a-relire.png`, fullPage: true });

    // Its conversation, at that message.
    await row.getByRole('link').click();
    await page.getByRole('heading', { name: 'Conversation' }).waitFor();
    expect(page.url()).toMatch(/\/admin\/conversations\/c-wrong#m-\d+$/);
    const bubble = page.locator(`li${new URL(page.url()).hash}`);
    expect(await bubble.innerText()).toContain('Note requise');
    await bubble.getByText('Mauvaise réponse').click();
    await bubble.getByLabel(/Intention attendue/).selectOption({ label: "Coût de l'inscription" });
    await page.screenshot({ path: `${ARTIFACTS}console-mauvaise-reponse.png`, fullPage: true });
    await bubble.getByRole('button', { name: /Envoyer à l'entraînement/ }).click();
    await page.getByText("intention attendue : Coût de l'inscription", { exact: false }).waitFor();

    // Retrain: measured as npm run eval measures, beside the model in service, then put in service.
    await page
      .getByRole('navigation', { name: 'Pages de la console' })
      .getByRole('link', { name: 'Entraînement' })
      .click();
    expect(await page.locator('tbody tr', { hasText: QUESTION }).count()).toBe(1);
    await page.getByRole('button', { name: 'Réentraîner' }).click();
    await page.getByRole('heading', { name: 'Résultats de la mesure' }).waitFor({ timeout: 120_000 });
    expect(await page.locator('table', { hasText: 'En service' }).locator('tbody tr').last().innerText()).toMatch(
      /Toutes\s+144\s+\d+\.\d %/,
    );
    await page.screenshot({ path: `${ARTIFACTS}console-reentrainement.png`, fullPage: true });
    await page.getByRole('button', { name: 'Mettre en service' }).click();
    await page.getByText('Nouveau modèle en service').waitFor();
    expect(await page.getByText('Aucune phrase attribuée depuis le dernier entraînement').count()).toBe(1);

    // The running assistant now answers the question (asked through /api/messages): the cost, not the grade.
    const after = await replyTo('c-after');
    expect(after).toContain("l'inscription peut être gratuite ou payante");
    expect(await costAnswers()).toBe(before + 1);
    await page.screenshot({ path: `${ARTIFACTS}console-statistics.png`, fullPage: true });
    await context.close();
  }, 240_000);
});

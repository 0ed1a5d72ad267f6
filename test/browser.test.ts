import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, tabTo } from './axe.ts';
import { ARTIFACTS, chromiumAvailable, launchChromium } from './chromium.ts';
import { startApp, type RunningApp } from './in-process-app.ts';

const WELCOME = /Je suis l[’']assistant des apprenants/;
const INPUT = '[data-id="webchat-sendbox-input"]';
const SUGGESTED = '.webchat__suggested-actions__button';

/** A box's place in the window: [top, bottom, height], CSS px. */
async function box(page: Page, selector: string): Promise<[number, number, number]> {
  return page.evaluate<[number, number, number]>(
    `(() => { const r = document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect(); return [r.top, r.bottom, r.height]; })()`,
  );
}

/** Fails with axe's list when the page has any WCAG 2.1 A/AA violation. */
async function expectNoAxeViolation(page: Page, state: string): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, `${state}:\n${violations.join('\n')}`).toEqual([]);
}

describe.skipIf(!chromiumAvailable)('website widget in real Chromium', () => {
  let bot: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    bot = await startApp({ ASSISTANT_TODAY: '2026-11-26' });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
  });

  it('greets, answers a typed question, and a follow-up button', async () => {
    const page = await browser.newPage({ locale: 'fr-FR', viewport: { width: 480, height: 800 } });
    await page.goto(`${bot.url}/`);
    // Web Chat renders Markdown with typographic apostrophes: match both kinds.
    await page
      .getByText(/Je suis l[’']assistant des apprenants/)
      .first()
      .waitFor({ timeout: 30_000 });

    const input = page.locator('[data-id="webchat-sendbox-input"]');
    await input.fill("Combien coûte l'inscription ?");
    await input.press('Enter');
    await page.getByText('5,00 €', { exact: false }).first().waitFor({ timeout: 15_000 });
    await page.getByText('Source : Modalités de sanction, §2').first().waitFor({ timeout: 15_000 });

    await page.getByRole('button', { name: 'Plus de détails' }).last().click();
    await page.getByText('Extrait de la fiche', { exact: false }).first().waitFor({ timeout: 15_000 });
    const text = (await page.locator('#webchat').innerText()).replace(/’/g, "'");
    expect(text).toContain("Selon l'académie, l'inscription peut être gratuite ou bien payante");
    // Welcomed exactly once (counting message bubbles: the text also exists for screen readers).
    expect(
      await page
        .locator('.webchat__bubble__content')
        .filter({ hasText: /Je suis l[’']assistant des apprenants/ })
        .count(),
    ).toBe(1);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}webchat.png`, fullPage: true });
    await page.close();
  }, 90_000);

  it.each([
    ['desktop', { viewport: { width: 1280, height: 800 } }],
    ['mobile', { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }],
  ] as const)(
    'no WCAG 2.1 AA violation (axe) on load, after an answer, with details open: %s',
    async (_name, device) => {
      const context = await browser.newContext({ locale: 'fr-FR', ...device });
      const page = await context.newPage();
      await page.goto(`${bot.url}/`);
      await page.getByText(WELCOME).first().waitFor({ timeout: 30_000 });
      await page.locator(SUGGESTED).first().waitFor();
      // Landmarks: a banner, one main (the chat), nothing announced as complementary content.
      expect(
        await page.evaluate(`[document.querySelectorAll('main, [role=main]').length, document.querySelectorAll('aside, [role=complementary]').length,
      !!document.querySelector('[role=main] [data-id="webchat-sendbox-input"]'), document.querySelectorAll('body > header').length]`),
      ).toEqual([1, 0, true, 1]);
      await expectNoAxeViolation(page, 'on load');

      const input = page.locator(INPUT);
      await input.fill("Combien coûte l'inscription ?");
      await input.press('Enter');
      await page.getByText('5,00 €', { exact: false }).first().waitFor({ timeout: 15_000 });
      await page.getByRole('button', { name: 'Plus de détails' }).last().waitFor();
      await expectNoAxeViolation(page, 'after an answer');

      await page.getByRole('button', { name: 'Plus de détails' }).last().click();
      await page.getByText('Extrait de la fiche', { exact: false }).first().waitFor({ timeout: 15_000 });
      await expectNoAxeViolation(page, 'with details open');
      await context.close();
    },
    90_000,
  );

  it('at 400 % zoom (320 × 256 CSS px) with suggested buttons, the history keeps its height and the text field stays in view (WCAG 1.4.10)', async () => {
    // 400 % of a 1280 × 1024 window: what a learner who zooms in sees.
    const page = await browser.newPage({ locale: 'fr-FR', viewport: { width: 320, height: 256 } });
    await page.goto(`${bot.url}/`);
    await page.getByText(WELCOME).first().waitFor({ timeout: 30_000 });
    const input = page.locator(INPUT);
    await input.fill("Combien coûte l'inscription ?");
    await input.press('Enter');
    await page.getByText('5,00 €', { exact: false }).first().waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Plus de détails' }).last().waitFor();
    expect(await page.locator(SUGGESTED).count()).toBeGreaterThanOrEqual(4);
    // Web Chat scrolls the history to the new answer: until the end of the last one is inside it.
    const lastInHistory = async () => {
      const [top, bottom] = await box(page, '.webchat__basic-transcript');
      const end = (await box(page, '.webchat__basic-transcript__activity:last-child'))[1];
      return end > top && end <= bottom + 1;
    };
    await expect.poll(lastInHistory, { timeout: 15_000 }).toBe(true);

    const history = await box(page, '.webchat__basic-transcript');
    const field = await box(page, INPUT);
    // At least five lines of text in the history (it was 0 px tall), the field wholly in the window,
    // and nothing to scroll sideways.
    expect(history[2]).toBeGreaterThanOrEqual(90);
    expect(field[0]).toBeGreaterThanOrEqual(0);
    expect(field[1]).toBeLessThanOrEqual(256);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(320);
    expect(await page.evaluate('document.documentElement.scrollHeight')).toBeLessThanOrEqual(256);
    // The end of the last answer is on screen, inside the history.
    const last = await box(page, '.webchat__basic-transcript__activity:last-child');
    expect(last[1]).toBeGreaterThan(history[0]);
    expect(last[1]).toBeLessThanOrEqual(history[1] + 1);
    // The suggested buttons can all be reached: their area scrolls.
    expect(
      await page.evaluate(
        `(() => { const s = document.querySelector('.webchat__suggested-actions'); return s.scrollHeight > s.clientHeight && getComputedStyle(s).overflowY === 'auto'; })()`,
      ),
    ).toBe(true);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}webchat-400-percent.png` });
    await page.close();
  }, 90_000);

  it('by keyboard only: asks, picks a suggested button, opens the details; the message field shows its focus (WCAG 2.1.1, 2.4.7)', async () => {
    const page = await browser.newPage({ locale: 'fr-FR', viewport: { width: 1024, height: 768 } });
    await page.goto(`${bot.url}/`);
    await page.getByText(WELCOME).first().waitFor({ timeout: 30_000 });
    await page.locator(SUGGESTED).first().waitFor();
    const ring = `(() => { const s = getComputedStyle(document.querySelector('.webchat__send-box-text-box')); return s.outlineStyle + ' ' + s.outlineWidth; })()`;
    expect(await page.evaluate(ring)).toMatch(/^none /);

    // Ask: Tab to the message field, which now shows a 3 px ring, type, Enter.
    await tabTo(page, INPUT);
    expect(await page.evaluate(ring)).toBe('solid 3px');
    await page.keyboard.type("Combien coûte l'inscription ?");
    await page.keyboard.press('Enter');
    await page.getByText('5,00 €', { exact: false }).first().waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Plus de détails' }).last().waitFor();

    /** From the message field, Shift+Tab into the suggested buttons, Home, arrows along them, Enter. */
    const pick = async (name: string) => {
      await tabTo(page, INPUT);
      await tabTo(page, SUGGESTED, { back: true });
      await page.keyboard.press('Home');
      for (let i = 0; i < 10 && (await page.evaluate('document.activeElement.textContent')) !== name; i++)
        await page.keyboard.press('ArrowRight');
      expect(await page.evaluate('document.activeElement.textContent')).toBe(name);
      await page.keyboard.press('Enter');
    };
    await pick("Où s'inscrire ?");
    await page
      .locator('.webchat__bubble--from-user')
      .filter({ hasText: "Où s'inscrire ?" })
      .first()
      .waitFor({ timeout: 15_000 });
    await page.getByText('auprès du rectorat de l', { exact: false }).first().waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Plus de détails' }).last().waitFor();
    await pick('Plus de détails');
    await page.getByText('processus d', { exact: false }).first().waitFor({ timeout: 15_000 });
    await page.getByText('Extrait de la fiche', { exact: false }).first().waitFor({ timeout: 15_000 });
    await page.close();
  }, 90_000);

  it('on a phone (375 × 667): a guided registration ends in ONE summary card with one feedback control, and the buttons never cover more than a third of the screen', async () => {
    const context = await browser.newContext({
      locale: 'fr-FR',
      viewport: { width: 375, height: 667 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    const page = await context.newPage();
    await page.goto(`${bot.url}/`);
    await page.getByText(WELCOME).first().waitFor({ timeout: 30_000 });
    const buttonsHeight = async () => (await box(page, '.webchat__suggested-actions'))[2];
    // The suggested buttons shown (Web Chat keeps hidden copies for its live region).
    const button = (name: string | RegExp) => page.locator(SUGGESTED).filter({ hasText: name });
    // The welcome's five topics, then an answer's follow-ups, « Menu » and 👍 / 👎.
    await page.locator(SUGGESTED).first().waitFor();
    expect(await buttonsHeight()).toBeLessThanOrEqual(667 / 3);
    const input = page.locator(INPUT);
    const send = async (text: string, expected: string | RegExp) => {
      await input.fill(text);
      await input.press('Enter');
      await page.getByText(expected).last().waitFor({ timeout: 15_000 });
    };
    await send("Combien coûte l'inscription ?", /5,00 €/);
    await button(/^Menu$/)
      .last()
      .waitFor();
    expect(await buttonsHeight()).toBeLessThanOrEqual(667 / 3);

    // « Menu » brings the topics back.
    await button(/^Menu$/)
      .last()
      .click();
    await page.getByText('Que voulez-vous savoir ?').last().waitFor({ timeout: 15_000 });
    await button("M'inscrire à l'examen").last().click();
    await page.getByText('Avez-vous terminé votre formation ?').last().waitFor({ timeout: 15_000 });
    await button(/^Oui$/).last().click();
    await page
      .getByText(/Quand l[’']avez-vous terminée/)
      .last()
      .waitFor({ timeout: 15_000 });
    await send('juin 2026', 'Dans quel département habitez-vous ?');
    const before = await page.locator('.webchat__basic-transcript__activity').count();
    await send('Saint-Étienne', 'Votre inscription, en résumé');
    await button('👍 Utile').last().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(500); // nothing else arrives after the summary

    // One reply to « Saint-Étienne »: the card, holding every part with its source.
    expect(await page.locator('.webchat__basic-transcript__activity').count()).toBe(before + 2);
    const cards = page.locator('.ac-adaptiveCard');
    expect(await cards.count()).toBe(1);
    const card = (await cards.first().innerText()).replace(/’/g, "'");
    for (const part of [
      'Vos dates',
      'juin 2027',
      'Votre académie',
      'Saint-Étienne (Loire)',
      'Annuaire des académies',
      'Le coût',
      '5,00 €',
      'Votre statut',
      "Qui fait l'inscription",
      'Source : Modalités de sanction, §2',
    ])
      expect(card).toContain(part);
    expect(card).not.toContain('Cette réponse vous a-t-elle aidé');
    expect(await button('👍 Utile').count()).toBe(1);
    expect(await buttonsHeight()).toBeLessThanOrEqual(667 / 3);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await expectNoAxeViolation(page, 'summary card on a phone');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}webchat-mobile-summary.png` });
    // The feedback control works on the card's answer.
    await button('👍 Utile').click();
    await page.getByText('Merci pour votre retour').last().waitFor({ timeout: 15_000 });
    await context.close();
  }, 120_000);

  it('announces « assistant unavailable » in a live region when the server cannot be reached (WCAG 4.1.3)', async () => {
    const page = await browser.newPage({ locale: 'fr-FR' });
    // The network fails for the token request only: the page and its scripts come from the server.
    await page.route('**/api/directline/token', (route) => route.abort('connectionrefused'));
    await page.goto(`${bot.url}/`);
    const status = page.getByRole('status');
    await expect.poll(() => status.innerText(), { timeout: 15_000 }).toMatch(/^L[’']assistant n[’']est pas disponible/);
    // The region was on the page before the message, so screen readers announce the change.
    expect(await page.evaluate(`document.getElementById('status').getAttribute('role')`)).toBe('status');
    await expectNoAxeViolation(page, 'assistant unavailable');
    await page.close();
  }, 60_000);
});

import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, chromiumAvailable, launchChromium } from './chromium.ts';
import { startBot, type RunningBot } from './server-process.ts';

describe.skipIf(!chromiumAvailable)('website widget in real Chromium', () => {
  let bot: RunningBot;
  let browser: Browser;

  beforeAll(async () => {
    bot = await startBot({ ASSISTANT_TODAY: '2026-11-26' });
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
    await page.getByText(/Je suis l[’']assistant des apprenants/).first().waitFor({ timeout: 30_000 });

    const input = page.locator('[data-id="webchat-sendbox-input"]');
    await input.fill("Combien coûte l'inscription ?");
    await input.press('Enter');
    await page.getByText('5,00 €', { exact: false }).first().waitFor({ timeout: 15_000 });
    await expect(page.getByText('Source : Modalités de sanction, §2').first()).toBeTruthy();

    await page.getByRole('button', { name: 'Plus de détails' }).last().click();
    await page.getByText('Extrait de la fiche', { exact: false }).first().waitFor({ timeout: 15_000 });
    const text = (await page.locator('#webchat').innerText()).replace(/’/g, "'");
    expect(text).toContain("Selon l'académie, l'inscription peut être gratuite ou bien payante");
    // Welcomed exactly once (counting message bubbles: the text also exists for screen readers).
    expect(await page.locator('.webchat__bubble__content').filter({ hasText: /Je suis l[’']assistant des apprenants/ }).count()).toBe(1);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}webchat.png`, fullPage: true });
    await page.close();
  }, 90_000);
});

import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, chromiumAvailable, launchChromium } from './chromium.ts';
import { StaffAccounts } from '../src/console/staff-accounts.ts';
import { StandInConnector, startBot, type RunningBot } from './server-process.ts';

const XSS = '<img src=x onerror=alert(1)> bonjour quelle heure est-il a Tokyo ?';

describe.skipIf(!chromiumAvailable)('staff console in real Chromium', () => {
  let bot: RunningBot;
  let browser: Browser;
  const connector = new StandInConnector();

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-browser-'));
    const accounts = new StaffAccounts(join(dir, 'staff.sqlite'));
    await accounts.add('claire', 'mot-de-passe-solide-42');
    accounts.close();
    await connector.start();
    bot = await startBot({ STAFF_FILE: join(dir, 'staff.sqlite'), TRANSCRIPTS_FILE: join(dir, 'transcripts.sqlite') });
    for (const [conv, text] of [['c-answered', 'combien coute l inscription'], ['c-xss', XSS]] as const) {
      await fetch(`${bot.url}/api/messages`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', channelId: 'emulator', serviceUrl: connector.url, id: conv, from: { id: 'l-1' }, recipient: { id: 'bot' }, conversation: { id: conv }, text }),
      });
    }
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
    page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });

    await page.goto(`${bot.url}/admin`);
    expect(page.url()).toContain('/admin/login');
    await page.getByLabel('Identifiant').fill('claire');
    await page.getByLabel('Mot de passe').fill('mot-de-passe-solide-42');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { name: 'Conversations' }).waitFor();

    await page.getByLabel('avec questions sans réponse').check();
    await page.getByRole('button', { name: 'Filtrer' }).click();
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(1);
    await rows.first().getByRole('link', { name: 'ouvrir' }).click();
    await page.getByText('quelle heure est-il a Tokyo', { exact: false }).first().waitFor();
    // The learner's markup is shown as text: no image element, no script ran.
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.locator('.bubble.in').first().innerText()).toContain('<img src=x onerror=alert(1)>');
    expect(dialogs).toEqual([]);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}console-conversation.png`, fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'exporter (.transcript)' }).click()]);
    const file = join(ARTIFACTS, 'conversation.transcript');
    await download.saveAs(file);
    const activities = JSON.parse(readFileSync(file, 'utf8')) as { type: string }[];
    expect(activities.length).toBeGreaterThanOrEqual(2);
    expect(activities.every((a) => typeof a.type === 'string')).toBe(true);
    await context.close();
  }, 90_000);
});

import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

/** axe-core (dev dependency), read once. */
const AXE_SOURCE = readFileSync(new URL('../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

/** RGAA 4.1 is WCAG 2.1 AA: these tags, nothing best-practice-only. */
export const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * The WCAG 2.1 A/AA violations axe finds on the page, one line each (rule, impact, elements).
 * axe is evaluated through the browser's debugging protocol, which no Content-Security-Policy
 * governs: the pages' policies stay as strict as in production (no inline script allowed).
 * Written as strings: the test transform would otherwise add helpers the page does not have.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(`${AXE_SOURCE}\n;0`);
  const violations = await page.evaluate<
    { id: string; impact: string; help: string; targets: string[] }[]
  >(`axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(WCAG_21_AA)} }, resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ') + ' — ' + n.failureSummary.replace(/\\s+/g, ' ')) })))`);
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.targets.slice(0, 8).join('\n    ')}`);
}

/**
 * Presses Tab (Shift+Tab when `back`) until the focused element matches `selector`, as a keyboard
 * user would; fails after `max` presses. Returns the number of presses.
 */
export async function tabTo(page: Page, selector: string, { back = false, max = 40 } = {}): Promise<number> {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    if (await page.evaluate(`!!document.activeElement && document.activeElement.matches(${JSON.stringify(selector)})`))
      return i;
  }
  throw new Error(`${selector} not reached with ${max} presses of ${back ? 'Shift+Tab' : 'Tab'}`);
}

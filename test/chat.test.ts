import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConsoleAdapter } from '../src/console-adapter.ts';
import { testAssistant } from './helpers.ts';

const ROOT = new URL('..', import.meta.url).pathname;

describe('terminal chat (npm run chat)', () => {
  it('numbers the buttons, and a number picks the button just shown — not a grade typed at a question without buttons', async () => {
    const lines: string[] = [];
    const adapter = new ConsoleAdapter((l) => lines.push(l));
    const assistant = testAssistant();
    const logic = (c: Parameters<typeof assistant.bot.run>[0]) => assistant.bot.run(c);
    await adapter.join(logic);
    expect(lines).toContain("  1. M'inscrire à l'examen");
    expect(adapter.resolve('3')).toBe("Après l'examen");
    expect(adapter.resolve('9')).toBe('9');
    await adapter.say(adapter.resolve('3'), logic);
    expect(lines.at(-1)).toContain('Quelle note');
    // The grade question shows no buttons: « 1 » is a grade.
    expect(adapter.resolve('1')).toBe('1');
  });

  it('as a process with questions piped in: says how to quit, echoes each question, picks by number, quits', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/chat.ts'], {
      cwd: ROOT,
      input: "c'est quand l'exam ?\n1\nquit\nne doit pas être lu\n",
      env: { ...process.env, ASSISTANT_TODAY: '2026-11-26' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(0);
    const out = run.stdout;
    expect(out).toMatch(/Pour quitter : « quit » ou Ctrl\+D/);
    expect(out).toContain("vous> c'est quand l'exam ?");
    expect(out).toContain('juin 2027');
    expect(out).toMatch(/ {2}1\. Comment se passe l'épreuve \?/);
    expect(out).toContain("vous> 1\n  → Comment se passe l'épreuve ?");
    expect(out).toContain('épreuve écrite');
    expect(out).not.toContain('ne doit pas être lu');
  }, 60_000);
});

/**
 * npm run bench — speed and memory targets, checked here rather than in timed unit tests.
 *
 *   start-up (load data + train)      < 1500 ms   (in process: import, load every data file, train)
 *   time to ready of `npm start`       reported    (process spawn → /healthz answers, incl. tsx)
 *   understanding one message, p95    <    2 ms   (incl. a 2000-character rambling message)
 *   HTTP turn on loopback, p95        <  150 ms   (real server process, stand-in connector)
 *   resident memory after start-up    <  400 MB
 *
 * Exits 1 when a target is missed. Traffic goes to 127.0.0.1 only, bounded in count.
 */

import { StandInConnector, startBot } from '../test/server-process.ts';

const TARGETS = { startupMs: 1500, understandP95Ms: 2, httpP95Ms: 150, rssMb: 400 };

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

const MESSAGES = [
  "combien coute l'inscription",
  'c kan les exams',
  'ou s inscrir a l examin',
  "J'ai eu 14/20 en juin 2026, c'est valable jusqu'à quand ?",
  "bonjour alors voila j'ai fini ma formation le mois dernier et ma collegue m'a dit qu'il fallait s'inscrire quelque part mais je sais pas du tout ou ni quand, est ce que vous pouvez m'expliquer comment ca se passe pour le bloc 4 ?",
  'Comment faire un gâteau au chocolat ?',
  `${'je voudrais savoir plein de choses sur la formation et sur ma vie '.repeat(30)}combien dure l'épreuve ?`.slice(0, 2000),
];

async function main(): Promise<void> {
  const results: [string, number, number, string][] = [];

  // 1. Start-up: fresh process so module loading counts too.
  const t0 = performance.now();
  const { createAssistant } = await import('../src/assistant.ts');
  const assistant = createAssistant({ clock: () => new Date(2026, 10, 26) });
  const startupMs = performance.now() - t0;
  results.push(['start-up (import + load + train)', startupMs, TARGETS.startupMs, 'ms']);
  const rssMb = process.memoryUsage().rss / 1024 / 1024;
  results.push(['resident memory after start-up', rssMb, TARGETS.rssMb, 'MB']);

  // 2. Understanding latency, in the steady state a running server is in: the first rounds (the JIT
  // compiling the readers, the first regular expressions) are reported apart, not counted in p95.
  const cold = performance.now();
  for (const m of MESSAGES) assistant.understander.understand(m, new Date(2026, 10, 26));
  console.log(`understanding, first round after start-up: ${((performance.now() - cold) / MESSAGES.length).toFixed(2)} ms per message`);
  for (let round = 0; round < 20; round++) for (const m of MESSAGES) assistant.understander.understand(m, new Date(2026, 10, 26));
  const times: number[] = [];
  for (let round = 0; round < 30; round++) {
    for (const m of MESSAGES) {
      const t = performance.now();
      assistant.understander.understand(m, new Date(2026, 10, 26));
      times.push(performance.now() - t);
    }
  }
  results.push(['understanding, p95 of 210 messages', percentile(times, 0.95), TARGETS.understandP95Ms, 'ms']);
  console.log(`understanding p50 ${percentile(times, 0.5).toFixed(2)} ms, max ${Math.max(...times).toFixed(1)} ms`);

  // 3. HTTP turns against the real server.
  const connector = new StandInConnector();
  await connector.start();
  const spawnedAt = performance.now();
  const bot = await startBot({ LOG_LEVEL: 'error' });
  console.log(`time to ready of the server process (spawn → /healthz): ${(performance.now() - spawnedAt).toFixed(0)} ms`);
  const http: number[] = [];
  try {
    for (let i = 0; i < 200; i++) {
      const body = {
        type: 'message', channelId: 'emulator', serviceUrl: connector.url, id: `b${i}`, locale: 'fr-FR',
        from: { id: `bench-${i % 10}` }, recipient: { id: 'bot' }, conversation: { id: `bench-${i % 10}` },
        text: MESSAGES[i % MESSAGES.length],
      };
      const t = performance.now();
      const r = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await r.text();
      http.push(performance.now() - t);
    }
  } finally {
    await bot.stop();
    await connector.stop();
  }
  results.push(['HTTP turn incl. reply to connector, p95 of 200', percentile(http, 0.95), TARGETS.httpP95Ms, 'ms']);
  console.log(`HTTP turn p50 ${percentile(http, 0.5).toFixed(1)} ms`);

  let failed = false;
  console.log('\nmeasure'.padEnd(50) + 'value'.padStart(10) + 'target'.padStart(10));
  for (const [name, value, target, unit] of results) {
    const ok = value < target;
    failed ||= !ok;
    console.log(`${ok ? '✓' : '✗'} ${name.padEnd(48)}${value.toFixed(1).padStart(8)} ${unit}  < ${target} ${unit}`);
  }
  process.exit(failed ? 1 : 0);
}


main().catch((err) => {
  console.error(err);
  process.exit(1);
});

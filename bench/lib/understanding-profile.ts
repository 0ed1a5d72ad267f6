/**
 * Run by `npm run bench -- --profile` under node --cpu-prof: the project's understanding over the
 * held-out messages, a warm-up round then three measured ones, whose window (CLOCK_MONOTONIC µs)
 * it prints so that the bench keeps those samples only.
 */
import { profiledMessages, projectSystem } from './understanding.ts';

const texts = profiledMessages();
const system = projectSystem();
for (const t of texts) await system.answer(t);
const from = process.hrtime.bigint() / 1000n;
for (let round = 0; round < 3; round++) for (const t of texts) await system.answer(t);
console.log(`window ${from} ${process.hrtime.bigint() / 1000n} messages ${3 * texts.length}`);

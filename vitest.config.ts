import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Training the classifier takes a few hundred ms per process; servers start in some tests.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // The files of a worker share one module graph: botbuilder, the data files and the trained model
    // (test/helpers.ts sharedUnderstander) are loaded once per worker instead of once per file. Safe
    // because no test mocks a module or changes module state; each file starts its own servers and stores.
    isolate: false,
    // vitest's default is one worker less than the cores (one on 2 cores); many tests wait on a child
    // process, Chromium or a timer, so a second worker uses what the first leaves idle.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // One PostgreSQL for the run, databases per test (test/postgres-server.ts); the server's bundle
    // built once if its sources changed (test/bundle-global.ts).
    // The run's temporary folder first: its teardown, last, fails the run if a test left a folder there
    // (test/temp-global.ts); each file's folders are removed after its tests (test/temp-cleanup.ts).
    globalSetup: ['test/temp-global.ts', 'test/postgres-global.ts', 'test/bundle-global.ts'],
    setupFiles: ['test/temp-cleanup.ts'],
  },
});

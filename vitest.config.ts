import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Training the classifier takes a few hundred ms per process; servers start in some tests.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});

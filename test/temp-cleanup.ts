import { afterAll } from 'vitest';
import { removeTempDirs } from './temp.ts';

// A setup file: registered before the file's own hooks, so it runs after them (vitest runs afterAll
// hooks in reverse order), once every server and store of the file is closed.
afterAll(() => {
  removeTempDirs();
});

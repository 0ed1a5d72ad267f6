import type { TestProject } from 'vitest/node';
import { freePort } from './server-process.ts';
import { postgresMissing, startPostgres } from './postgres-server.ts';

/**
 * vitest globalSetup: one PostgreSQL for the whole run (initdb and a start cost about a second each
 * time), each test file taking fresh databases on it (test/postgres-server.ts). It starts beside the
 * workers rather than before them: files that need it wait until it accepts connections, the others
 * do not wait at all.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (postgresMissing) {
    project.provide('postgresUrl', '');
    return async () => {};
  }
  const port = await freePort();
  project.provide('postgresUrl', `postgres://assistant@127.0.0.1:${port}/postgres`);
  const started = startPostgres(port);
  // The files waiting for it fail with their own message; this says why.
  started.catch((err: unknown) => console.error(`PostgreSQL for the tests did not start: ${(err as Error).message}`));
  return async () => {
    const server = await started.catch(() => undefined);
    await server?.stop();
  };
}

import { build, current } from '../scripts/build.js';

/**
 * The process tests start the bot as `npm start` does (scripts/start.js), which bundles the server
 * first when its sources changed: done once here, before the workers start, rather than by each
 * test's first start at once (every start of the run would otherwise race to bundle the same sources).
 */
export default async function setup(): Promise<void> {
  if (!current()) await build();
}

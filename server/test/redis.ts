/**
 * Redis in tests: the machine's own (REDIS_URL, else the local default), as the real thing.
 * `twoProcesses()` gives a fresh database and two Redis connections, as two server processes
 * sharing both would have, closed when the test file ends.
 */
import { afterAll, beforeAll } from 'vitest';
import { openRedis, type Redis } from '../redis';
import { freshDb, type TestDb } from './databases';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function twoProcesses(): { readonly t: TestDb; readonly r1: Redis; readonly r2: Redis } {
  const world = {} as { t: TestDb; r1: Redis; r2: Redis };
  beforeAll(async () => {
    world.t = await freshDb();
    [world.r1, world.r2] = await Promise.all([openRedis(TEST_REDIS_URL), openRedis(TEST_REDIS_URL)]);
  });
  afterAll(async () => {
    await Promise.all([world.r1?.quit(), world.r2?.quit()]);
    await world.t?.drop();
  });
  return world;
}

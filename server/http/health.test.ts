import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type PlusOneApp } from '../app';
import { loadConfig } from '../config';
import type { Db } from '../db/db';
import { migrate } from '../db/migrate';
import { openPostgres } from '../db/postgres';
import { createLogger } from '../log';
import { defaultEngine, freshDb } from '../test/databases';
import { startTestServer, type TestServer } from '../test/server';

/**
 * A bare app over any database, its HTTP server bound to port 0. It binds directly rather than
 * through `listen()`, which first computes the metrics snapshots and so needs a migrated,
 * reachable database: the probes must answer precisely when it is not.
 */
async function appOver(db: Db): Promise<{ url: string; plusone: PlusOneApp }> {
  const config = loadConfig({ LOG_LEVEL: 'silent', STATIC_DIR: '/nonexistent' });
  const plusone = createApp({ config, db, log: createLogger('silent') });
  await new Promise<void>((resolve) => plusone.httpServer.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(plusone.httpServer.address() as AddressInfo).port}`, plusone };
}

const getJson = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
};

describe('health', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ demo: false });
  });
  afterAll(() => server?.close());

  it('/healthz answers 200 while the process is up; /readyz 200 with migrations applied', async () => {
    expect(await getJson(`${server.url}/healthz`)).toEqual({ status: 200, body: { ok: true } });
    expect(await getJson(`${server.url}/readyz`)).toEqual({
      status: 200,
      body: { ok: true, database: defaultEngine, migrations: 'applied' },
    });
  });

  it('unknown routes answer JSON 404 NOT_FOUND; bad and oversized bodies 400 INVALID_INPUT', async () => {
    for (const path of ['/api/nothing', '/nothing']) {
      const res = await getJson(`${server.url}${path}`);
      expect([res.status, res.body.error.code], path).toEqual([404, 'NOT_FOUND']);
    }
    const post = (body: string) =>
      fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-plusone-csrf': '1' }, body });
    const malformed = await post('{"email":');
    expect([malformed.status, (await malformed.json()).error]).toEqual([400, { code: 'INVALID_INPUT', message: 'request body is not valid JSON' }]);
    const huge = await post(JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(3 * 1024 * 1024) }));
    expect([huge.status, (await huge.json()).error]).toEqual([400, { code: 'INVALID_INPUT', message: 'request body is too large' }]);
  });
});

describe('readiness follows the database', () => {
  it('/readyz is 503 NOT_READY until every migration is applied, then 200', async () => {
    const testDb = await freshDb(defaultEngine, { migrated: false });
    const { url, plusone } = await appOver(testDb.db);
    try {
      const bare = await getJson(`${url}/readyz`);
      expect(bare.status).toBe(503);
      expect(bare.body.error).toEqual({ code: 'NOT_READY', message: 'database migrations are not applied' });

      await migrate(testDb.db, []); // the bookkeeping table exists, no migration is applied
      expect((await getJson(`${url}/readyz`)).status).toBe(503);

      await migrate(testDb.db);
      expect((await getJson(`${url}/readyz`)).status).toBe(200);
    } finally {
      await plusone.close();
      await testDb.drop();
    }
  });

  it('/readyz is 503 NOT_READY when the database cannot be reached; /healthz stays 200', async () => {
    const unreachable = openPostgres('postgres://postgres@127.0.0.1:1/none', 1);
    const { url, plusone } = await appOver(unreachable);
    try {
      const res = await getJson(`${url}/readyz`);
      expect(res.status).toBe(503);
      expect(res.body.error).toEqual({ code: 'NOT_READY', message: 'database is not reachable' });
      expect((await getJson(`${url}/healthz`)).status).toBe(200);
    } finally {
      await plusone.close();
      await unreachable.close();
    }
  });
});

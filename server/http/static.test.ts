import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp, type PlusOneApp } from '../app';
import { loadConfig } from '../config';
import { createLogger } from '../log';
import { freshDb, type TestDb } from '../test/databases';

let dir: string;
let testDb: TestDb;
let plusone: PlusOneApp;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plusone-static-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>PlusOne</title>');
  writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("install", () => {});');
  writeFileSync(join(dir, 'assets', 'app-3f2a.js'), 'console.log(1);');
  testDb = await freshDb('pglite');
  plusone = createApp({ config: loadConfig({ LOG_LEVEL: 'silent', STATIC_DIR: dir }), db: testDb.db, log: createLogger('silent') });
  url = `http://127.0.0.1:${await plusone.listen(0, '127.0.0.1')}`;
});
afterAll(async () => {
  await plusone?.close();
  await testDb?.drop();
  rmSync(dir, { recursive: true, force: true });
});

it('deep links get the app shell, never cached, so /invite/:code opens offline-capable', async () => {
  for (const path of ['/', '/invite/abc123', '/dashboard/viral']) {
    const res = await fetch(url + path);
    expect(res.status, path).toBe(200);
    expect(res.headers.get('cache-control'), path).toBe('no-cache');
    expect(await res.text()).toContain('<title>PlusOne</title>');
  }
});

it('hashed assets are cached for a year; the service worker never', async () => {
  const asset = await fetch(`${url}/assets/app-3f2a.js`);
  expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  const sw = await fetch(`${url}/sw.js`);
  expect(sw.headers.get('cache-control')).toBe('no-cache');
});

it('API, socket and probe paths are never answered with the shell', async () => {
  const api = await fetch(`${url}/api/unknown`);
  expect([api.status, (await api.json()).error.code]).toEqual([404, 'NOT_FOUND']);
  const metrics = await fetch(`${url}/metrics`);
  expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
  expect(await metrics.text()).toContain('# TYPE http_requests_total counter');
  const unknownProbe = await fetch(`${url}/metrics/unknown`);
  expect(unknownProbe.status).toBe(404);
  expect(await unknownProbe.text()).not.toContain('<title>');
  expect((await fetch(`${url}/healthz`)).headers.get('content-type')).toMatch(/json/);
});

/**
 * Monitoring's HTTP surface on a real server and database: /metrics after real pushes, the
 * request id from HTTP to the socket event, /readyz with a Redis that does not answer, a 5xx
 * recorded and listed for the owner, and client error reports (bounded, rate-limited).
 */
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ERROR_LIMIT } from '../../shared/alerts';
import { CSRF_HEADER, CSRF_VALUE } from '../../shared/access';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../shared/sync/protocol';
import type { ApiClient, TestServer } from '../test/server';
import { newInvitation, startTestServer } from '../test/server';
import { nextEvent } from '../test/fixtures';
import { TEST_REDIS_URL } from '../test/redis';
import { eventually } from '../webhooks/testReceiver';
import type { Redis } from '../redis';
import { installHealth } from '../http/health';

/** `name{labels} value` lines of a Prometheus text answer, by series. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}
const families = (text: string) => new Set([...text.matchAll(/^# TYPE (\S+) \S+$/gm)].map((m) => m[1]!));

let server: TestServer;
let ritz: ApiClient;
let owner: ApiClient;
beforeAll(async () => {
  server = await startTestServer();
  ritz = await server.as('ritz@demo.plusone');
  owner = await server.as('owner@demo.plusone');
});
afterAll(() => server?.close());

const scrape = async (headers: Record<string, string> = {}, url = server.url) => {
  const res = await fetch(`${url}/metrics`, { headers });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};

describe('GET /metrics', () => {
  it('exposes RED per route pattern, sync by collection and outcome, sockets, backlogs, K and its parts, counters and event loop lag', async () => {
    const socket = await ritz.socket();
    const pushed = await ritz.push('invitations', [{ newDocumentState: newInvitation('u-ritz') }, { newDocumentState: newInvitation('u-ritz') }]);
    expect(pushed.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['applied', 'applied']);
    expect((await ritz.pull('invitations', null, 5)).status).toBe(200);
    await server.plusone.metrics.settle();
    const coefficient = (await ritz.get('/api/viral/coefficient?windowDays=30')).body;

    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/plain/);
    const s = samples(res.text);
    expect(s.get('http_requests_total{method="POST",route="/api/sync/:collection/push",status="200"}')).toBeGreaterThanOrEqual(1);
    expect(s.get('http_request_duration_seconds_count{method="POST",route="/api/sync/:collection/push",status="200"}')).toBeGreaterThanOrEqual(1);
    expect(s.get('http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/api/sync/:collection/push",status="200"}')).toBeGreaterThanOrEqual(1);
    // Raw URLs never become labels.
    expect([...s.keys()].some((k) => k.includes('/api/sync/invitations/'))).toBe(false);
    expect(s.get('plusone_sync_requests_total{op="push",collection="invitations",outcome="ok"}')).toBe(1);
    expect(s.get('plusone_sync_rows_total{op="push",collection="invitations",outcome="applied"}')).toBe(2);
    expect(s.get('plusone_sync_requests_total{op="pull",collection="invitations",outcome="ok"}')).toBe(1);
    expect(s.get('plusone_sockets_connected')).toBe(1);
    expect(s.get('plusone_outbox_backlog')).toBeGreaterThanOrEqual(0);
    expect(s.get('plusone_webhook_backlog')).toBe(0);
    expect(s.get('plusone_webhook_endpoints{state="disabled"}')).toBe(0);
    expect(s.get('plusone_database_up')).toBe(1);
    expect(s.get('plusone_viral_k{window_days="30"}')).toBeCloseTo(coefficient.k, 9);
    expect(s.get('plusone_viral_inviters{window_days="30"}')).toBe(coefficient.inviters);
    expect(s.get('plusone_viral_invitations_sent{window_days="30"}')).toBe(coefficient.sent);
    expect(s.get('plusone_viral_invitations_accepted{window_days="30"}')).toBe(coefficient.accepted);
    expect(s.get('plusone_viral_acceptance_rate{window_days="30"}')).toBeCloseTo(coefficient.accepted / coefficient.sent, 9);
    expect(s.get('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    for (const name of ['plusone_rate_limit_refusals_total', 'plusone_fraud_outcomes_total', 'plusone_errors_total', 'plusone_alerts_open']) {
      expect(families(res.text).has(name), name).toBe(true);
    }
    socket.close();
  });

  it('answers loopback callers only, unless METRICS_TOKEN is set: then the bearer token, from anywhere', async () => {
    const relayed = await scrape({ 'x-forwarded-for': '203.0.113.9' });
    expect(relayed.status).toBe(403);
    const guarded = await startTestServer({ demo: false, env: { METRICS_TOKEN: 'scrape-secret-1' } });
    try {
      expect((await scrape({}, guarded.url)).status).toBe(401);
      expect((await scrape({ authorization: 'Bearer wrong-secret-1' }, guarded.url)).status).toBe(401);
      const ok = await scrape({ authorization: 'Bearer scrape-secret-1', 'x-forwarded-for': '203.0.113.9' }, guarded.url);
      expect(ok.status).toBe(200);
      expect(ok.text).toContain('# TYPE http_requests_total counter');
    } finally {
      await guarded.close();
    }
  });
});

describe('request ids', () => {
  it('a push with x-request-id answers it and the socket event of its write carries it; without one, a new id is made', async () => {
    const socket = await ritz.socket();
    const requestId = 'push-test-0001-abcdef';
    const doc = newInvitation('u-ritz');
    const event = nextEvent(socket, 'invitation:changed', (e) => e.documents.some((d) => d.id === doc.id));
    const res = await ritz.post('/api/sync/invitations/push', { rows: [{ newDocumentState: doc }] }, { [PROTOCOL_HEADER]: String(PROTOCOL_VERSION), 'x-request-id': requestId });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe(requestId);
    expect((await event).requestId).toBe(requestId);

    const fresh = await ritz.get('/api/auth/me');
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    // A malformed id is replaced, not echoed.
    const odd = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    socket.close();
  });
});

describe('server errors', () => {
  it('a 5xx is recorded with its request id, route pattern and user, counted by kind, and listed for the owner only', async () => {
    // A real failure: the endpoints' table is gone for a moment, so listing them fails in SQL.
    const { db } = server.testDb;
    await db.query('ALTER TABLE webhook_endpoints RENAME TO webhook_endpoints_away');
    let answers: unknown[];
    try {
      answers = await Promise.all([1, 2].map(async () => {
        const res = await owner.get('/api/webhooks/endpoints');
        return [res.status, res.body.error.code, res.headers.get('x-request-id')];
      }));
    } finally {
      await db.query('ALTER TABLE webhook_endpoints_away RENAME TO webhook_endpoints');
    }
    expect(answers.map((a) => (a as unknown[]).slice(0, 2))).toEqual([[500, 'INTERNAL'], [500, 'INTERNAL']]);
    // Recorded after the answer went out: wait for both.
    const mine = await eventually('both errors recorded', async () => {
      const listed = await owner.get('/api/admin/alerts');
      expect(listed.status).toBe(200);
      const recorded = listed.body.errors.filter((e: { source: string }) => e.source === 'server');
      return recorded[0]?.count === 2 && recorded;
    });
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ kind: 'DatabaseError', count: 2, context: { method: 'GET', route: '/api/webhooks/endpoints', userId: 'u-owner' } });
    expect(mine[0].message).toContain('webhook_endpoints');
    // The context is the latest occurrence's: its request id is one of the two answered.
    expect(answers.map((a) => (a as unknown[])[2])).toContain(mine[0].context.requestId);
    expect(samples((await scrape()).text).get('plusone_errors_total{source="server",kind="DatabaseError"}')).toBe(2);
    expect((await ritz.get('/api/admin/alerts')).status).toBe(403);
    expect((await server.anonymous().get('/api/admin/alerts')).status).toBe(401);
  });
});

describe('client error reports', () => {
  const report = (n: number) => ({ kind: 'error', message: `x is undefined (${n})`, stack: `TypeError: x\n    at render (app.js:1:2)`, path: '/dashboard/viral' });

  it('are recorded and counted; past the limit they are refused 429 with Retry-After; oversized or odd ones 400', async () => {
    const couple = await server.as('couple@demo.plusone');
    for (let n = 0; n < CLIENT_ERROR_LIMIT.points; n++) expect((await couple.post('/api/client-errors', report(n))).status).toBe(202);
    const refused = await couple.post('/api/client-errors', report(99));
    expect([refused.status, refused.body.error.code]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another user has an allowance of their own.
    expect((await ritz.post('/api/client-errors', report(1))).status).toBe(202);

    const listed = (await owner.get('/api/admin/alerts')).body.errors.filter((e: { source: string }) => e.source === 'client');
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ kind: 'error', count: CLIENT_ERROR_LIMIT.points + 1, context: { path: '/dashboard/viral', userId: 'u-ritz' } });

    expect((await ritz.post('/api/client-errors', { ...report(2), extra: 1 })).status).toBe(400);
    const huge = await fetch(`${server.url}/api/client-errors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: ritz.cookie!, [CSRF_HEADER]: CSRF_VALUE },
      body: JSON.stringify({ ...report(3), stack: 'x'.repeat(20_000) }),
    });
    expect([huge.status, (await huge.json()).error.message]).toEqual([400, 'request body is too large']);
  });
});

describe('/readyz and Redis', () => {
  it('is 503 naming Redis when REDIS_URL is set and Redis does not answer; 200 with it when it does', async () => {
    const express = (await import('express')).default;
    const probe = async (redis: Redis) => {
      const app = express();
      installHealth(app, server.testDb.db, redis);
      const http = app.listen(0, '127.0.0.1');
      await new Promise((r) => http.once('listening', r));
      try {
        const res = await fetch(`http://127.0.0.1:${(http.address() as { port: number }).port}/readyz`);
        return { status: res.status, body: await res.json() };
      } finally {
        http.close();
      }
    };
    // Never connected (a wrong URL at start would stop the process; this is one that went away).
    const bad = createClient({ url: 'redis://127.0.0.1:1' });
    expect(await probe(bad as unknown as Redis)).toEqual({ status: 503, body: { error: { code: 'NOT_READY', message: 'redis is not reachable' } } });

    const good = createClient({ url: TEST_REDIS_URL });
    await good.connect();
    try {
      expect(await probe(good as unknown as Redis)).toEqual({ status: 200, body: { ok: true, database: server.testDb.engine, migrations: 'applied', redis: 'ok' } });
    } finally {
      await good.quit();
    }
  });
});

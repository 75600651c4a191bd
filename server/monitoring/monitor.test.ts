/**
 * The health monitor on a real server, database, socket and ops receiver: a world whose K falls
 * below 1.0 opens one alert (evaluating again does not duplicate it), its severity follows K, it
 * resolves when K is healthy and a later fall opens a new alert; the owner's socket hears each
 * change and the ops receiver gets each one signed (verified with the Standard Webhooks package),
 * a failed delivery being sent again with the same id. A database that stops answering is told
 * to ops directly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../shared/sync/socket';
import type { Db } from '../db/db';
import { addUser, countRows, type TestSocket } from '../test/fixtures';
import { newInvitation, startTestServer, type TestServer } from '../test/server';
import { newSecret } from '../webhooks/store';
import { startReceiver, type Receiver } from '../webhooks/testReceiver';
import { Monitor } from './monitor';
import { createAppMetrics } from './metrics';
import { LatencyWindow } from './requestContext';

const OPS_PATH = '/ops';
let receiver: Receiver;
let server: TestServer;
let ownerSocket: TestSocket;
const heard: AlertEvent[] = [];
const secret = newSecret();

beforeAll(async () => {
  // The first ops delivery fails, the rest succeed.
  receiver = await startReceiver((path) => (path === OPS_PATH ? 'flaky:1' : 'ok'));
  receiver.trust(OPS_PATH, secret);
  server = await startTestServer({ demo: false, env: { MONITOR_INTERVAL_S: '0', OPS_WEBHOOK_URL: receiver.url(OPS_PATH), OPS_WEBHOOK_SECRET: secret } });
  await addUser(server.testDb.db, { id: 'u-boss', email: 'boss@test.plusone', role: 'owner' });
  ownerSocket = await (await server.as('boss@test.plusone', 'test-password')).socket();
  ownerSocket.on('alert:changed', (e) => heard.push(e));
});
afterAll(async () => {
  await server?.close();
  await receiver?.close();
});

let suppliers = 0;
/** `n` new suppliers, each sending one invitation nobody accepts yet. */
async function newInviters(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `u-sup-${suppliers++}`;
    await addUser(server.testDb.db, { id, email: `${id}@test.plusone`, role: 'supplier', orgId: `org-${id}` });
    const client = await server.as(`${id}@test.plusone`, 'test-password');
    expect((await client.push('invitations', [{ newDocumentState: newInvitation(id) }])).body.results[0].outcome).toBe('applied');
    ids.push(id);
  }
  return ids;
}

/** Every invitation of these inviters accepted (a server-side write, as the couple's acceptance is). */
async function acceptAllOf(inviters: string[]): Promise<void> {
  await server.testDb.db.query(
    `UPDATE invitations SET status = 'accepted', write_id = gen_random_uuid(), rev = nextval('plusone_rev'), txid = plusone_txid()
      WHERE inviter_id = ANY($1::text[]) AND status <> 'accepted'`,
    [inviters],
  );
}

/** Recomputes K now, then evaluates; returns the K alert's changes it announced. */
async function evaluate() {
  server.plusone.metrics.markDirty();
  await server.plusone.metrics.settle();
  return (await server.plusone.monitoring.monitor.evaluate()).filter((a) => a.alert.key === 'viral_k');
}

const kOps = () => receiver.received.filter((r) => r.path === OPS_PATH && JSON.parse(r.body).subject === 'viral_k');

describe('the health monitor', () => {
  it('opens a K alert once when K < 1.0, follows its severity, resolves when healthy, and reopens as a new alert', async () => {
    const first = await newInviters(5);
    const opened = await evaluate();
    expect(opened.map((a) => [a.change, a.alert.severity, a.alert.lastValue])).toEqual([['opened', 'critical', 0]]);
    expect(opened[0]!.alert.message).toBe('K is 0, below 1: invitations no longer replace the inviters.');
    const id = opened[0]!.alert.id;

    // The owner's socket heard it (the emit happened before evaluate resolved).
    await expect.poll(() => heard.filter((e) => e.alert.key === 'viral_k').map((e) => [e.change, e.alert.id])).toEqual([['opened', id]]);

    // Evaluating again, K unchanged: nothing new.
    expect(await evaluate()).toEqual([]);
    expect(await countRows(server.testDb.db, 'alerts', `key = 'viral_k'`)).toBe(1);

    // 5 accepted of 5 inviters: K = 1.0, a warning; the same alert, announced as changed.
    await acceptAllOf(first);
    expect((await evaluate()).map((a) => [a.change, a.alert.id, a.alert.severity, a.alert.lastValue])).toEqual([['changed', id, 'warning', 1]]);

    // Each sends one more, all accepted: K = 2, healthy; the alert resolves.
    for (const sup of first) {
      const client = await server.as(`${sup}@test.plusone`, 'test-password');
      await client.push('invitations', [{ newDocumentState: newInvitation(sup) }]);
    }
    await acceptAllOf(first);
    const resolved = await evaluate();
    expect(resolved.map((a) => [a.change, a.alert.id, a.alert.status])).toEqual([['resolved', id, 'resolved']]);
    expect(resolved[0]!.alert.resolvedAt).not.toBeNull();

    // Ten new inviters with nothing accepted: K = 10 / 15 < 1, a new alert.
    await newInviters(10);
    const again = await evaluate();
    expect(again.map((a) => [a.change, a.alert.severity])).toEqual([['opened', 'critical']]);
    expect(again[0]!.alert.id).not.toBe(id);

    const listed = (await (await server.as('boss@test.plusone', 'test-password')).get('/api/admin/alerts')).body;
    expect(listed.open.filter((a: { key: string }) => a.key === 'viral_k').map((a: { id: string }) => a.id)).toEqual([again[0]!.alert.id]);
    expect(listed.resolved.filter((a: { key: string }) => a.key === 'viral_k').map((a: { id: string }) => a.id)).toEqual([id]);
    await expect.poll(() => heard.filter((e) => e.alert.key === 'viral_k').map((e) => e.change)).toEqual(['opened', 'changed', 'resolved', 'opened']);

    // Ops: every change, signed and verified. The very first attempt failed (500) and went again with the same id.
    const all = receiver.received.filter((r) => r.path === OPS_PATH);
    expect(all.every((r) => r.verified)).toBe(true);
    expect(all[0]!.status).toBe(500);
    expect(all.filter((r) => r.status === 200).map((r) => r.headers['webhook-id'])).toContain(all[0]!.headers['webhook-id']);
    const sent = kOps().filter((r) => r.status === 200);
    expect(sent.map((r) => JSON.parse(r.body).type)).toEqual(['alert.opened', 'alert.changed', 'alert.resolved', 'alert.opened']);
    expect(sent.map((r) => r.headers['webhook-id'])).toEqual([`${id}.1`, `${id}.2`, `${id}.3`, `${again[0]!.alert.id}.1`]);
    expect(JSON.parse(sent[1]!.body)).toMatchObject({ source: '/plusone/monitor', subject: 'viral_k', data: { id, severity: 'warning', status: 'open', title: 'Viral coefficient K' } });
    expect(await countRows(server.testDb.db, 'alerts', 'ops_pending')).toBe(0);
  });

  it('when the database stops answering, ops is told directly, once, and again when it answers', async () => {
    const real = server.testDb.db;
    let down = true;
    const flaky = {
      kind: real.kind,
      query: (sql: string, params?: unknown[]) => (down ? Promise.reject(new Error('connection refused')) : real.query(sql, params)),
    } as unknown as Db;
    const monitor = new Monitor({
      db: flaky,
      live: server.plusone.live,
      log: (await import('../log')).createLogger('silent'),
      metrics: createAppMetrics(),
      latency: new LatencyWindow(),
      intervalS: 0,
      ops: { url: receiver.url('/ops-outage'), secret, timeoutMs: 5000 },
    });
    receiver.trust('/ops-outage', secret);
    await expect(monitor.evaluate()).rejects.toThrow('connection refused');
    await expect(monitor.evaluate()).rejects.toThrow('connection refused');
    down = false;
    await monitor.evaluate();
    const sent = receiver.payloads('/ops-outage');
    expect(sent.map((e) => [e.type, e.subject, e.data.severity, e.data.status])).toEqual([
      ['alert.opened', 'database', 'critical', 'open'],
      ['alert.resolved', 'database', 'critical', 'resolved'],
    ]);
    expect(sent[0].data.message).toBe('The database does not answer: connection refused');
    await monitor.stop();
  });
});

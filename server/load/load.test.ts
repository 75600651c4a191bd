/**
 * The load tool's own rules (server/load): its bounds (loopback only, sockets per server, time),
 * the people it writes (sessions that really open sockets, in the rooms of their role), how it
 * turns arrivals into K latencies, and the last line scripts read.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextEvent } from '../test/fixtures';
import { CSRF_HEADER, CSRF_VALUE } from '../../shared/access';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../shared/sync/protocol';
import { newInvitation, startTestServer, type TestServer } from '../test/server';
import { isLoopback, parseLoadArgs } from './args';
import { kLatencies, lastLine, mergeChanges } from './report';
import { insertLoadUsers, layout, roleAt, type LoadUser } from './users';
import { io as connect } from 'socket.io-client';
import type { TestSocket } from '../test/fixtures';

describe('load tool arguments', () => {
  it('reads the documented interface, with 200 pushes/s and one server by default', () => {
    expect(parseLoadArgs(['--users', '1000', '--seconds', '30'])).toEqual({ users: 1000, seconds: 30, servers: 1, urls: [], rate: 200 });
    expect(parseLoadArgs(['--users', '20000', '--seconds', '60', '--servers', '2'])).toMatchObject({ users: 20000, servers: 2 });
    expect(parseLoadArgs(['--users', '10', '--seconds', '5', '--url', 'http://127.0.0.1:3000,http://localhost:3001'])).toMatchObject({ servers: 2, urls: ['http://127.0.0.1:3000', 'http://localhost:3001'] });
  });

  it.each([
    [['--users', '10001', '--seconds', '10'], /--users must be a whole number from 1 to 10000/],
    [['--users', '20001', '--seconds', '10', '--servers', '2'], /from 1 to 20000/],
    [['--users', '10', '--seconds', '601'], /--seconds must be a whole number from 1 to 600/],
    [['--users', '10', '--seconds', '1.5'], /--seconds/],
    [['--users', '10'], /--seconds/],
    [['--users', '10', '--seconds', '5', '--servers', '3'], /--servers/],
    [['--users', '10', '--seconds', '5', '--url', 'http://10.0.0.5:3000'], /loopback/],
    [['--users', '10', '--seconds', '5', '--url', 'http://example.com'], /loopback/],
    [['--users', '10', '--seconds', '5', '--servers', '2', '--url', 'http://127.0.0.1:3000'], /needs 2 comma-separated/],
    [['--users', '10', '--seconds', '5', '--sockets', '5'], /unknown option --sockets/],
    [['--users'], /name value pairs/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseLoadArgs(argv)).toThrow(message);
  });

  it('loopback means this machine, by name or address', () => {
    expect(['http://localhost:3000', 'http://127.0.0.1', 'http://127.9.9.9:80', 'http://[::1]:3000'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['http://192.168.1.2', 'http://localhost.example.com', 'ftp://127.0.0.1', 'not a url'].map(isLoopback)).toEqual([false, false, false, false]);
  });
});

describe('load tool people', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ demo: false });
  });
  afterAll(() => server?.close());

  it('one in fifty is an owner; organisations of ten have a coordinator and suppliers', () => {
    expect(Array.from({ length: 12 }, (_, i) => roleAt(i))).toEqual(['owner', 'coordinator', ...Array(8).fill('supplier'), 'supplier', 'coordinator']);
    const people = layout(120, 'r1');
    expect(people.filter((p) => p.role === 'owner').map((p) => p.id)).toEqual(['u-load-r1-0', 'u-load-r1-50', 'u-load-r1-100']);
    expect(people[13]).toEqual({ id: 'u-load-r1-13', email: 'load-13@r1.load.plusone', role: 'supplier', orgId: 'org-load-r1-1' });
  });

  it("the sessions it writes work for HTTP and sockets: a supplier's push reaches the owner's socket as K", async () => {
    const users = await insertLoadUsers(server.testDb.db, 3, randomBytes(3).toString('hex'));
    expect(users.map((u) => u.role)).toEqual(['owner', 'coordinator', 'supplier']);
    const [owner, , supplier] = users as [LoadUser, LoadUser, LoadUser];
    const me = await fetch(`${server.url}/api/auth/me`, { headers: { cookie: supplier.cookie } });
    expect(await me.json()).toMatchObject({ user: { id: supplier.id, role: 'supplier', orgId: supplier.orgId } });

    const socket: TestSocket = connect(server.url, { transports: ['websocket'], extraHeaders: { cookie: owner.cookie }, reconnection: false, forceNew: true });
    try {
      await new Promise<void>((resolve, reject) => socket.once('connect', () => resolve()).once('connect_error', reject));
      const k = nextEvent(socket, 'metrics:updated', (e) => e.documents.some((d) => d.id === 'platform:7'), 20_000);
      const pushed = await fetch(`${server.url}/api/sync/invitations/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: supplier.cookie, [PROTOCOL_HEADER]: String(PROTOCOL_VERSION), [CSRF_HEADER]: CSRF_VALUE },
        body: JSON.stringify({ rows: [{ newDocumentState: newInvitation(supplier.id), assumedMasterState: null }] }),
      });
      expect((await pushed.json()).results).toEqual([expect.objectContaining({ outcome: 'applied' })]);
      // Small platforms' figures are suppressed (privacy), so the snapshot's arrival is what is checked.
      await k;
    } finally {
      socket.close();
    }
  });
});

describe('load tool figures', () => {
  const trace = (pairs: [number, number][]) => ({ computedAt: Float64Array.from(pairs.map((p) => p[0])), recv: Float64Array.from(pairs.map((p) => p[1])) });

  it('a change is merged from every process with its earliest arrival', () => {
    const seen = [
      { keys: ['a:1', 'b:2'], updatedAt: Float64Array.of(100, 200), firstSeen: Float64Array.of(110, 230) },
      { keys: ['b:2'], updatedAt: Float64Array.of(200), firstSeen: Float64Array.of(205) },
    ];
    expect(mergeChanges(seen)).toEqual([{ lo: 100, hi: 110 }, { lo: 200, hi: 205 }]);
  });

  it('K latency: from the change to the first snapshot computed after it was seen; missing and unresolved apart', () => {
    const changes = [{ lo: 100, hi: 110 }, { lo: 200, hi: 205 }, { lo: 900, hi: 910 }];
    // Snapshot computed at 150 (arrived 160) counts the first change; the one computed at 300 the second.
    const dashboard = trace([[150, 160], [300, 320]]);
    // A dashboard whose snapshots came out of order: the later-computed one counts from its arrival.
    const reordered = trace([[300, 330], [150, 340]]);
    // A dashboard that only got an old snapshot: the change it lacks while a newer snapshot exists is missing.
    // The third change is newer than every snapshot: unresolved on all three (the end of a run).
    const behind = trace([[150, 170]]);

    const k = kLatencies(changes, [dashboard, reordered, behind]);

    expect(k.samples).toEqual([60, 120, 230, 130, 70]);
    expect(k.missing).toBe(1);
    expect(k.unresolved).toBe(3);
  });

  it('the last line keeps the shape scripts read', () => {
    expect(lastLine({ sockets: 1000, pushesPerS: 199.96, changeP99: 12.345, metricsP99: 310, pushP99: 8.04, baselineP99: 20.5, errors: 0 })).toBe(
      'load: sockets=1000 pushes_per_s=200.0 change_p99_ms=12.3 metrics_p99_ms=310.0 push_p99_ms=8.0 baseline_broadcast_p99_ms=20.5 errors=0',
    );
    expect(lastLine({ sockets: 1, pushesPerS: 0, changeP99: Number.NaN, metricsP99: Number.NaN, pushP99: 1, baselineP99: 1, errors: 3 })).toMatch(/change_p99_ms=NaN metrics_p99_ms=NaN .* errors=3$/);
  });
});

/**
 * The hot queries use their indexes (issue 9, point 3). On a PostgreSQL database holding two
 * years of history (12,000 invitations of 400 suppliers in 40 organisations, 3,000 events,
 * counters compacted, ANALYZEd; the planner left free, no `enable_seqscan = off`), the real
 * code runs the hot paths (push: create, then edit and accept; pull by checkpoint for a
 * supplier and a coordinator; K read; counter compaction) while auto_explain reports the plan
 * of every statement it runs, nested ones too (triggers, k_compact's body). No plan may read
 * invitations, viral_events, metrics or the counter tables by a Seq Scan, with one exception
 * by design: the compaction empties each `*_delta` table whole, and a whole-table delete is
 * a scan. PostgreSQL only: PGlite is the one-person embedded engine.
 */
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../../shared/roles';
import { windowEnding, utcDay } from '../../shared/viral';
import { pullEvents, pushEvents, recordEvents, type NewEvent } from '../sync/events';
import { insertInvitations, pullInvitations, pushInvitations, type NewInvitation } from '../sync/invitations';
import { freshDb, hasPostgres, type TestDb } from '../test/databases';
import { newInvitation } from '../test/server';
import { compactCounters, readWindow } from '../viral/kCounters';
import type { Queryable } from './db';

const SUPPLIERS = 400;
const ORGS = 40;
const INVITATIONS = 12_000;
const EVENTS = 3_000;
const DAY_MS = 86_400_000;
/** Tables whose hot reads must go through an index. */
const GUARDED = /^(invitations|viral_events|metrics|k_\w+)$/;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}
interface Explained {
  sql: string;
  plan: PlanNode;
}

const supplier = (i: number): SessionUser => ({ id: `u-x-${i}`, email: `x${i}@explain.test`, name: `x${i}`, role: 'supplier', orgId: `org-x-${i % ORGS}`, orgName: null });

function seqScans(node: PlanNode): string[] {
  const own = node['Node Type'] === 'Seq Scan' && node['Relation Name'] ? [node['Relation Name']] : [];
  return [...own, ...(node.Plans ?? []).flatMap(seqScans)];
}

let testDb: TestDb;
let client: pg.Client;
let explained: Explained[] = [];

/** A Queryable over the auto_explain session; int8 as numbers, as the app's pool gives them. */
const session: Queryable = {
  query: async (sql, params) => (await client.query(sql, params as unknown[])).rows,
  exec: async (sql) => void (await client.query(sql)),
};

async function inTransaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await fn(session);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}

/** The plans of every statement `fn` runs (nested ones included). */
async function plansOf(fn: () => Promise<unknown>): Promise<Explained[]> {
  explained = [];
  await client.query(`SET auto_explain.log_min_duration = 0`);
  try {
    await fn();
  } finally {
    await client.query(`SET auto_explain.log_min_duration = -1`);
  }
  return explained.filter((e) => !/^SET auto_explain/.test(e.sql));
}

const scansIn = (plans: Explained[]) => plans.flatMap((e) => seqScans(e.plan).filter((t) => GUARDED.test(t)).map((table) => `${table}: ${e.sql.slice(0, 120)}`));

async function seed(db: Queryable): Promise<void> {
  // Accounts without passwords (nobody signs in here; a scrypt hash each would take minutes).
  const people = [...Array.from({ length: SUPPLIERS }, (_, i) => supplier(i)), { ...supplier(0), id: 'u-x-coordinator', email: 'coordinator@explain.test', role: 'coordinator' as const }];
  await db.query('INSERT INTO organisations (id, name) SELECT DISTINCT o, o FROM unnest($1::text[]) AS o', [people.map((p) => p.orgId)]);
  await db.query(
    `INSERT INTO users (id, email, name, role, org_id, created_at) SELECT id, email, id, role, org, now() - interval '800 days'
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(id, email, role, org)`,
    [people.map((p) => p.id), people.map((p) => p.email), people.map((p) => p.role), people.map((p) => p.orgId)],
  );
  const now = Date.now();
  const statuses = ['queued', 'sent', 'delivered', 'opened', 'accepted', 'declined'] as const;
  const channels = ['email', 'sms', 'whatsapp'] as const;
  const rows: NewInvitation[] = Array.from({ length: INVITATIONS }, (_, i) => {
    const at = new Date(now - ((i * 7919) % 730) * DAY_MS - (i % 1000) * 1000);
    const s = supplier(i % SUPPLIERS);
    return {
      ...newInvitation(s.id, { recipientEmail: `guest${i}@example.com`, channel: channels[i % 3]!, status: statuses[i % statuses.length]! }),
      orgId: s.orgId,
      deleted: false,
      createdAt: at,
      countedAt: at,
      timeSource: 'server',
      ...(statuses[i % statuses.length] === 'accepted' ? { acceptedAt: new Date(at.getTime() + DAY_MS) } : {}),
    };
  });
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += 2000) ids.push(...(await insertInvitations(db, rows.slice(i, i + 2000))).map((r) => r.id));
  const events: NewEvent[] = Array.from({ length: EVENTS }, (_, i) => {
    const s = supplier(i % SUPPLIERS);
    const at = new Date(now - ((i * 7919) % 730) * DAY_MS);
    return { type: 'invitation.opened', actorId: null, invitationId: ids[i]!, inviterId: s.id, orgId: s.orgId, capturedAt: at, countedAt: at, timeSource: 'server' };
  });
  await recordEvents(db, events);
  await compactCounters(db);
  await db.exec('ANALYZE');
}

describe.runIf(hasPostgres)('the hot queries use their indexes (EXPLAIN on PostgreSQL)', () => {
  beforeAll(async () => {
    testDb = await freshDb('postgres');
    await seed(testDb.db);
    client = new pg.Client({ connectionString: testDb.url, types: { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === 20 ? Number : pg.types.getTypeParser(oid, format)) } as pg.CustomTypesConfig });
    await client.connect();
    client.on('notice', (n) => {
      const json = n.message?.slice(n.message.indexOf('{'));
      if (!json?.startsWith('{')) return;
      const { 'Query Text': sql, Plan: plan } = JSON.parse(json) as { 'Query Text': string; Plan: PlanNode };
      explained.push({ sql: sql.replace(/\s+/g, ' ').trim(), plan });
    });
    await client.query(`LOAD 'auto_explain'`);
    await client.query(`SET auto_explain.log_level = notice; SET auto_explain.log_format = json; SET auto_explain.log_nested_statements = on; SET auto_explain.log_min_duration = -1`);
  }, 240_000);
  afterAll(async () => {
    await client?.end();
    await testDb?.drop();
  });

  it('push: creating an invitation, editing it and accepting it', async () => {
    const inviter = { ...supplier(7), createdAt: new Date(Date.now() - 800 * DAY_MS) };
    const first = newInvitation(inviter.id, { recipientEmail: 'coordinator@explain.test' });
    const plans = await plansOf(async () => {
      await inTransaction((tx) => pushInvitations(tx, inviter, [{ newDocumentState: first, assumedMasterState: null }], new Date()));
      const [current] = await session.query<{ rev: number }>('SELECT rev FROM invitations WHERE id = $1', [first.id]);
      const edit = { ...first, recipientName: 'Another Name', writeId: uuidv7(), rev: current!.rev };
      await inTransaction((tx) => pushInvitations(tx, inviter, [{ newDocumentState: edit, assumedMasterState: { ...first, rev: current!.rev } }], new Date()));
      const acceptor = { id: 'u-x-coordinator', email: 'coordinator@explain.test', name: 'c', role: 'coordinator' as const, orgId: 'org-x-0', orgName: null, createdAt: new Date(Date.now() - 800 * DAY_MS) };
      const accepted = { id: uuidv7(), type: 'invitation.accepted' as const, invitationId: first.id, capturedAt: new Date().toISOString(), deviceId: 'explain' };
      const outcome = await inTransaction((tx) => pushEvents(tx, acceptor, [accepted], new Date()));
      expect(outcome.results).toEqual([{ id: accepted.id, outcome: 'applied' }]);
    });
    expect(plans.map((p) => p.sql)).toEqual(expect.arrayContaining([expect.stringMatching(/^INSERT INTO invitations/), expect.stringMatching(/^UPDATE invitations/)]));
    expect(scansIn(plans)).toEqual([]);
  });

  it('pull by checkpoint: a supplier from the start and from the middle, a coordinator, their events', async () => {
    const middle = (await session.query<{ txid: number; rev: number }>(`SELECT txid, rev FROM invitations ORDER BY txid, rev OFFSET ${INVITATIONS / 2} LIMIT 1`))[0]!;
    const coordinator: SessionUser = { id: 'u-x-coordinator', email: 'coordinator@explain.test', name: 'c', role: 'coordinator', orgId: 'org-x-0', orgName: null };
    const plans = await plansOf(async () => {
      expect((await pullInvitations(session, supplier(3), null, 100)).documents.length).toBeGreaterThan(0);
      await pullInvitations(session, supplier(3), middle, 100);
      expect((await pullInvitations(session, coordinator, null, 100)).documents.length).toBe(100);
      await pullInvitations(session, coordinator, middle, 100);
      await pullEvents(session, supplier(3), null, 100);
      await pullEvents(session, coordinator, middle, 100);
    });
    expect(plans.filter((p) => /^WITH h AS .* FROM (invitations|viral_events) t/.test(p.sql))).toHaveLength(6);
    expect(scansIn(plans)).toEqual([]);
  });

  it('K read: the platform over 7, 30 and 90 days, and one channel', async () => {
    const today = utcDay(new Date());
    const plans = await plansOf(async () => {
      for (const days of [7, 30, 90]) expect((await readWindow(session, 'all', '', windowEnding(today, days))).sent).toBeGreaterThan(0);
      await readWindow(session, 'channel', 'sms', windowEnding(today, 30));
    });
    expect(plans).toHaveLength(4);
    expect(scansIn(plans)).toEqual([]);
  });

  it('counters compaction: the deltas of a few writes folded in; only the deltas themselves are read whole', async () => {
    const inviter = { ...supplier(11), createdAt: new Date(Date.now() - 800 * DAY_MS) };
    await inTransaction((tx) => pushInvitations(tx, inviter, [1, 2, 3].map(() => ({ newDocumentState: newInvitation(inviter.id), assumedMasterState: null })), new Date()));
    const plans = await plansOf(async () => {
      expect(await compactCounters(session)).toBeGreaterThan(0);
    });
    const wholeDeltas = plans.filter((p) => /^WITH d AS \(DELETE FROM k_\w+_delta RETURNING \*\)/.test(p.sql));
    expect(wholeDeltas).toHaveLength(3);
    expect(scansIn(plans.filter((p) => !wholeDeltas.includes(p)))).toEqual([]);
    expect(wholeDeltas.flatMap((p) => seqScans(p.plan)).sort()).toEqual(['k_cycle_delta', 'k_daily_delta', 'k_reach_delta']);
  });
});

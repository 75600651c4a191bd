/**
 * The invitation rate limit as a push gate (SPEC LIM1), on a real database and on Redis: per
 * inviter, the hour and day allowances of their limit tier; the first ones of a batch go and the
 * rest are refused with RATE_LIMITED and the time their allowance frees; refused invitations,
 * duplicates and rolled-back pushes spend nothing; two server processes count together.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/errors';
import type { PushResult } from '../../shared/sync/protocol';
import type { Db } from '../db/db';
import type { CreateGate, PushUser } from '../sync/gates';
import { pushInvitations } from '../sync/invitations';
import { freshDb, type Engine, type TestDb } from '../test/databases';
import { twoProcesses } from '../test/redis';
import { addUser, countRows } from '../test/fixtures';
import { newInvitation } from '../test/server';
import { invitationLimitGate, limitTierFor, refundOnRollback } from './invitations';
import { limiterStore } from './store';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

async function newSupplier(db: Db, setup?: 'premium' | 'gold'): Promise<PushUser> {
  const id = `lim-${randomUUID()}`;
  await addUser(db, { id, email: `${id}@example.com`, role: 'supplier' });
  if (setup === 'premium') await db.query(`UPDATE users SET plan = 'premium' WHERE id = $1`, [id]);
  if (setup === 'gold') await db.query(`INSERT INTO connector_stats (supplier_id, connections, score, tier) VALUES ($1, 60, 640, 'gold')`, [id]);
  return { id, email: `${id}@example.com`, name: id, role: 'supplier', orgId: null, orgName: null, createdAt: new Date(0) };
}

const rowsOf = (user: PushUser, n: number) => Array.from({ length: n }, () => ({ newDocumentState: newInvitation(user.id), assumedMasterState: null }));

/** One push through the Db the sync routes use (refunds on rollback), gated by `gate`. */
async function push(db: Db, gate: CreateGate, user: PushUser, rows: ReturnType<typeof rowsOf>): Promise<PushResult[]> {
  return (await refundOnRollback(db).transaction((tx) => pushInvitations(tx, user, rows, new Date(), [gate]))).results;
}

const outcomes = (results: PushResult[]) => results.map((r) => r.outcome);
const written = (db: Db, user: PushUser) => countRows(db, 'invitations', 'inviter_id = $1', [user.id]);
/** Lets an hour pass for this inviter: their hourly counter goes. */
const hourPasses = (db: Db, user: PushUser) => db.query(`DELETE FROM rate_limits WHERE key LIKE 'invitations-hour:%:' || $1`, [user.id]);

function expectRefusedUntil(result: PushResult, msFromNow: number, window: 'hour' | 'day') {
  expect(result.outcome).toBe('refused');
  expect(result.error?.code).toBe(ErrorCode.RATE_LIMITED);
  expect(result.error?.message).toContain(`${window === 'hour' ? 'an hour' : 'a day'} is the limit`);
  const retryIn = new Date(result.error!.retryAt!).getTime() - Date.now();
  expect(retryIn).toBeGreaterThan(msFromNow - 120_000);
  expect(retryIn).toBeLessThanOrEqual(msFromNow);
}

describe('invitation rate limit on the database (PostgreSQL)', () => {
  let t: TestDb;
  let gate: CreateGate;
  beforeAll(async () => {
    t = await freshDb();
    gate = invitationLimitGate(limiterStore(t.db));
  });
  afterAll(() => t.drop());

  it("LIM1: a regular supplier's 11th invitation in an hour is refused with RATE_LIMITED and a retryAt about an hour out; the first 10 are written", async () => {
    const user = await newSupplier(t.db);
    expect(await limitTierFor(t.db, user.id)).toBe('regular');
    expect(outcomes(await push(t.db, gate, user, rowsOf(user, 4)))).toEqual(Array(4).fill('applied'));
    // A batch of 7 with 6 left: the first 6 in push order go.
    const batch = rowsOf(user, 7);
    const results = await push(t.db, gate, user, batch);
    expect(outcomes(results)).toEqual([...Array(6).fill('applied'), 'refused']);
    expectRefusedUntil(results[6]!, HOUR_MS, 'hour');
    expect(results[6]!.id).toBe(batch[6]!.newDocumentState.id);
    expect(await written(t.db, user)).toBe(10);
    // Refused invitations spent nothing: the counters hold exactly the 10 written.
    const counters = await t.db.query<{ key: string; points: number }>('SELECT key, points FROM rate_limits WHERE key LIKE $1 ORDER BY key', [`%:${user.id}`]);
    expect(counters.map((c) => c.points)).toEqual([10, 10]);
  });

  it('LIM1: a batch of 15 with 10 left writes the first 10 and refuses 5', async () => {
    const user = await newSupplier(t.db);
    const results = await push(t.db, gate, user, rowsOf(user, 15));
    expect(outcomes(results)).toEqual([...Array(10).fill('applied'), ...Array(5).fill('refused')]);
    expect(await written(t.db, user)).toBe(10);
  });

  it('LIM1: a premium supplier may send 20 an hour, a gold super-connector 30', async () => {
    const premium = await newSupplier(t.db, 'premium');
    expect(await limitTierFor(t.db, premium.id)).toBe('premium');
    expect(outcomes(await push(t.db, gate, premium, rowsOf(premium, 21)))).toEqual([...Array(20).fill('applied'), 'refused']);
    const gold = await newSupplier(t.db, 'gold');
    expect(await limitTierFor(t.db, gold.id)).toBe('super-connector');
    const results = await push(t.db, gate, gold, rowsOf(gold, 31));
    expect(outcomes(results)).toEqual([...Array(30).fill('applied'), 'refused']);
    expect(results[30]!.error?.message).toContain('super-connector');
    expect(await written(t.db, gold)).toBe(30);
  });

  it('LIM1: the day allows 50 to a regular supplier; the 51st waits about a day', async () => {
    const user = await newSupplier(t.db);
    for (let hour = 0; hour < 5; hour++) {
      expect(outcomes(await push(t.db, gate, user, rowsOf(user, 11)))).toEqual([...Array(10).fill('applied'), 'refused']);
      await hourPasses(t.db, user);
    }
    const results = await push(t.db, gate, user, rowsOf(user, 1));
    expectRefusedUntil(results[0]!, DAY_MS, 'day');
    expect(await written(t.db, user)).toBe(50);
  });

  it('LIM1: a duplicate push spends nothing', async () => {
    const user = await newSupplier(t.db);
    const first = rowsOf(user, 5);
    expect(outcomes(await push(t.db, gate, user, first))).toEqual(Array(5).fill('applied'));
    expect(outcomes(await push(t.db, gate, user, first))).toEqual(Array(5).fill('duplicate'));
    expect(outcomes(await push(t.db, gate, user, rowsOf(user, 5)))).toEqual(Array(5).fill('applied'));
    expect(outcomes(await push(t.db, gate, user, rowsOf(user, 1)))).toEqual(['refused']);
  });

  it('LIM1: a push that rolls back gives its allowance back', async () => {
    const user = await newSupplier(t.db);
    const failing = refundOnRollback(t.db).transaction(async (tx) => {
      await pushInvitations(tx, user, rowsOf(user, 8), new Date(), [gate]);
      throw new Error('the push failed after the gate');
    });
    await expect(failing).rejects.toThrow('the push failed');
    expect(outcomes(await push(t.db, gate, user, rowsOf(user, 11)))).toEqual([...Array(10).fill('applied'), 'refused']);
  });

  it('LIM1: two server processes on one database count together', async () => {
    const user = await newSupplier(t.db);
    const other = invitationLimitGate(limiterStore(t.db));
    expect(outcomes(await push(t.db, gate, user, rowsOf(user, 6)))).toEqual(Array(6).fill('applied'));
    expect(outcomes(await push(t.db, other, user, rowsOf(user, 6)))).toEqual([...Array(4).fill('applied'), 'refused', 'refused']);
  });
});

describe.each<Engine>(['pglite'])('invitation rate limit on %s', (engine) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb(engine);
  });
  afterAll(() => t.drop());

  it('LIM1: counts inside the push on the one-connection embedded database (no deadlock)', async () => {
    const user = await newSupplier(t.db);
    const gate = invitationLimitGate(limiterStore(t.db));
    expect(outcomes(await push(t.db, gate, user, rowsOf(user, 11)))).toEqual([...Array(10).fill('applied'), 'refused']);
  });
});

describe('invitation rate limit on Redis', () => {
  const w = twoProcesses();

  it('LIM1: two processes with their own Redis connections count together, and the rate_limits table stays empty', async () => {
    const user = await newSupplier(w.t.db);
    const [a, b] = [invitationLimitGate(limiterStore(w.t.db, w.r1)), invitationLimitGate(limiterStore(w.t.db, w.r2))];
    expect(outcomes(await push(w.t.db, a, user, rowsOf(user, 6)))).toEqual(Array(6).fill('applied'));
    const results = await push(w.t.db, b, user, rowsOf(user, 6));
    expect(outcomes(results)).toEqual([...Array(4).fill('applied'), 'refused', 'refused']);
    expectRefusedUntil(results[5]!, HOUR_MS, 'hour');
    expect(await written(w.t.db, user)).toBe(10);
    expect(await countRows(w.t.db, 'rate_limits')).toBe(0);
  });

  it('LIM1: a push that rolls back gives its Redis points back', async () => {
    const user = await newSupplier(w.t.db);
    const gate = invitationLimitGate(limiterStore(w.t.db, w.r1));
    const failing = refundOnRollback(w.t.db).transaction(async (tx) => {
      await pushInvitations(tx, user, rowsOf(user, 8), new Date(), [gate]);
      throw new Error('the push failed after the gate');
    });
    await expect(failing).rejects.toThrow('the push failed');
    expect(outcomes(await push(w.t.db, gate, user, rowsOf(user, 11)))).toEqual([...Array(10).fill('applied'), 'refused']);
  });
});

/**
 * /api/experiments over real HTTP on the real database: who may use it, template validation in
 * plain words, results that match the counters and the bookings, a winner recorded once, a
 * promotion that is an event and reaches every device as config, Thompson reweighting that
 * syncs while returning inviters keep their variant, the split check that catches a skewed
 * split, and the template delivery loads.
 */
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignVariant } from '../../shared/experiments/assign';
import { EXPERIMENT_RESULTS_ID, ExperimentsData } from '../../shared/experiments/config';
import { chiSquarePValue } from '../../shared/experiments/stats';
import { channels } from '../../shared/invitation';
import { defaultTemplates, validateTemplate } from '../../shared/templates';
import { checkDrift, rebuildCounters } from '../viral/kRebuild';
import { compactCounters } from '../viral/kCounters';
import type { Db } from '../db/db';
import { insertInvitations } from '../sync/invitations';
import { countRows, pullAll, TEST_PASSWORD } from '../test/fixtures';
import { newInvitation, startTestServer, type ApiClient, type TestServer } from '../test/server';
import { person } from '../segments/segmentsFixtures';
import { reweightExperiments } from './bandit';
import { ensureDefaultExperiments, readConfigs, starterVariants } from './store';
import { loadTemplate } from './templates';

let server: TestServer;
let db: Db;
let owner: ApiClient;
let supplier: ApiClient;

beforeAll(async () => {
  server = await startTestServer({ demo: false });
  db = server.testDb.db;
  await person(db, 'x-owner', 'owner');
  await person(db, 'x-supplier', 'supplier');
  owner = await server.as('x-owner@segments.test', TEST_PASSWORD);
  supplier = await server.as('x-supplier@segments.test', TEST_PASSWORD);
});
afterAll(() => server?.close());

/** `n` invitations per inviter on a channel and variant, `accepted` of them accepted, the rest sent. */
async function invitations(channel: 'email' | 'sms' | 'whatsapp', variant: string, inviters: string[], n: number, accepted: number) {
  const now = new Date();
  for (const inviter of inviters) {
    await insertInvitations(
      db,
      Array.from({ length: n }, (_, i) => ({
        ...newInvitation(inviter, { channel, variant, status: i < accepted ? 'accepted' : 'sent', recipientPhone: channel === 'email' ? null : '+447911123456' }),
        orgId: null,
        deleted: false,
        createdAt: now,
        countedAt: now,
        timeSource: 'device' as const,
      })),
    );
  }
}

async function people(prefix: string, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  for (const id of ids) await person(db, id);
  return ids;
}

describe('experiments API', () => {
  it('is the owner’s: 401 without a session, 403 for anyone else', async () => {
    expect((await server.anonymous().get('/api/experiments')).status).toBe(401);
    expect((await supplier.get('/api/experiments')).status).toBe(403);
    expect((await supplier.post('/api/experiments/email/variants/control', { subject: 'x', body: '{{link}}' })).body.error.code).toBe('FORBIDDEN');
    expect((await supplier.post('/api/experiments/email/promote', { variant: 'control' })).status).toBe(403);
    expect((await owner.get('/api/experiments/fax')).status).toBe(404);
  });

  it('starts with an experiment per channel: control and variant_a, evenly split', async () => {
    const res = await owner.get('/api/experiments');
    expect(res.status).toBe(200);
    expect(res.body.experiments.map((e: any) => e.channel)).toEqual(['email', 'sms', 'whatsapp']);
    for (const e of res.body.experiments) {
      expect(e.variants.map((v: any) => [v.name, v.weight])).toEqual([['control', 1], ['variant_a', 1]]);
      expect(e).toMatchObject({ mode: 'fixed', threshold: 0.95, status: 'running', defaultVariant: 'control' });
    }
    expect(res.body.experiments[0].variants[0]).toMatchObject(defaultTemplates.email);
    for (const c of channels) expect(validateTemplate(c, starterVariants[c]), c).toEqual([]);
    expect(res.body.results).toHaveLength(3);
  });

  it('refuses a template with an unknown variable or too long for SMS, saying why', async () => {
    const bad = await owner.post('/api/experiments/email/variants/variant_a', { subject: 'Hi {{firstName}}', body: 'Join {{link}}' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_INPUT');
    expect(bad.body.error.details.problems).toEqual([expect.stringContaining('unknown variable {{firstName}}')]);
    const long = await owner.post('/api/experiments/sms/variants/variant_a', { body: 'x'.repeat(500) + ' {{link}}' });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toMatch(/segments, over the limit of 3/);
    const noLink = await owner.post('/api/experiments/whatsapp/variants/variant_b', { body: 'Hello from {{venue}}' });
    expect(noLink.body.error.details.problems).toEqual(['The body must include the invite link, {{link}}.']);
    expect((await owner.post('/api/experiments/sms/variants/Bad-Name', { body: '{{link}}' })).status).toBe(400);
  });

  it('saves a valid template, adds a new variant, and delivery loads it (falling back to the default)', async () => {
    const saved = await owner.post('/api/experiments/email/variants/variant_a', { subject: '{{inviterName}} saved you a seat', body: 'Come along: {{link}}' });
    expect(saved.status).toBe(200);
    expect(await loadTemplate(db, 'email', 'variant_a')).toEqual({ subject: '{{inviterName}} saved you a seat', body: 'Come along: {{link}}' });
    const added = await owner.post('/api/experiments/whatsapp/variants/variant_b', { body: 'Hi! {{link}}', weight: 0 });
    expect(added.body.experiment.variants.map((v: any) => [v.name, v.weight])).toEqual([['control', 1], ['variant_a', 1], ['variant_b', 0]]);
    // An unknown variant gets the experiment's default; no experiment row at all, the shared default.
    expect(await loadTemplate(db, 'sms', 'variant_zz')).toEqual(defaultTemplates.sms);
    await db.query(`DELETE FROM experiments WHERE channel = 'whatsapp'`);
    expect(await loadTemplate(db, 'whatsapp', 'control')).toEqual(defaultTemplates.whatsapp);
    await db.query(`DELETE FROM experiments`);
    await ensureDefaultExperiments(db); // as at start: every channel gets its starter experiment
  });

  it('results per variant match the counters and the bookings', async () => {
    const c = await people('sms-c', 6);
    const a = await people('sms-a', 6);
    await invitations('sms', 'control', c, 10, 1); // 60 sent, 6 accepted
    await invitations('sms', 'variant_a', a, 10, 2); // 60 sent, 12 accepted
    // Another channel: not counted here. Five of them, so that arm shows (a hidden one would hide
    // SMS variant_a too: variant_a's total over the channels minus it would give the hidden one away).
    await invitations('email', 'variant_a', a.slice(0, 5), 2, 0);
    // A referred couple with a booking, brought in by a variant_a SMS invitation.
    const couple = await person(db, 'sms-couple', 'couple');
    const [inv] = await db.query<{ id: string }>(`SELECT id FROM invitations WHERE channel = 'sms' AND variant = 'variant_a' AND status = 'accepted' LIMIT 1`);
    await db.query('UPDATE users SET referred_by = $2, referral_invitation_id = $3 WHERE id = $1', [couple, a[0], inv!.id]);
    await db.query('INSERT INTO bookings (id, couple_id, amount_cents, booked_at) VALUES ($1, $2, 250000, now())', [uuidv7(), couple]);

    const res = await owner.get('/api/experiments/sms');
    const [control, variantA] = res.body.results.variants;
    expect(control).toMatchObject({ name: 'control', sends: 60, deliveries: 6, opens: 6, acceptances: 6, inviters: 6, bookings: 0, chanceToBeatControl: null });
    expect(variantA).toMatchObject({ name: 'variant_a', sends: 60, acceptances: 12, inviters: 6, bookings: 1, bookingCents: 250000 });
    expect(variantA.rate).toBeCloseTo(13 / 62, 10);
    expect(variantA.rateLow).toBeLessThan(variantA.rate);
    expect(variantA.chanceToBeatControl).toBeGreaterThan(0.85);
    expect(variantA.chanceToBeatControl).toBeLessThan(0.99);
    expect(res.body.results.srm).toMatchObject({ mismatch: false, skipped: expect.stringMatching(/fewer than 20/) });
  });

  it('records a winner once, with one experiment.winner event, when a variant passes the threshold', async () => {
    await owner.post('/api/experiments/sms/settings', { threshold: 0.9 });
    const first = await owner.get('/api/experiments/sms');
    expect(first.body.results.leader).toBe('variant_a');
    expect(first.body.results.winner).toBe('variant_a');
    await owner.get('/api/experiments/sms');
    await server.plusone.metrics.refresh();
    expect(await countRows(db, 'viral_events', `type = 'experiment.winner'`)).toBe(1);
    const [event] = await db.query<{ data: any }>(`SELECT data FROM viral_events WHERE type = 'experiment.winner'`);
    expect(event!.data).toMatchObject({ channel: 'sms', variant: 'variant_a', threshold: 0.9 });
  });

  it('sends the config to every device and the results only to the owner', async () => {
    await server.plusone.metrics.refresh();
    const seen = async (client: ApiClient) => (await pullAll(client, 'metrics')).documents.filter((d: any) => d.kind === 'experiments');
    const mine = await seen(supplier);
    expect(mine.map((d: any) => d.id)).toEqual(['experiments']);
    const config = ExperimentsData.parse(mine[0].data);
    expect(config.results).toBeUndefined();
    expect(config.experiments.map((e) => e.channel)).toEqual(['email', 'sms', 'whatsapp']);
    const owners = await seen(owner);
    expect(owners.map((d: any) => d.id).sort()).toEqual(['experiments', EXPERIMENT_RESULTS_ID]);
    const results = ExperimentsData.parse(owners.find((d: any) => d.id === EXPERIMENT_RESULTS_ID).data);
    expect(results.results?.find((r) => r.channel === 'sms')?.winner).toBe('variant_a');
  });

  it('promotes a variant in one click: an event, and everyone gets it from then on', async () => {
    expect((await owner.post('/api/experiments/sms/promote', { variant: 'variant_q' })).status).toBe(400);
    const res = await owner.post('/api/experiments/sms/promote', { variant: 'variant_a' });
    expect(res.status).toBe(200);
    expect(res.body.experiment).toMatchObject({ status: 'concluded', defaultVariant: 'variant_a' });
    expect(res.body.event).toMatchObject({ type: 'experiment.promoted', actorId: 'x-owner', data: { channel: 'sms', variant: 'variant_a', previousDefault: 'control' } });
    expect(await countRows(db, 'viral_events', `type = 'experiment.promoted'`)).toBe(1);
    expect((await supplier.get('/api/experiments/assignment')).body.assignments.sms).toBe('variant_a');
    await server.plusone.metrics.refresh();
    const doc = (await pullAll(supplier, 'metrics')).documents.find((d: any) => d.id === 'experiments');
    expect(ExperimentsData.parse(doc.data).experiments.find((e) => e.channel === 'sms')).toMatchObject({ status: 'concluded', defaultVariant: 'variant_a' });
    // A promoted variant's template is what delivery sends for a variant that no longer exists.
    expect((await loadTemplate(db, 'sms', 'gone')).body).toBe((await loadTemplate(db, 'sms', 'variant_a')).body);
  });

  it('Thompson mode moves the weights toward the better variant, and the new weights sync', async () => {
    const c = await people('wa-c', 10);
    const a = await people('wa-a', 10);
    await invitations('whatsapp', 'control', c, 20, 2); // 10%
    await invitations('whatsapp', 'variant_a', a, 20, 6); // 30%
    expect(await reweightExperiments(db, new Date())).toEqual([]); // fixed mode: nothing moves
    await owner.post('/api/experiments/whatsapp/settings', { mode: 'thompson' });
    expect(await reweightExperiments(db, new Date())).toEqual(['whatsapp']);
    expect(await reweightExperiments(db, new Date())).toEqual([]); // same data, same weights
    await server.plusone.metrics.refresh();
    const doc = (await pullAll(supplier, 'metrics')).documents.find((d: any) => d.id === 'experiments');
    const wa = ExperimentsData.parse(doc.data).experiments.find((e) => e.channel === 'whatsapp')!;
    const weight = (name: string) => wa.variants.find((v) => v.name === name)!.weight;
    expect(weight('variant_a')).toBeGreaterThan(0.9);
    expect(weight('control')).toBeGreaterThanOrEqual(0.05);
    const res = await owner.get('/api/experiments/whatsapp');
    expect(res.body.results.srm.skipped).toMatch(/Thompson/);
  });

  it('after a reweight a returning inviter keeps their arm, and a new one follows the new weights', async () => {
    const wa = (await readConfigs(db)).find((e) => e.channel === 'whatsapp')!;
    const even = { ...wa, variants: wa.variants.map((v) => ({ ...v, weight: 1 })) };
    // A control inviter from the test above whom the new weights alone would move to variant_a.
    const returning = Array.from({ length: 10 }, (_, i) => `wa-c-${i}`).find((id) => assignVariant(wa, id) === 'variant_a');
    expect(returning, 'the new weights move some control inviter').toBeDefined();
    const [held] = await db.query<{ variants: string[] }>(`SELECT array_agg(DISTINCT variant) AS variants FROM invitations WHERE inviter_id = $1 AND channel = 'whatsapp'`, [returning]);
    expect(held!.variants).toEqual(['control']);
    const as = async (id: string) => (await (await server.as(`${id}@segments.test`, TEST_PASSWORD)).get('/api/experiments/assignment')).body.assignments;
    expect((await as(returning!)).whatsapp).toBe('control');
    // Someone new, whom the even split would have put in control: the new weights decide.
    let newcomer = '';
    for (let i = 0; !newcomer; i++) if (assignVariant(even, `wa-new-${i}`) === 'control' && assignVariant(wa, `wa-new-${i}`) === 'variant_a') newcomer = `wa-new-${i}`;
    await person(db, newcomer);
    expect((await as(newcomer)).whatsapp).toBe('variant_a');
    // A new round starts afresh: invitations from before it hold no one.
    const [{ started_at }] = (await db.query<{ started_at: Date }>(`SELECT started_at FROM experiments WHERE channel = 'whatsapp'`)) as [{ started_at: Date }];
    await db.query(`UPDATE experiments SET started_at = now() + interval '1 minute' WHERE channel = 'whatsapp'`);
    expect((await as(returning!)).whatsapp).toBe('variant_a');
    await db.query(`UPDATE experiments SET started_at = $1 WHERE channel = 'whatsapp'`, [started_at]);
  });

  it('warns of a sample ratio mismatch when the inviters split far from the weights', async () => {
    // 30 new inviters, every one in control, under an even split.
    await invitations('email', 'control', await people('srm-c', 30), 1, 0);
    const res = await owner.get('/api/experiments/email');
    expect(res.body.experiment.mode).toBe('fixed');
    // The oracle: Pearson's chi-square from the raw rows (distinct inviters per variant), by hand.
    const rows = await db.query<{ variant: string; n: number }>(
      `SELECT variant, count(DISTINCT inviter_id)::int AS n FROM invitations WHERE channel = 'email' AND NOT deleted GROUP BY variant`,
    );
    const observed = ['control', 'variant_a'].map((v) => rows.find((r) => r.variant === v)?.n ?? 0);
    expect(observed[0]).toBeGreaterThanOrEqual(30);
    const expected = (observed[0]! + observed[1]!) / 2;
    const chi = observed.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
    expect(res.body.results.variants.map((v: any) => v.inviters)).toEqual(observed);
    expect(res.body.results.srm).toMatchObject({ mismatch: true, skipped: null });
    expect(res.body.results.srm.chiSquare).toBeCloseTo(chi, 6);
    expect(res.body.results.srm.pValue).toBeLessThan(0.001);
    expect(res.body.results.srm.pValue).toBeCloseTo(chiSquarePValue(chi, 1), 10);
  });

  it('the experiment counters match the raw rows, and a rebuild restores them', async () => {
    await compactCounters(db);
    expect((await checkDrift(db)).total).toBe(0);
    for (const table of ['k_daily', 'k_inviter_days', 'k_reach', 'k_cycle']) await db.query(`DELETE FROM ${table} WHERE dim = 'experiment'`);
    expect((await checkDrift(db)).total).toBeGreaterThan(0);
    await db.transaction((tx) => rebuildCounters(tx));
    expect((await checkDrift(db)).total).toBe(0);
  });
});

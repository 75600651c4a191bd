/**
 * The yearly anonymisation on a real server and database: invitations older than 365 days
 * lose who they were for, the counters and the drift check do not move, a second run changes
 * nothing, every run is logged, and a run beside concurrent pushes leaves the counters right.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import { ANONYMISED_DOMAIN } from '../../shared/privacy';
import { addUser, TEST_PASSWORD } from '../test/fixtures';
import { newInvitation, startTestServer, type ApiClient, type TestServer } from '../test/server';
import { checkDrift } from '../viral/kRebuild';
import { runAnonymisation } from './anonymise';
import { addOldInvitations, counterState, mentions } from './privacyFixtures';

let server: TestServer;
let owner: ApiClient;
let star: ApiClient;
const ids: Record<string, string> = {};
/** Names the ids of rows just written, in order. */
const name = (keys: string[], values: string[]) => keys.forEach((k, i) => (ids[k] = values[i]!));

interface InvitationRow {
  id: string;
  recipient_email: string;
  recipient_name: string;
  recipient_phone: string | null;
  message: string;
  invite_code: string | null;
  anonymised_at: Date | null;
  rev: number;
}
const row = async (id: string) =>
  (await server.testDb.db.query<InvitationRow>('SELECT * FROM invitations WHERE id = $1', [id]))[0]!;

beforeAll(async () => {
  server = await startTestServer({ demo: false });
  const db = server.testDb.db;
  await addUser(db, { id: 'u-owner', email: 'owner@anon.test', role: 'owner' });
  await addUser(db, { id: 'u-star', email: 'star@anon.test', role: 'supplier', orgId: 'org-star' });
  await addUser(db, { id: 'u-bride', email: 'bride@anon.test', role: 'couple' });
  owner = await server.as('owner@anon.test', TEST_PASSWORD);
  star = await server.as('star@anon.test', TEST_PASSWORD);
  // Pair A: two old invitations from the star to one person (one accepted): one connection.
  name(['a1', 'a2'], await addOldInvitations(db, [
    { inviterId: 'u-star', recipientEmail: 'old.client@anon.test', daysAgo: 400, status: 'accepted' },
    { inviterId: 'u-star', recipientEmail: 'old.client@anon.test', daysAgo: 380, channel: 'sms', recipientPhone: '+447911123456' },
  ]));
  // Pair B: old, but invited again recently: the old row keeps the address, loses the rest.
  name(['b1', 'b2'], await addOldInvitations(db, [
    { inviterId: 'u-star', recipientEmail: 'again@anon.test', daysAgo: 500 },
    { inviterId: 'u-star', recipientEmail: 'again@anon.test', daysAgo: 10 },
  ]));
  // A couple's old invitation, and a recent one of the star's that must stay as it is.
  name(['c1', 'recent'], await addOldInvitations(db, [
    { inviterId: 'u-bride', recipientEmail: 'friend@anon.test', daysAgo: 366, status: 'declined' },
    { inviterId: 'u-star', recipientEmail: 'fresh@anon.test', daysAgo: 364 },
  ]));
  // What else holds the address: a delivery with a bounce quoting it, two events.
  await db.query(
    `INSERT INTO deliveries (id, invitation_id, channel, address, state, last_error, unsubscribe_token)
     VALUES ($1, $2, 'email', 'old.client@anon.test', 'pending', '550 <old.client@anon.test> mailbox full', $3)`,
    [uuidv7(), ids.a1, uuidv7()],
  );
  await db.query(
    `INSERT INTO viral_events (id, type, actor_id, invitation_id, inviter_id, data, captured_at, counted_at, time_source, rev, txid) VALUES
       ($1, 'sync.conflict_resolved', 'u-star', $3, 'u-star', $4::jsonb, now(), now(), 'server', nextval('plusone_rev'), plusone_txid()),
       ($2, 'invitation.delivery_failed', NULL, $3, 'u-star', '{"channel":"sms","reason":"unknown number +447911123456"}', now(), now(), 'server', nextval('plusone_rev'), plusone_txid())`,
    [uuidv7(), uuidv7(), ids.a2, JSON.stringify({ rule: 'CONF3', client: { recipientEmail: 'old.client@anon.test', recipientName: 'Alex Example', message: 'hi' }, server: { recipientPhone: '+447911123456', status: 'sent' } })],
  );
});
afterAll(() => server?.close());

describe('anonymisation of invitations older than 365 days', () => {
  let before: Record<string, string[]>;

  it('replaces the recipient of old invitations by one placeholder per pair, clears the rest, and moves no counter', async () => {
    const db = server.testDb.db;
    before = await counterState(db);
    expect((await checkDrift(db)).total).toBe(0);

    // Batches of one pair: the loop, not one statement, does the work.
    const entry = await runAnonymisation(db, new Date(), { trigger: 'owner', batchSize: 1 });
    expect(entry.rows).toMatchObject({ invitations: 3, invitations_partly: 1, pairs: 2, deliveries: 1, viral_events: 2 });

    const [a1, a2, b1, b2, c1, recent] = await Promise.all(['a1', 'a2', 'b1', 'b2', 'c1', 'recent'].map((k) => row(ids[k]!)));
    for (const r of [a1!, a2!, c1!]) {
      expect(r.recipient_email).toMatch(new RegExp(`^anon-[0-9a-f]{32}@${ANONYMISED_DOMAIN.replace('.', '\\.')}$`));
      expect(r).toMatchObject({ recipient_name: '', recipient_phone: null, message: '', invite_code: null });
      expect(r.anonymised_at).not.toBeNull();
    }
    // One person stays one connection: the same placeholder on both of pair A's rows, another elsewhere.
    expect(a2!.recipient_email).toBe(a1!.recipient_email);
    expect(c1!.recipient_email).not.toBe(a1!.recipient_email);
    expect(b1).toMatchObject({ recipient_email: 'again@anon.test', recipient_name: '', message: '', anonymised_at: null });
    expect(b2).toMatchObject({ recipient_email: 'again@anon.test', recipient_name: 'Alex Example' });
    expect(recent).toMatchObject({ recipient_email: 'fresh@anon.test', recipient_name: 'Alex Example', anonymised_at: null });

    // Nothing names the old recipients any more, anywhere.
    expect(await mentions(db, 'old.client@anon.test')).toEqual({});
    expect(await mentions(db, 'friend@anon.test')).toEqual({});
    expect(await mentions(db, '+447911123456')).toEqual({});
    const [delivery] = await db.query<{ address: string; last_error: string | null; state: string }>('SELECT address, last_error, state FROM deliveries WHERE invitation_id = $1', [ids.a1]);
    expect(delivery).toEqual({ address: a1!.recipient_email, last_error: null, state: 'cancelled' });
    const [conflict] = await db.query<{ data: Record<string, any> }>("SELECT data FROM viral_events WHERE type = 'sync.conflict_resolved'");
    expect(conflict!.data).toEqual({ rule: 'CONF3', client: {}, server: { status: 'sent' } });

    expect(await counterState(db)).toEqual(before);
    expect((await checkDrift(db)).total).toBe(0);
  });

  it('a second run finds nothing to do and changes no row; both runs are in the log, newest first, without personal data', async () => {
    const db = server.testDb.db;
    const snapshot = async () => JSON.stringify(await db.query('SELECT id, recipient_email, recipient_name, message, rev FROM invitations ORDER BY id'));
    const rowsBefore = await snapshot();
    const res = await owner.post('/api/privacy/runs');
    expect(res.status).toBe(200);
    expect(res.body.run).toMatchObject({ kind: 'anonymisation', trigger: 'owner', rows: { invitations: 0, invitations_partly: 0, deliveries: 0, viral_events: 0 } });
    expect(await snapshot()).toBe(rowsBefore);
    expect(await counterState(db)).toEqual(before);

    const log = await owner.get('/api/privacy/runs');
    expect(log.body.runs.map((r: { rows: { invitations: number } }) => r.rows.invitations)).toEqual([0, 3]);
    expect(log.body.runs[0].durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(log.body.runs[0].cutoff)).toBeLessThan(Date.now() - 364 * 86_400_000);
    expect(JSON.stringify(log.body)).not.toMatch(/@|u-star|u-bride/);
  });

  it('only the owner may run it or read the log', async () => {
    for (const res of [await star.get('/api/privacy/runs'), await star.post('/api/privacy/runs')]) {
      expect([res.status, res.body.error.code]).toEqual([403, 'FORBIDDEN']);
    }
    expect((await server.anonymous().get('/api/privacy/runs')).status).toBe(401);
  });

  it('runs beside concurrent pushes to the same people and leaves every counter matching the raw rows', async () => {
    const db = server.testDb.db;
    const emails = Array.from({ length: 30 }, (_, i) => `crowd${i}@anon.test`);
    await addOldInvitations(db, emails.map((e) => ({ inviterId: 'u-star', recipientEmail: e, daysAgo: 400 })));
    // Half of them are invited again while the job runs: those pairs may or may not be done first.
    const pushes = emails.filter((_, i) => i % 2 === 0).map((e) => star.push('invitations', [{ newDocumentState: newInvitation('u-star', { recipientEmail: e }) }]));
    const [entry, ...results] = await Promise.all([runAnonymisation(db, new Date(), { trigger: 'owner', batchSize: 4 }), ...pushes]);
    for (const r of results) expect(r.body.results[0].outcome).toBe('applied');
    expect(entry.rows.invitations).toBeGreaterThanOrEqual(15);
    expect((await checkDrift(db)).total).toBe(0);
    // The pushed invitations keep their address; no old row of the crowd keeps a name.
    const left = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM invitations WHERE recipient_email LIKE 'crowd%' AND created_at < now() - interval '365 days' AND recipient_name <> ''",
    );
    expect(left[0]!.n).toBe(0);
    expect((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM invitations WHERE recipient_email LIKE 'crowd%' AND device_id = 'test-device'"))[0]!.n).toBe(15);
  });
});

describe('the webhook log', () => {
  it("clears response excerpts older than 365 days (a receiver's echo may hold personal data); newer ones and the attempts stay", async () => {
    const db = server.testDb.db;
    const endpoint = uuidv7();
    await db.query(`INSERT INTO webhook_endpoints (id, url, event_types, secret) VALUES ($1, 'https://hooks.example/in', '{segment.membership_changed}', 'whsec_dGVzdA==')`, [endpoint]);
    const [delivery] = await db.query<{ id: number }>(`INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, status, attempts, finished_at)
       VALUES ($1, $2, 'segment.membership_changed', 'succeeded', 3, now()) RETURNING id`, [endpoint, uuidv7()]);
    const echo = '{"received":{"name":"Alex Example","email":"echo@anon.test"}}';
    const attempt = (n: number, daysAgo: number) =>
      db.query(
        `INSERT INTO webhook_attempts (delivery_id, endpoint_id, attempt, attempted_at, ok, latency_ms, response_status, response_excerpt)
         VALUES ($1, $2, $3, now() - make_interval(days => $4), true, 12, 200, $5)`,
        [delivery!.id, endpoint, n, daysAgo, echo],
      );
    await attempt(1, 400);
    await attempt(2, 366);
    await attempt(3, 10);
    const entry = await runAnonymisation(db, new Date(), { trigger: 'owner', batchSize: 1 });
    expect(entry.rows).toMatchObject({ webhook_excerpts: 2 });
    const rows = await db.query<{ attempt: number; response_excerpt: string | null; response_status: number }>(
      'SELECT attempt, response_excerpt, response_status FROM webhook_attempts WHERE endpoint_id = $1 ORDER BY attempt',
      [endpoint],
    );
    expect(rows).toEqual([
      { attempt: 1, response_excerpt: null, response_status: 200 },
      { attempt: 2, response_excerpt: null, response_status: 200 },
      { attempt: 3, response_excerpt: echo, response_status: 200 },
    ]);
    expect((await runAnonymisation(db, new Date(), { trigger: 'owner' })).rows).toMatchObject({ webhook_excerpts: 0 });
  });
});

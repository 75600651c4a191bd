/**
 * Invitation codes kept only as hashes (migration 016, codeHash.ts): what the database holds,
 * what sync answers, what the outbox keeps until the message is sent, that links and short
 * codes still work, and that the migration hashes codes written before it. (The inviting
 * device keeping its own codes: client/sync/transport.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvitationDoc } from '../../shared/invitation';
import { loadMigrations, migrate } from '../db/migrate';
import { freshDb, engines } from '../test/databases';
import { pullAll } from '../test/fixtures';
import { newInvitation, startTestServer, type ApiClient, type TestServer } from '../test/server';
import { hashCode } from './codeHash';

let server: TestServer;
let supplier: ApiClient;
beforeAll(async () => {
  server = await startTestServer();
  supplier = await server.as('photo@demo.plusone');
});
afterAll(() => server?.close());

const db = () => server.testDb.db;
async function invite(over: Parameters<typeof newInvitation>[1] = {}) {
  const inv = newInvitation('u-photo', over);
  const res = await supplier.push('invitations', [{ newDocumentState: inv }]);
  expect(res.body.results[0].outcome).toBe('applied');
  return inv;
}

describe('codes at rest', () => {
  it('the database holds only the SHA-256 of each code, and sync never answers them', async () => {
    const inv = await invite();
    const [row] = await db().query<Record<string, unknown>>('SELECT * FROM invitations WHERE id = $1', [inv.id]);
    expect(row!.invite_code).toBe(hashCode(inv.inviteCode!));
    expect(row!.short_code).toBe(hashCode(inv.shortCode!));
    expect(JSON.stringify(row)).not.toContain(inv.inviteCode);
    expect(JSON.stringify(row)).not.toContain(inv.shortCode);
    // The table refuses a code in clear.
    await expect(db().query('UPDATE invitations SET invite_code = $2 WHERE id = $1', [inv.id, inv.inviteCode])).rejects.toThrow(/invite_code_hashed/);

    const pulled = (await pullAll<InvitationDoc>(supplier, 'invitations')).documents.find((d) => d.id === inv.id)!;
    expect(pulled).toMatchObject({ inviteCode: null, shortCode: null });
  });

  it('the link and the short code still open the invitation (looked up by hash)', async () => {
    const inv = await invite();
    const info = await server.anonymous().get(`/api/invites/${inv.inviteCode}`);
    expect(info.status).toBe(200);
    expect(info.body.inviterName).toBe('Pablo Ortiz');
    const check = await server.anonymous().post('/api/join/check', { shortCode: inv.shortCode });
    expect(check.status).toBe(200);
    expect((await server.anonymous().get(`/api/invites/${hashCode(inv.inviteCode!).slice(0, 22)}`)).status).toBe(404);
  });

  it('the outbox keeps the code in clear for the message only until it is handed over (email) or delivered (SMS, WhatsApp)', async () => {
    const email = await invite();
    const sms = await invite({ channel: 'sms', recipientPhone: '+447911123499' });
    const codeOf = async (id: string) => (await db().query<{ invite_code: string | null }>('SELECT invite_code FROM deliveries WHERE invitation_id = $1', [id]))[0]!.invite_code;
    const setState = (id: string, state: string) => db().query('UPDATE deliveries SET state = $2 WHERE invitation_id = $1', [id, state]);
    expect(await codeOf(email.id)).toBe(email.inviteCode);
    expect(await codeOf(sms.id)).toBe(sms.inviteCode);
    await setState(email.id, 'sent');
    expect(await codeOf(email.id)).toBeNull();
    // An SMS may still fail after "sent" and be retried from the dead letters: the link must survive that.
    await setState(sms.id, 'sent');
    await setState(sms.id, 'dead');
    expect(await codeOf(sms.id)).toBe(sms.inviteCode);
    await setState(sms.id, 'delivered');
    expect(await codeOf(sms.id)).toBeNull();
  });
});

describe('migration 016', () => {
  it.each(engines)('hashes the codes written before it, and keeps the code of messages still to send (%s)', async (engine) => {
    const before = loadMigrations().filter((m) => m.version < '016');
    const t = await freshDb(engine, { migrated: false });
    try {
      await migrate(t.db, before);
      await t.db.query(`INSERT INTO users (id, email, name, role) VALUES ('u-m', 'm@example.com', 'M', 'supplier')`);
      const ids = ['0190a000-0000-7000-8000-000000000001', '0190a000-0000-7000-8000-000000000002'];
      for (const [i, id] of ids.entries()) {
        await t.db.query(
          `INSERT INTO invitations (id, inviter_id, recipient_email, recipient_name, relationship, channel, status, message, captured_at,
              device_id, write_id, counted_at, time_source, invite_code, short_code, rev, txid)
           VALUES ($1, 'u-m', $2, '', 'past_client', 'email', 'queued', '', now(), 'd', $1, now(), 'server', $3, $4, nextval('plusone_rev'), plusone_txid())`,
          [id, `r${i}@example.com`, `code${i}`.padEnd(22, 'x'), `ABCDEFG${i + 2}`],
        );
        await t.db.query(`INSERT INTO deliveries (id, invitation_id, channel, address, unsubscribe_token, state) VALUES ($1, $1, 'email', $2, $3, $4)`, [
          id, `r${i}@example.com`, `tok${i}`, i === 0 ? 'pending' : 'sent',
        ]);
      }
      await migrate(t.db);
      const rows = await t.db.query<{ invite_code: string; short_code: string; outbox: string | null }>(
        'SELECT i.invite_code, i.short_code, d.invite_code AS outbox FROM invitations i JOIN deliveries d ON d.invitation_id = i.id ORDER BY i.id',
      );
      expect(rows).toEqual([
        { invite_code: hashCode('code0'.padEnd(22, 'x')), short_code: hashCode('ABCDEFG2'), outbox: 'code0'.padEnd(22, 'x') },
        { invite_code: hashCode('code1'.padEnd(22, 'x')), short_code: hashCode('ABCDEFG3'), outbox: null },
      ]);
    } finally {
      await t.drop();
    }
  }, 60_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import type { InvitationDoc, InvitationInput } from '../../shared/invitation';
import { InvitationDoc as InvitationDocSchema } from '../../shared/invitation';
import { countRows, pullAll } from '../test/fixtures';
import { newInvitation, startTestServer, type ApiClient, type TestServer } from '../test/server';

let server: TestServer;
let ritz: ApiClient;
let photo: ApiClient;
beforeAll(async () => {
  server = await startTestServer();
  [ritz, photo] = await Promise.all([server.as('ritz@demo.plusone'), server.as('photo@demo.plusone')]);
});
afterAll(() => server?.close());

const invitationCount = () => countRows(server.testDb.db, 'invitations');
const rowsWithId = (id: string) => countRows(server.testDb.db, 'invitations', 'id = $1', [id]);
const create = (inv: InvitationInput) => ({ newDocumentState: inv, assumedMasterState: null });

/** Pushes a new invitation as `client` and returns the server's document for it. */
async function pushNew(client: ApiClient, inviterId: string, overrides: Partial<InvitationInput> = {}): Promise<InvitationDoc> {
  const inv = newInvitation(inviterId, overrides);
  const res = await client.push('invitations', [create(inv)]);
  expect(res.body).toEqual({ results: [{ id: inv.id, outcome: 'applied' }] });
  const rows = await server.testDb.db.query<{ rev: number }>('SELECT rev FROM invitations WHERE id = $1', [inv.id]);
  const pulled = await pullAll<InvitationDoc>(client, 'invitations', { txid: 0, rev: 0 });
  return pulled.documents.find((d) => d.id === inv.id && d.rev === rows[0]!.rev)!;
}

describe('who may sync what', () => {
  it('coordinators and owners may not push invitations: 403 FORBIDDEN, nothing stored', async () => {
    const before = await invitationCount();
    for (const email of ['coordinator@demo.plusone', 'owner@demo.plusone']) {
      const client = await server.as(email);
      const res = await client.push('invitations', [create(newInvitation('u-ritz'))]);
      expect(res.status, email).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    expect(await invitationCount()).toBe(before);
  });

  it('metrics are pull-only (403 FORBIDDEN), unknown collections 404 UNKNOWN_COLLECTION', async () => {
    const metrics = await ritz.push('metrics', [create(newInvitation('u-ritz'))]);
    expect([metrics.status, metrics.body.error.code]).toEqual([403, 'FORBIDDEN']);
    for (const res of [await ritz.push('payments', [create(newInvitation('u-ritz'))]), await ritz.pull('payments', null)]) {
      expect([res.status, res.body.error.code]).toEqual([404, 'UNKNOWN_COLLECTION']);
    }
  });

  it('a missing or old protocol header answers 426 PROTOCOL_OUTDATED; no session 401', async () => {
    const body = { checkpoint: null, batchSize: 10 };
    for (const headers of [{}, { 'x-plusone-protocol': '0' }, { 'x-plusone-protocol': 'one' }] as Record<string, string>[]) {
      const res = await ritz.post('/api/sync/invitations/pull', body, headers);
      expect([res.status, res.body.error.code]).toEqual([426, 'PROTOCOL_OUTDATED']);
    }
    const anonymous = await server.anonymous().pull('invitations', null);
    expect([anonymous.status, anonymous.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('a supplier pulls their own invitations and those addressed to them, never another supplier\'s', async () => {
    const addressedToPhoto = newInvitation('u-ritz', { recipientEmail: 'photo@demo.plusone' });
    const privateToRitz = newInvitation('u-ritz');
    await ritz.push('invitations', [create(addressedToPhoto), create(privateToRitz)]);
    const { documents } = await pullAll<InvitationDoc>(photo, 'invitations');
    const visible = "inviter_id = 'u-photo' OR recipient_email = 'photo@demo.plusone'";
    expect(documents.length).toBe(await countRows(server.testDb.db, 'invitations', visible));
    expect(documents.filter((d) => d.inviterId === 'u-photo').length).toBeGreaterThan(0);
    expect(documents.every((d) => d.inviterId === 'u-photo' || d.recipientEmail === 'photo@demo.plusone')).toBe(true);
    expect(documents.map((d) => d.id)).toContain(addressedToPhoto.id);
    expect(documents.map((d) => d.id)).not.toContain(privateToRitz.id);
  });

  it('a coordinator pulls exactly their organisation\'s invitations; an owner none', async () => {
    const coordinator = await server.as('coordinator@demo.plusone');
    const { documents } = await pullAll<InvitationDoc>(coordinator, 'invitations');
    expect(documents.length).toBe(await countRows(server.testDb.db, 'invitations', "org_id = 'org-ritz'"));
    expect(new Set(documents.map((d) => d.orgId))).toEqual(new Set(['org-ritz']));
    const owner = await server.as('owner@demo.plusone');
    expect((await pullAll(owner, 'invitations')).documents).toEqual([]);
  });

  it('an update to another supplier\'s invitation is refused with FORBIDDEN and changes nothing', async () => {
    const [target] = await server.testDb.db.query<{ id: string; rev: number; message: string; write_id: string }>(
      "SELECT id, rev, message, write_id FROM invitations WHERE inviter_id = 'u-ritz' LIMIT 1",
    );
    const takeover = newInvitation('u-photo', { id: target!.id, message: 'mine now' });
    for (const inv of [takeover, { ...takeover, inviterId: 'u-ritz' }]) {
      const res = await photo.push('invitations', [{ newDocumentState: inv, assumedMasterState: { ...inv, rev: target!.rev, writeId: target!.write_id } }]);
      expect(res.body.results).toEqual([{ id: target!.id, outcome: 'refused', error: { code: 'FORBIDDEN', message: expect.any(String) } }]);
    }
    const [after] = await server.testDb.db.query('SELECT id, rev, message, write_id FROM invitations WHERE id = $1', [target!.id]);
    expect(after).toEqual(target);
  });
});

describe('push and pull', () => {
  it('a pushed invitation comes back from pull with the server\'s fields, and only rows after the checkpoint come', async () => {
    const { checkpoint } = await pullAll<InvitationDoc>(ritz, 'invitations');
    const inv = newInvitation('u-ritz', { capturedAt: '2026-03-01T12:00:00+02:00', recipientEmail: 'New.Guest@Example.com' });
    expect((await ritz.push('invitations', [create(inv)])).body.results[0].outcome).toBe('applied');

    const newer = await pullAll<InvitationDoc>(ritz, 'invitations', checkpoint);
    expect(newer.documents).toHaveLength(1);
    const doc = InvitationDocSchema.parse(newer.documents[0]);
    expect(doc).toMatchObject({ id: inv.id, inviterId: 'u-ritz', orgId: 'org-ritz', recipientEmail: 'new.guest@example.com', capturedAt: '2026-03-01T10:00:00.000Z', status: 'queued', syncState: 'synced', _deleted: false });
    expect(doc.rev).toBeGreaterThan(checkpoint!.rev);

    // An edit moves the row past the new checkpoint again, with a higher rev; nothing else comes.
    const cancel = { ...doc, status: 'cancelled' as const, writeId: uuidv7() };
    expect((await ritz.push('invitations', [{ newDocumentState: cancel, assumedMasterState: doc }])).body.results[0].outcome).toBe('applied');
    const edited = await pullAll<InvitationDoc>(ritz, 'invitations', newer.checkpoint);
    expect(edited.documents.map((d) => [d.id, d.status])).toEqual([[inv.id, 'cancelled']]);
    expect(edited.documents[0]!.rev).toBeGreaterThan(doc.rev);
    expect((await pullAll(ritz, 'invitations', edited.checkpoint)).documents).toEqual([]);
  });

  it('a retried push (the same body twice) stores one row and answers duplicate the second time', async () => {
    const rows = [create(newInvitation('u-ritz'))];
    const first = await ritz.push('invitations', rows);
    const second = await ritz.push('invitations', rows);
    expect(first.body.results[0].outcome).toBe('applied');
    expect(second.body.results[0].outcome).toBe('duplicate');
    expect(await rowsWithId(rows[0]!.newDocumentState.id)).toBe(1);
  });

  it('the same push from two clients of one user at once is applied once', async () => {
    const otherTab = await server.as('ritz@demo.plusone');
    for (let i = 0; i < 5; i++) {
      const rows = [create(newInvitation('u-ritz'))];
      const answers = await Promise.all([ritz.push('invitations', rows), otherTab.push('invitations', rows)]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      expect(answers.map((a) => a.body.results[0].outcome).sort()).toEqual(['applied', 'duplicate']);
      expect(await rowsWithId(rows[0]!.newDocumentState.id)).toBe(1);
    }
  });

  it('a new invitation must start queued, and one id twice in a push is refused the second time', async () => {
    const notQueued = newInvitation('u-ritz', { status: 'accepted' });
    const twice = newInvitation('u-ritz');
    const res = await ritz.push('invitations', [create(notQueued), create(twice), create({ ...twice, writeId: uuidv7() })]);
    expect(res.body.results.map((r: { outcome: string; error?: { code: string } }) => [r.outcome, r.error?.code])).toEqual([
      ['refused', 'INVALID_INPUT'],
      ['applied', undefined],
      ['refused', 'INVALID_INPUT'],
    ]);
    expect(await rowsWithId(notQueued.id)).toBe(0);
  });

  it('discarding a write the server never stored (pushed as deleted) is acknowledged and stores nothing', async () => {
    const discarded = { ...newInvitation('u-ritz', { status: 'accepted' }), _deleted: true };
    const res = await ritz.push('invitations', [create(discarded)]);
    expect(res.body.results).toEqual([{ id: discarded.id, outcome: 'applied' }]);
    expect(await rowsWithId(discarded.id)).toBe(0);
  });

  it.each<[string, () => unknown]>([
    ['a bad email', () => [create(newInvitation('u-ritz')), create(newInvitation('u-ritz', { recipientEmail: 'guest@' }))]],
    ['an extra key on a row', () => [create(newInvitation('u-ritz')), { ...create(newInvitation('u-ritz')), priority: 'P0' }]],
    ['a UUIDv4 id', () => [create(newInvitation('u-ritz')), create(newInvitation('u-ritz', { id: uuidv4() }))]],
    ['a batch of 501 rows', () => Array.from({ length: 501 }, () => create(newInvitation('u-ritz')))],
  ])('a push with %s answers 400 INVALID_INPUT and stores nothing of the batch', async (_name, rows) => {
    const before = await invitationCount();
    const res = await ritz.push('invitations', rows() as unknown[]);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/rows/) });
    expect(await invitationCount()).toBe(before);
  });

  it('an extra key on the request itself is refused too', async () => {
    const res = await ritz.post('/api/sync/invitations/push', { rows: [create(newInvitation('u-ritz'))], force: true }, { 'x-plusone-protocol': '1' });
    expect([res.status, res.body.error.code]).toEqual([400, 'INVALID_INPUT']);
  });
});

describe('conflicts', () => {
  it('a stale edit of an invitation accepted meanwhile gets the server\'s master; the acceptance survives', async () => {
    const seen = await pushNew(ritz, 'u-ritz', { message: 'first note' });
    // Meanwhile the couple accepted (a server-side write: new rev, new writeId).
    await server.testDb.db.query(
      `UPDATE invitations SET status = 'accepted', write_id = $2, rev = nextval('plusone_rev'), txid = plusone_txid() WHERE id = $1`,
      [seen.id, uuidv7()],
    );
    const staleEdit = { ...seen, status: 'cancelled' as const, message: 'second note', writeId: uuidv7() };
    const res = await ritz.push('invitations', [{ newDocumentState: staleEdit, assumedMasterState: seen }]);
    const [result] = res.body.results;
    expect(result).toMatchObject({ id: seen.id, outcome: 'conflict', error: { code: 'CONFLICT_RESOLVED', message: expect.stringMatching(/CONF2/) } });
    expect(result.master).toMatchObject({ id: seen.id, status: 'accepted', message: 'second note' });
    expect(result.master.rev).toBeGreaterThan(seen.rev);
    const [row] = await server.testDb.db.query<{ status: string; rev: number }>('SELECT status, rev FROM invitations WHERE id = $1', [seen.id]);
    expect(row).toEqual({ status: 'accepted', rev: result.master.rev });

    // The client adopts the master; pushing on top of it is a plain apply, never a conflict again.
    const followUp = { ...result.master, message: 'third note', writeId: uuidv7() };
    const next = await ritz.push('invitations', [{ newDocumentState: followUp, assumedMasterState: result.master }]);
    expect(next.body.results[0].outcome).toBe('applied');
  });
});

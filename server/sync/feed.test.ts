/**
 * The change feed's PULL rules: rows come in commit order after the checkpoint, in batches,
 * and a row whose transaction commits late is never skipped (shared/sync/protocol.ts, feed.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvitationDoc } from '../../shared/invitation';
import type { Checkpoint } from '../../shared/sync/protocol';
import { openPostgres } from '../db/postgres';
import { setFaults } from '../faults';
import { engines, hasPostgres } from '../test/databases';
import { addUser, pullAll, TEST_PASSWORD } from '../test/fixtures';
import { newInvitation, startTestServer, type ApiClient, type ApiResponse, type TestServer } from '../test/server';
import { insertInvitations, type NewInvitation } from './invitations';

/** Runs `body` with the test-only fault that drops PULL2's guard (server/faults.ts), then restores it. */
async function withoutPullGuard<T>(body: () => Promise<T>): Promise<T> {
  setFaults({ enabled: new Set(['no-pull-guard']), commitDelayMs: 0 });
  try {
    return await body();
  } finally {
    setFaults({ enabled: new Set(), commitDelayMs: 0 });
  }
}

function row(inviterId: string, orgId: string): NewInvitation {
  const inv = newInvitation(inviterId);
  return { ...inv, orgId, deleted: false, countedAt: new Date(inv.capturedAt), timeSource: 'device' };
}

describe.each(engines)('change feed on %s', (engine) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ engine, demo: false });
  });
  afterAll(() => server?.close());

  async function reader(id: string): Promise<ApiClient> {
    await addUser(server.testDb.db, { id, email: `${id}@test.plusone`, role: 'supplier', orgId: `org-${id}` });
    return server.as(`${id}@test.plusone`, TEST_PASSWORD);
  }

  it('PULL1: rows come in commit order, in batches, each page resuming exactly after the last', async () => {
    const client = await reader('u-seq');
    const pushed: string[] = [];
    for (let i = 0; i < 5; i++) {
      const inv = newInvitation('u-seq');
      expect((await client.push('invitations', [{ newDocumentState: inv }])).body.results[0].outcome).toBe('applied');
      pushed.push(inv.id);
    }
    // Wait until no other transaction of the cluster holds these rows back, so pages are full.
    expect((await pullAll(client, 'invitations')).documents).toHaveLength(5);
    const pages: InvitationDoc[][] = [];
    let checkpoint: Checkpoint | null = null;
    for (let page = 0; page < 4; page++) {
      const res: ApiResponse = await client.pull('invitations', checkpoint, 2);
      const docs: InvitationDoc[] = res.body.documents;
      expect(res.body.held).toBe(false);
      if (docs.length === 0) break;
      pages.push(docs);
      expect(res.body.checkpoint.rev).toBe(docs[docs.length - 1]!.rev);
      checkpoint = res.body.checkpoint;
    }
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    const served = pages.flat();
    expect(served.map((d) => d.id)).toEqual(pushed);
    const revs = served.map((d) => d.rev);
    expect(revs).toEqual([...revs].sort((a, b) => a - b));
    expect((await pullAll(client, 'invitations', checkpoint)).documents).toEqual([]);
  });

  it.skipIf(engine !== 'postgres' || !hasPostgres)(
    'PULL2: a row committed late is never skipped (a naive rev > checkpoint read, or the pull without its guard, would skip it)',
    async () => {
      const client = await reader('u-race');
      await reader('u-race-friend');
      const { db, url } = server.testDb;
      // Two writers (the reader's own invitation, and one a friend sends to the reader), so they
      // share no per-inviter row and neither waits for the other.
      const a = row('u-race', 'org-u-race');
      const b = { ...row('u-race-friend', 'org-u-race-friend'), recipientEmail: 'u-race@test.plusone' };
      const revOf = async (id: string) => (await db.query<{ rev: number }>('SELECT rev FROM invitations WHERE id = $1', [id]))[0]?.rev;
      const naive = (after: number) =>
        db.query<{ id: string; rev: number }>(
          "SELECT id, rev FROM invitations WHERE (inviter_id = 'u-race' OR recipient_email = 'u-race@test.plusone') AND rev > $1 ORDER BY rev",
          [after],
        );

      // Transaction A, on its own connection, writes first (lower rev) and stays open.
      const other = openPostgres(url!, 1);
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let written!: () => void;
      const aWritten = new Promise<void>((r) => (written = r));
      let naiveCheckpoint = 0;
      let unguardedCheckpoint!: Checkpoint;
      const txA = other.transaction(async (tx) => {
        await insertInvitations(tx, [a]);
        written();
        await gate;
      });
      try {
        await Promise.race([aWritten, txA]); // txA settles first only if its insert failed
        // Transaction B writes a higher rev and commits while A is still open.
        await db.transaction((tx) => insertInvitations(tx, [b]));

        const naiveFirst = await naive(0);
        expect(naiveFirst.map((r) => r.id)).toEqual([b.id]);
        naiveCheckpoint = naiveFirst[0]!.rev;

        for (let i = 0; i < 3; i++) {
          const during = await client.pull('invitations', null, 100);
          expect(during.status).toBe(200);
          expect(during.body).toEqual({ documents: [], checkpoint: null, held: true });
        }

        // The randomized suite's no-pull-guard variant: without the guard, B is served now.
        unguardedCheckpoint = await withoutPullGuard(async () => {
          const during = await client.pull('invitations', null, 100);
          expect(during.body).toMatchObject({ documents: [expect.objectContaining({ id: b.id })], held: false });
          return during.body.checkpoint;
        });
      } finally {
        release();
        await txA;
        await other.close();
      }

      const [revA, revB] = [await revOf(a.id), await revOf(b.id)];
      expect(revA).toBeLessThan(revB!);
      // The naive reader's checkpoint (B's rev) is past A's rev: A would never be served to it.
      expect(naiveCheckpoint).toBe(revB);
      expect(await naive(naiveCheckpoint)).toEqual([]);

      const after = await pullAll<InvitationDoc>(client, 'invitations', null);
      expect(after.documents.map((d) => d.id)).toEqual([a.id, b.id]);
      expect((await pullAll(client, 'invitations', after.checkpoint)).documents).toEqual([]);

      // Without the guard, the checkpoint it served is B's, past A's (txid, rev): A is skipped for good.
      const position = async (id: string) => (await db.query<Checkpoint>('SELECT txid, rev FROM invitations WHERE id = $1', [id]))[0]!;
      const [posA, posB] = [await position(a.id), await position(b.id)];
      expect(unguardedCheckpoint).toEqual(posB);
      expect(posA.txid).toBeLessThan(posB.txid);
      await withoutPullGuard(async () => {
        expect((await pullAll(client, 'invitations', unguardedCheckpoint)).documents).toEqual([]);
      });
    },
  );
});

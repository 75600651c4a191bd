/**
 * Gates on new invitations: a refusal replaces that row's result (with its retry time), the
 * rest are written; a later gate sees only what earlier ones let through; `inserted` sees the
 * rows written; a duplicate of a row already written never reaches a gate.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/errors';
import { freshDb, type TestDb } from '../test/databases';
import { addUser, countRows } from '../test/fixtures';
import { newInvitation } from '../test/server';
import type { CreateGate } from './gates';
import { pushInvitations } from './invitations';

let t: TestDb;
const id = randomUUID();
const user = { id, email: `${id}@example.com`, name: 'Gated', role: 'supplier' as const, orgId: null, orgName: null, createdAt: new Date(0) };
beforeAll(async () => {
  t = await freshDb();
  await addUser(t.db, user);
});
afterAll(() => t.drop());

describe('create gates', () => {
  it('refuse some new invitations with a reason and a retry time; the others are written; later gates see only the admitted', async () => {
    const [a, b, c] = [newInvitation(id), newInvitation(id), newInvitation(id)];
    const retryAt = new Date(Date.now() + 3_600_000).toISOString();
    const seen: string[][] = [];
    const written: string[] = [];
    const gates: CreateGate[] = [
      { admit: async (_tx, _u, creates) => (seen.push(creates.map((x) => x.id)), new Map([[b.id, { code: ErrorCode.RATE_LIMITED, message: 'over the hourly allowance', retryAt }]])) },
      {
        admit: async (_tx, _u, creates) => (seen.push(creates.map((x) => x.id)), new Map()),
        inserted: async (_tx, _u, docs) => void written.push(...docs.map((d) => d.id)),
      },
    ];
    const rows = [a, b, c].map((n) => ({ newDocumentState: n, assumedMasterState: null }));
    const out = await t.db.transaction((tx) => pushInvitations(tx, user, rows, new Date(), gates));
    expect(out.results.map((r) => [r.id, r.outcome])).toEqual([[a.id, 'applied'], [b.id, 'refused'], [c.id, 'applied']]);
    expect(out.results[1]!.error).toEqual({ code: ErrorCode.RATE_LIMITED, message: 'over the hourly allowance', retryAt });
    expect(seen).toEqual([[a.id, b.id, c.id], [a.id, c.id]]);
    expect(written).toEqual([a.id, c.id]);
    expect(out.changed.map((d) => d.id)).toEqual([a.id, c.id]);
    expect(await countRows(t.db, 'invitations', 'id = ANY($1::uuid[])', [[a.id, b.id, c.id]])).toBe(2);

    // The same push again: a and c are duplicates and never reach a gate; b is still new.
    seen.length = 0;
    const again = await t.db.transaction((tx) => pushInvitations(tx, user, rows, new Date(), gates));
    expect(again.results.map((r) => r.outcome)).toEqual(['duplicate', 'refused', 'duplicate']);
    expect(seen).toEqual([[b.id]]);
  });
});

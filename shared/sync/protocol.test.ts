import { describe, expect, it } from 'vitest';
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import type { InvitationInput } from '../invitation';
import { InvitationPushRequest, MAX_PULL_BATCH, MAX_PUSH_BATCH, PullRequest } from './protocol';

function state(overrides: Partial<InvitationInput> = {}): InvitationInput {
  return {
    id: uuidv7(),
    inviterId: 'u-ritz',
    recipientEmail: 'ann@example.com',
    recipientName: 'Ann',
    relationship: 'past_client',
    channel: 'email',
    status: 'queued',
    message: '',
    recipientPhone: null,
    variant: 'control',
    inviteCode: null,
    shortCode: null,
    capturedAt: new Date().toISOString(),
    deviceId: 'tablet-1',
    writeId: uuidv7(),
    ...overrides,
  };
}

describe('PullRequest', () => {
  it('accepts batch sizes 1..1000 and a null or {txid, rev} checkpoint', () => {
    expect(MAX_PULL_BATCH).toBe(1000);
    for (const batchSize of [1, 500, 1000]) expect(PullRequest.safeParse({ checkpoint: null, batchSize }).success).toBe(true);
    expect(PullRequest.safeParse({ checkpoint: { txid: 5, rev: 9 }, batchSize: 10 }).success).toBe(true);
  });

  it.each([
    ['batchSize 0', { checkpoint: null, batchSize: 0 }],
    ['batchSize 1001', { checkpoint: null, batchSize: 1001 }],
    ['a fractional batchSize', { checkpoint: null, batchSize: 2.5 }],
    ['a missing checkpoint', { batchSize: 10 }],
    ['a checkpoint with a negative rev', { checkpoint: { txid: 1, rev: -1 }, batchSize: 10 }],
    ['a checkpoint with an unknown key', { checkpoint: { txid: 1, rev: 1, at: 'x' }, batchSize: 10 }],
    ['an unknown key', { checkpoint: null, batchSize: 10, collection: 'invitations' }],
  ])('rejects %s', (_name, body) => {
    expect(PullRequest.safeParse(body).success).toBe(false);
  });
});

describe('InvitationPushRequest', () => {
  it('accepts new rows (no assumed state) and edits carrying server fields they last saw', () => {
    const seen = { ...state({ status: 'sent' }), rev: 4, orgId: 'org-ritz', createdAt: 'x', updatedAt: 'y', syncState: 'synced' as const, _deleted: false };
    const parsed = InvitationPushRequest.parse({
      rows: [
        { newDocumentState: state() },
        { newDocumentState: { ...seen, message: 'hello', writeId: uuidv7() }, assumedMasterState: seen },
      ],
    });
    expect(parsed.rows).toHaveLength(2);
    expect(parsed.rows[1]?.assumedMasterState?.rev).toBe(4);
  });

  it(`takes 1..${MAX_PUSH_BATCH} rows`, () => {
    const rows = (n: number) => Array.from({ length: n }, () => ({ newDocumentState: state(), assumedMasterState: null }));
    expect(InvitationPushRequest.safeParse({ rows: rows(MAX_PUSH_BATCH) }).success).toBe(true);
    expect(InvitationPushRequest.safeParse({ rows: rows(MAX_PUSH_BATCH + 1) }).success).toBe(false);
    expect(InvitationPushRequest.safeParse({ rows: [] }).success).toBe(false);
  });

  it.each([
    ['an unknown key on the request', { rows: [{ newDocumentState: state() }], force: true }],
    ['an unknown key on a row', { rows: [{ newDocumentState: state(), priority: 'P0' }] }],
    ['a UUIDv4 id', { rows: [{ newDocumentState: state({ id: uuidv4() }) }] }],
    ['an id that is not a UUID', { rows: [{ newDocumentState: state({ id: 'inv-1' }) }] }],
    ['a malformed email', { rows: [{ newDocumentState: state({ recipientEmail: 'ann@' }) }] }],
    ['an unknown status', { rows: [{ newDocumentState: { ...state(), status: 'lost' } }] }],
    ['a negative rev', { rows: [{ newDocumentState: { ...state(), rev: -1 } }] }],
  ])('rejects %s', (_name, body) => {
    expect(InvitationPushRequest.safeParse(body).success).toBe(false);
  });
});

/**
 * Invitations on the server: the pull feed by the reader's scope, and the push that judges each
 * row with the shared rules and writes it with a fresh rev, all rows of a batch in one
 * transaction under row locks, so two tabs pushing the same write apply it once.
 */
import { ErrorCode } from '../../shared/errors';
import type { InvitationDoc } from '../../shared/invitation';
import { invitationScope, type SessionUser } from '../../shared/roles';
import { judgeCreate, judgeUpdate, type InvitationContent, type WriteDecision } from '../../shared/invitationWrites';
import type { Checkpoint, InvitationPushRow, PullResponse, PushResult } from '../../shared/sync/protocol';
import { runGates, type CreateGate, type PushUser } from './gates';
import type { Queryable } from '../db/db';
import { countedTime } from '../../shared/capture';
import type { ViralEventDoc } from '../../shared/events';
import { recordEvent } from './events';
import { readFeed, type FeedRow } from './feed';
import { lockIds } from './locks';
import { hasFault } from '../faults';
import { enqueueDeliveries } from '../delivery/outbox';
import { hashCodeOrNull } from '../auth/codeHash';
import { prepared } from '../db/prepared';

export interface InvitationRow extends FeedRow {
  id: string;
  inviter_id: string;
  org_id: string | null;
  recipient_email: string;
  recipient_name: string;
  relationship: InvitationDoc['relationship'];
  channel: InvitationDoc['channel'];
  status: InvitationDoc['status'];
  message: string;
  captured_at: Date;
  device_id: string;
  write_id: string;
  created_at: Date;
  updated_at: Date;
  counted_at: Date;
  time_source: 'device' | 'server';
  deleted: boolean;
  recipient_phone: string | null;
  variant: string;
  invite_code: string | null;
  short_code: string | null;
}

export function toInvitationDoc(r: InvitationRow): InvitationDoc {
  return {
    id: r.id,
    inviterId: r.inviter_id,
    orgId: r.org_id,
    recipientEmail: r.recipient_email,
    recipientName: r.recipient_name,
    recipientPhone: r.recipient_phone,
    variant: r.variant,
    // Only the codes' hashes are stored (server/auth/codeHash.ts): the inviting device keeps the codes.
    inviteCode: null,
    shortCode: null,
    relationship: r.relationship,
    channel: r.channel,
    status: r.status,
    message: r.message,
    capturedAt: r.captured_at.toISOString(),
    deviceId: r.device_id,
    writeId: r.write_id,
    rev: r.rev,
    createdAt: r.created_at.toISOString(),
    countedAt: r.counted_at.toISOString(),
    timeSource: r.time_source,
    updatedAt: r.updated_at.toISOString(),
    syncState: 'synced',
    _deleted: r.deleted,
  };
}

function scopeFor(user: SessionUser): { sql: string; params: unknown[] } {
  switch (invitationScope(user.role)) {
    case 'own':
      // Their own invitations, and those addressed to them.
      return { sql: '(t.inviter_id = $4 OR t.recipient_email = $5)', params: [user.id, user.email.toLowerCase()] };
    case 'organisation':
      return { sql: 't.org_id = $4', params: [user.orgId] };
    case 'none':
      return { sql: 'false', params: [] };
  }
}

export async function pullInvitations(
  db: Queryable,
  user: SessionUser,
  checkpoint: Checkpoint | null,
  limit: number,
): Promise<PullResponse<InvitationDoc>> {
  const scope = scopeFor(user);
  const page = await readFeed<InvitationRow>(db, 'invitations', scope.sql, scope.params, checkpoint, limit);
  return { documents: page.rows.map(toInvitationDoc), checkpoint: page.checkpoint, held: page.held };
}

const COLUMNS = `id, inviter_id, org_id, recipient_email, recipient_name, recipient_phone, variant, invite_code, short_code,
  relationship, channel, status,
  message, captured_at, device_id, write_id, created_at, updated_at, counted_at, time_source, deleted, rev, txid`;

export interface NewInvitation extends Omit<InvitationContent, 'recipientPhone'> {
  recipientPhone?: string | null;
  id: string;
  inviterId: string;
  orgId: string | null;
  writeId: string;
  deleted: boolean;
  createdAt?: Date;
  countedAt: Date;
  timeSource: 'device' | 'server';
  /** Template variant; 'control' when not given. */
  variant?: string;
  /** The codes the inviting device made (shared/codes.ts); none for demo history. */
  inviteCode?: string | null;
  shortCode?: string | null;
  /** When an accepted row was accepted (demo history); the server stamps now() when not given. */
  acceptedAt?: Date;
}

/** Inserts rows with fresh revs (used by push and by the demo data, so both go one way). */
export async function insertInvitations(tx: Queryable, rows: NewInvitation[]): Promise<InvitationRow[]> {
  if (rows.length === 0) return [];
  return tx.query<InvitationRow>(
    prepared(`INSERT INTO invitations (id, inviter_id, org_id, recipient_email, recipient_name, relationship, channel,
        status, message, captured_at, device_id, write_id, deleted, created_at, updated_at, counted_at, time_source,
        variant, accepted_at, recipient_phone, invite_code, short_code, rev, txid)
     SELECT r.id, r.inviter_id, r.org_id, r.recipient_email, r.recipient_name, r.relationship, r.channel,
        r.status, r.message, r.captured_at, r.device_id, r.write_id, r.deleted,
        coalesce(r.created_at, now()), coalesce(r.created_at, now()), r.counted_at, r.time_source,
        coalesce(r.variant, 'control'), r.accepted_at, r.recipient_phone, r.invite_code, r.short_code,
        nextval('plusone_rev'), plusone_txid()
       FROM json_to_recordset($1::json) AS r(id uuid, inviter_id text, org_id text, recipient_email text,
        recipient_name text, relationship text, channel text, status text, message text,
        captured_at timestamptz, device_id text, write_id uuid, deleted boolean, created_at timestamptz,
        counted_at timestamptz, time_source text, variant text, accepted_at timestamptz, recipient_phone text,
        invite_code text, short_code text)
     RETURNING ${COLUMNS}`),
    [
      JSON.stringify(
        rows.map((r) => ({
          id: r.id,
          inviter_id: r.inviterId,
          org_id: r.orgId,
          recipient_email: r.recipientEmail,
          recipient_name: r.recipientName,
          relationship: r.relationship,
          channel: r.channel,
          status: r.status,
          message: r.message,
          captured_at: r.capturedAt,
          device_id: r.deviceId,
          write_id: r.writeId,
          deleted: r.deleted,
          created_at: r.createdAt?.toISOString() ?? null,
          counted_at: r.countedAt.toISOString(),
          time_source: r.timeSource,
          variant: r.variant ?? null,
          accepted_at: r.acceptedAt?.toISOString() ?? null,
          recipient_phone: r.recipientPhone ?? null,
          invite_code: hashCodeOrNull(r.inviteCode),
          short_code: hashCodeOrNull(r.shortCode),
        })),
      ),
    ],
  );
}

async function updateInvitation(
  tx: Queryable,
  id: string,
  next: InvitationContent,
  writeId: string,
  deleted: boolean,
): Promise<InvitationRow> {
  const rows = await tx.query<InvitationRow>(
    prepared(`UPDATE invitations SET recipient_email = $2, recipient_name = $3, relationship = $4, channel = $5,
        status = $6, message = $7, captured_at = $8, device_id = $9, write_id = $10, deleted = $11,
        recipient_phone = $12, updated_at = now(), rev = nextval('plusone_rev'), txid = plusone_txid()
      WHERE id = $1 RETURNING ${COLUMNS}`),
    [id, next.recipientEmail, next.recipientName, next.relationship, next.channel, next.status, next.message,
      next.capturedAt, next.deviceId, writeId, deleted, next.recipientPhone],
  );
  return rows[0]!;
}

export interface PushOutcome {
  results: PushResult[];
  /** Rows written by this push, for the live feed and the metrics. */
  changed: InvitationDoc[];
  /** Audit events of the conflicts this push resolved. */
  events: ViralEventDoc[];
}

export async function readInvitations(tx: Queryable, ids: string[]): Promise<InvitationDoc[]> {
  if (ids.length === 0) return [];
  const rows = await tx.query<InvitationRow>(prepared(`SELECT ${COLUMNS}, 0 AS horizon FROM invitations WHERE id = ANY($1::uuid[])`), [ids]);
  return rows.map(toInvitationDoc);
}

/** Namespace of the per-invitation advisory locks a push takes (two-key form). */
const PUSH_LOCK = 7_474_002;

/** Applies a push batch in one transaction (the caller provides it). */
export async function pushInvitations(
  tx: Queryable,
  user: PushUser,
  rows: InvitationPushRow[],
  now: Date,
  gates: readonly CreateGate[] = [],
): Promise<PushOutcome> {
  const ids = rows.map((r) => r.newDocumentState.id);
  await lockIds(tx, PUSH_LOCK, ids);
  const current = new Map(
    (
      await tx.query<InvitationRow>(prepared(`SELECT ${COLUMNS}, 0 AS horizon FROM invitations WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`), [ids])
    ).map((r) => [r.id, r]),
  );
  const results: PushResult[] = [];
  const changed: InvitationDoc[] = [];
  const events: ViralEventDoc[] = [];
  const inserts: NewInvitation[] = [];
  const seen = new Set<string>();
  /** Where each new invitation's result sits, so a gate's refusal can replace it. */
  const creating = new Map<string, number>();

  for (const row of rows) {
    const incoming = row.newDocumentState;
    const { id } = incoming;
    if (seen.has(id)) {
      results.push({ id, outcome: 'refused', error: { code: ErrorCode.INVALID_INPUT, message: 'the same invitation appears twice in one push' } });
      continue;
    }
    seen.add(id);
    const existing = current.get(id);
    const deleted = incoming._deleted === true;
    let decision: WriteDecision;
    if (!existing) {
      if (deleted) {
        // Deleting a write the server never accepted (a discarded refusal): nothing to do.
        results.push({ id, outcome: 'applied' });
        continue;
      }
      decision = judgeCreate(user.id, incoming);
    } else {
      decision = judgeUpdate(user.id, toInvitationDoc(existing), incoming, row.assumedMasterState);
    }
    switch (decision.kind) {
      case 'refuse':
        results.push({ id, outcome: 'refused', error: { code: decision.code, message: decision.message } });
        break;
      case 'duplicate':
        // With the server's state: if the first answer was lost, the client may have skipped
        // this row in a pull while its write was pending, and adopts it from here (PUSH2).
        results.push({ id, outcome: 'duplicate', master: toInvitationDoc(existing!) });
        break;
      case 'apply':
        if (!existing) {
          const counted = countedTime(new Date(incoming.capturedAt), now, user.createdAt);
          inserts.push({
            ...decision.next,
            id,
            inviterId: user.id,
            orgId: user.orgId,
            writeId: incoming.writeId,
            deleted: false,
            variant: incoming.variant,
            inviteCode: incoming.inviteCode,
            shortCode: incoming.shortCode,
            countedAt: counted.at,
            timeSource: counted.source,
          });
          results.push({ id, outcome: 'applied' });
          creating.set(id, results.length - 1);
        } else {
          const written = await updateInvitation(tx, id, decision.next, incoming.writeId, deleted);
          changed.push(toInvitationDoc(written));
          results.push({ id, outcome: 'applied' });
        }
        break;
      case 'conflict': {
        // Test-only fault: the stale edit's status wins, as if there were no lattice.
        if (hasFault('no-lattice')) decision.next.status = incoming.status;
        // The resolution carries the incoming writeId: a retry of this same write (its answer
        // lost) is then a duplicate, not a second resolution (PUSH2).
        const written = await updateInvitation(tx, id, decision.next, incoming.writeId, existing!.deleted);
        const master = toInvitationDoc(written);
        changed.push(master);
        // Every resolution is auditable: who, what each side had, what won, by which rule.
        events.push(
          await recordEvent(tx, {
            type: 'sync.conflict_resolved',
            actorId: user.id,
            invitationId: id,
            inviterId: existing!.inviter_id,
            orgId: existing!.org_id,
            data: { rule: decision.rule, client: pickWire(incoming), server: toInvitationDoc(existing!), result: decision.next },
            capturedAt: now,
            countedAt: now,
            timeSource: 'server',
            deviceId: incoming.deviceId,
          }),
        );
        results.push({ id, outcome: 'conflict', master, error: { code: ErrorCode.CONFLICT_RESOLVED, message: `resolved by rule ${decision.rule}` } });
        break;
      }
    }
  }
  const { admitted, refused } = await runGates(gates, tx, user, inserts, now);
  for (const [id, r] of refused) results[creating.get(id)!] = { id, outcome: 'refused', error: r };
  const inserted = await insertInvitations(tx, admitted);
  const insertedDocs = inserted.map(toInvitationDoc);
  for (const gate of gates) await gate.inserted?.(tx, user, insertedDocs, now);
  const links = new Map(admitted.filter((a) => a.inviteCode).map((a) => [a.id, a.inviteCode!]));
  events.push(...(await enqueueDeliveries(tx, inserted, now, links)));
  changed.push(...insertedDocs);
  return { results, changed, events };
}

function pickWire(d: InvitationPushRow['newDocumentState']) {
  const { recipientEmail, recipientName, relationship, channel, status, message, capturedAt, deviceId, writeId, rev } = d;
  return { recipientEmail, recipientName, relationship, channel, status, message, capturedAt, deviceId, writeId, rev };
}

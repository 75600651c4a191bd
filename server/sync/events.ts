/**
 * Viral events on the server: the pull feed by the reader's scope, recording events the server
 * itself causes (conflict resolutions), and the push of the events people cause. A pushed
 * acceptance moves its invitation along the status lattice in the same transaction as the
 * event is recorded; it is refused if the invitation is not the pusher's to answer or can no
 * longer be accepted. Each event id takes effect once.
 */
import { v7 as uuidv7 } from 'uuid';
import { countedTime } from '../../shared/capture';
import { ErrorCode } from '../../shared/errors';
import { eventStatus, type ClientEvent, type EventType, type ViralEventDoc } from '../../shared/events';
import { canTransition, type InvitationDoc } from '../../shared/invitation';
import { invitationScope, type SessionUser } from '../../shared/roles';
import type { Checkpoint, PullResponse, PushResult } from '../../shared/sync/protocol';
import type { Queryable } from '../db/db';
import { hasFault } from '../faults';
import { readFeed, type FeedRow } from './feed';
import { lockIds } from './locks';
import { applyMoves, type StatusMove } from './moves';
import { prepared } from '../db/prepared';

interface EventRow extends FeedRow {
  id: string;
  type: string;
  actor_id: string | null;
  invitation_id: string | null;
  inviter_id: string | null;
  org_id: string | null;
  data: Record<string, unknown>;
  captured_at: Date;
  counted_at: Date;
  time_source: 'device' | 'server';
  created_at: Date;
}

const EVENT_COLUMNS = 'id, type, actor_id, invitation_id, inviter_id, org_id, data, captured_at, counted_at, time_source, created_at, rev, txid';

export function toEventDoc(r: EventRow): ViralEventDoc {
  return {
    id: r.id,
    type: r.type,
    actorId: r.actor_id,
    invitationId: r.invitation_id,
    inviterId: r.inviter_id,
    orgId: r.org_id,
    data: r.data,
    capturedAt: r.captured_at.toISOString(),
    countedAt: r.counted_at.toISOString(),
    timeSource: r.time_source,
    rev: r.rev,
    createdAt: r.created_at.toISOString(),
    _deleted: false,
  };
}

export async function pullEvents(db: Queryable, user: SessionUser, checkpoint: Checkpoint | null, limit: number): Promise<PullResponse<ViralEventDoc>> {
  const scope =
    invitationScope(user.role) === 'own'
      ? { sql: '(t.actor_id = $4 OR t.inviter_id = $4)', params: [user.id] }
      : invitationScope(user.role) === 'organisation'
        ? { sql: 't.org_id = $4', params: [user.orgId] }
        : { sql: 'false', params: [] };
  const page = await readFeed<EventRow>(db, 'viral_events', scope.sql, scope.params, checkpoint, limit);
  return { documents: page.rows.map(toEventDoc), checkpoint: page.checkpoint, held: page.held };
}

export interface NewEvent {
  id?: string;
  type: EventType;
  actorId: string | null;
  invitationId: string | null;
  inviterId: string | null;
  orgId: string | null;
  data?: Record<string, unknown>;
  capturedAt: Date;
  countedAt: Date;
  timeSource: 'device' | 'server';
  deviceId?: string | null;
}

export async function recordEvent(tx: Queryable, e: NewEvent): Promise<ViralEventDoc> {
  return (await recordEvents(tx, [e]))[0]!;
}

/** Records events in one statement, each with a fresh rev. */
export async function recordEvents(tx: Queryable, events: readonly NewEvent[]): Promise<ViralEventDoc[]> {
  if (events.length === 0) return [];
  const rows = await tx.query<EventRow>(
    prepared(`INSERT INTO viral_events (id, type, actor_id, invitation_id, inviter_id, org_id, data, captured_at, counted_at,
        time_source, device_id, rev, txid)
     SELECT r.id, r.type, r.actor_id, r.invitation_id, r.inviter_id, r.org_id, r.data, r.captured_at, r.counted_at,
            r.time_source, r.device_id, nextval('plusone_rev'), plusone_txid()
       FROM json_to_recordset($1::json) AS r(id uuid, type text, actor_id text, invitation_id uuid,
            inviter_id text, org_id text, data jsonb, captured_at timestamptz, counted_at timestamptz, time_source text,
            device_id text)
     RETURNING ${EVENT_COLUMNS}, 0 AS horizon`),
    [
      JSON.stringify(
        events.map((e) => ({
          id: e.id ?? uuidv7(),
          type: e.type,
          actor_id: e.actorId,
          invitation_id: e.invitationId,
          inviter_id: e.inviterId,
          org_id: e.orgId,
          data: e.data ?? {},
          captured_at: e.capturedAt.toISOString(),
          counted_at: e.countedAt.toISOString(),
          time_source: e.timeSource,
          device_id: e.deviceId ?? null,
        })),
      ),
    ],
  );
  return rows.map(toEventDoc);
}

interface TargetRow {
  id: string;
  inviter_id: string;
  org_id: string | null;
  recipient_email: string;
  status: InvitationDoc['status'];
}

export interface EventPushOutcome {
  results: PushResult[];
  events: ViralEventDoc[];
  /** Invitations whose status the events moved (ids), to re-read and broadcast. */
  movedInvitations: string[];
}

const EVENT_LOCK = 7_474_003;

export async function pushEvents(tx: Queryable, user: Omit<SessionUser, 'createdAt'> & { createdAt: Date }, events: ClientEvent[], now: Date): Promise<EventPushOutcome> {
  const ids = events.map((e) => e.id);
  await lockIds(tx, EVENT_LOCK, ids);
  const known = new Set((await tx.query<{ id: string }>('SELECT id FROM viral_events WHERE id = ANY($1::uuid[])', [ids])).map((r) => r.id));
  const targets = new Map(
    (
      await tx.query<TargetRow>(
        'SELECT id, inviter_id, org_id, recipient_email, status FROM invitations WHERE id = ANY($1::uuid[]) AND NOT deleted ORDER BY id FOR UPDATE',
        [events.map((e) => e.invitationId)],
      )
    ).map((r) => [r.id, r]),
  );
  const results: PushResult[] = [];
  const toRecord: NewEvent[] = [];
  const statusMoves: StatusMove[] = [];
  const moved: string[] = [];
  const refuse = (id: string, code: ErrorCode, message: string) => results.push({ id, outcome: 'refused', error: { code, message } });

  for (const event of events) {
    if (known.has(event.id) && !hasFault('no-idempotency')) {
      results.push({ id: event.id, outcome: 'duplicate' });
      continue;
    }
    const target = targets.get(event.invitationId);
    if (!target) {
      refuse(event.id, ErrorCode.NOT_FOUND, 'this invitation does not exist (or was withdrawn)');
      continue;
    }
    if (target.recipient_email !== user.email.toLowerCase()) {
      refuse(event.id, ErrorCode.FORBIDDEN, 'only the person invited can answer this invitation');
      continue;
    }
    const next = eventStatus[event.type];
    // Another answer already moved it there (a second tab, a retry under a new id): a no-op.
    // The no-idempotency fault turns this off too, or it would hide a retried acceptance.
    if (target.status === next && !hasFault('no-idempotency')) {
      results.push({ id: event.id, outcome: 'duplicate' });
      continue;
    }
    const moves = canTransition(target.status, next) || hasFault('no-lattice');
    if (!moves && event.type !== 'invitation.opened') {
      refuse(event.id, ErrorCode.INVALID_INPUT, `this invitation is ${target.status} and can no longer be ${next}`);
      continue;
    }
    if (moves) {
      target.status = next;
      if (!moved.includes(target.id)) moved.push(target.id);
      // Written after the loop, together (moves.ts); acceptances are judged for fraud there and stand either way.
      statusMoves.push({ invitationId: target.id, status: next, writeId: event.id, deviceId: event.deviceId });
    }
    const counted = countedTime(new Date(event.capturedAt), now, user.createdAt);
    toRecord.push({
      id: hasFault('no-idempotency') ? uuidv7() : event.id,
      type: event.type,
      actorId: user.id,
      invitationId: target.id,
      inviterId: target.inviter_id,
      orgId: target.org_id,
      capturedAt: new Date(event.capturedAt),
      countedAt: counted.at,
      timeSource: counted.source,
      deviceId: event.deviceId,
    });
    known.add(event.id); // the same event again later in this push is a duplicate, not a second row
    results.push({ id: event.id, outcome: 'applied' });
  }
  await applyMoves(tx, user, statusMoves, now);
  const recorded = await recordEvents(tx, toRecord);
  return { results, events: recorded, movedInvitations: moved };
}

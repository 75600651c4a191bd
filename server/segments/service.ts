/**
 * Marketing segments on the server: the built-in and custom definitions, their memberships, and
 * the events that record each change (DESIGN §4).
 *
 * - A refresh evaluates every definition over fresh profiles with the shared evaluator, writes
 *   who joined and who left, and records exactly one `segment.joined` / `segment.left` event per
 *   change, in the same transaction. A refresh of some users (`refreshUsers`: the people a write
 *   just touched) does the same for them alone, so their changes reach the marketing feed
 *   without waiting for a full pass; everyone else waits for the next full refresh. Refreshes are serialised by an advisory lock (several
 *   processes may refresh at once), so a change is never recorded twice; a refresh with nothing
 *   new records nothing.
 * - Deleting a custom segment is a change for each of its members: they leave it (with events).
 * - Counts are raw here; screens show "fewer than 5" for a count under MIN_PEOPLE (privacy).
 */
import { v7 as uuidv7 } from 'uuid';
import {
  builtInSegments,
  membershipChanges,
  segmentMembers,
  SegmentRule,
  type SegmentDefinition,
  type SegmentProfile,
} from '../../shared/analytics/segments';
import type { SegmentsData } from '../../shared/analytics/snapshots';
import { ErrorCode } from '../../shared/errors';
import type { Db, Queryable } from '../db/db';
import { HttpError } from '../http/errors';
import { readProfiles } from './profiles';

const SEGMENT_LOCK = 7_474_006;
/** Custom segments are evaluated on every refresh: keep their number bounded. */
export const MAX_CUSTOM_SEGMENTS = 100;

export interface Segment extends SegmentDefinition {
  builtIn: boolean;
}

interface SegmentRow {
  id: string;
  name: string;
  rule: unknown;
}

/** Built-ins first (in their order), then custom segments oldest first. */
export async function listDefinitions(db: Queryable): Promise<Segment[]> {
  const rows = await db.query<SegmentRow>('SELECT id, name, rule FROM segments ORDER BY created_at, id');
  const custom = rows.flatMap((r) => {
    // A stored rule was valid when written; one the schema no longer accepts is left alone.
    const rule = SegmentRule.safeParse(r.rule);
    return rule.success ? [{ id: r.id, name: r.name, rule: rule.data, builtIn: false }] : [];
  });
  return [...builtInSegments.map((d) => ({ ...d, builtIn: true })), ...custom];
}

export async function findSegment(db: Queryable, id: string): Promise<Segment> {
  const found = (await listDefinitions(db)).find((s) => s.id === id);
  if (!found) throw new HttpError(ErrorCode.NOT_FOUND, `there is no segment ${JSON.stringify(id)}`);
  return found;
}

interface Change {
  type: 'segment.joined' | 'segment.left';
  userId: string;
  segment: Pick<SegmentDefinition, 'id' | 'name'>;
}

/** Writes the membership changes and one event each (the same columns as recordEvent writes). */
async function applyChanges(tx: Queryable, changes: Change[], now: Date): Promise<void> {
  if (changes.length === 0) return;
  const rows = changes.map((c) => ({ segment_id: c.segment.id, user_id: c.userId }));
  const joined = rows.filter((_, i) => changes[i]!.type === 'segment.joined');
  const left = rows.filter((_, i) => changes[i]!.type === 'segment.left');
  await tx.query(
    `DELETE FROM segment_members m USING json_to_recordset($1::json) AS l (segment_id text, user_id text)
      WHERE m.segment_id = l.segment_id AND m.user_id = l.user_id`,
    [JSON.stringify(left)],
  );
  await tx.query(
    `INSERT INTO segment_members (segment_id, user_id, joined_at)
     SELECT j.segment_id, j.user_id, $2 FROM json_to_recordset($1::json) AS j (segment_id text, user_id text)`,
    [JSON.stringify(joined), now],
  );
  await tx.query(
    `INSERT INTO segment_state (segment_id, changed_at) SELECT DISTINCT segment_id, $2::timestamptz FROM json_to_recordset($1::json) AS s (segment_id text)
     ON CONFLICT (segment_id) DO UPDATE SET changed_at = EXCLUDED.changed_at`,
    [JSON.stringify(rows), now],
  );
  const events = changes.map((c) => ({
    id: uuidv7(),
    type: c.type,
    user_id: c.userId,
    data: { segmentId: c.segment.id, segmentName: c.segment.name },
  }));
  // The person is both actor and inviter (they see their own events); no organisation, so
  // marketing memberships do not reach a coordinator's feed.
  await tx.query(
    `INSERT INTO viral_events (id, type, actor_id, invitation_id, inviter_id, org_id, data, captured_at, counted_at,
        time_source, device_id, rev, txid)
     SELECT e.id, e.type, e.user_id, NULL, e.user_id, NULL, e.data, $2, $2, 'server', NULL, nextval('plusone_rev'), plusone_txid()
       FROM json_to_recordset($1::json) AS e (id uuid, type text, user_id text, data jsonb)`,
    [JSON.stringify(events), now],
  );
}

async function currentMembers(tx: Queryable, userIds?: readonly string[]): Promise<Map<string, string[]>> {
  const rows = userIds
    ? await tx.query<{ segment_id: string; user_id: string }>(
        'SELECT segment_id, user_id FROM segment_members WHERE user_id = ANY($1::text[]) ORDER BY segment_id, user_id',
        [[...userIds]],
      )
    : await tx.query<{ segment_id: string; user_id: string }>('SELECT segment_id, user_id FROM segment_members ORDER BY segment_id, user_id');
  const bySegment = new Map<string, string[]>();
  for (const r of rows) bySegment.set(r.segment_id, [...(bySegment.get(r.segment_id) ?? []), r.user_id]);
  return bySegment;
}

/**
 * Re-evaluates every segment inside `tx` (which it locks) for everyone, or for `userIds` only
 * (their memberships before and after; nobody else's); returns the number of changes.
 */
export async function refreshWithin(tx: Queryable, now: Date, userIds?: readonly string[]): Promise<number> {
  if (userIds?.length === 0) return 0;
  await tx.query('SELECT pg_advisory_xact_lock($1)', [SEGMENT_LOCK]);
  const definitions = await listDefinitions(tx);
  const profiles = await readProfiles(tx, now, userIds);
  const before = await currentMembers(tx, userIds);
  const changes: Change[] = [];
  for (const def of definitions) {
    const { joined, left } = membershipChanges(before.get(def.id) ?? [], segmentMembers(profiles, def));
    for (const userId of joined) changes.push({ type: 'segment.joined', userId, segment: def });
    for (const userId of left) changes.push({ type: 'segment.left', userId, segment: def });
  }
  await applyChanges(tx, changes, now);
  return changes.length;
}

export async function refreshSegments(db: Db, now: Date): Promise<{ changed: number }> {
  return { changed: await db.transaction((tx) => refreshWithin(tx, now)) };
}

/** The same for a few users (the people a write touched): their joins and leaves, now. */
export async function refreshUsers(db: Db, userIds: readonly string[], now: Date): Promise<{ changed: number }> {
  if (userIds.length === 0) return { changed: 0 };
  return { changed: await db.transaction((tx) => refreshWithin(tx, now, userIds)) };
}

export interface SegmentSummary {
  id: string;
  name: string;
  builtIn: boolean;
  members: number;
  changedAt: string | null;
}

async function summaries(db: Queryable): Promise<Array<SegmentSummary & { rule: SegmentRule }>> {
  const definitions = await listDefinitions(db);
  const counts = new Map(
    (
      await db.query<{ segment_id: string; members: number; changed_at: Date | null }>(
        `SELECT s.segment_id, (SELECT count(*) FROM segment_members m WHERE m.segment_id = s.segment_id)::int AS members, s.changed_at
           FROM segment_state s`,
      )
    ).map((r) => [r.segment_id, r]),
  );
  return definitions.map((d) => {
    const c = counts.get(d.id);
    return { id: d.id, name: d.name, builtIn: d.builtIn, rule: d.rule, members: c?.members ?? 0, changedAt: c?.changed_at?.toISOString() ?? null };
  });
}

/** The owner's `segments` snapshot: every segment with its member count. */
export async function segmentsSnapshot(db: Queryable): Promise<SegmentsData> {
  return { segments: (await summaries(db)).map(({ rule: _rule, ...s }) => s) };
}

/** What GET /api/segments answers: the snapshot's rows plus each rule. */
export async function listSegments(db: Queryable) {
  return { segments: await summaries(db) };
}

function newSegmentId(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 30) || 'segment';
  return `${slug}-${uuidv7().slice(-8)}`;
}

const isUniqueViolation = (err: unknown) => (err as { code?: unknown })?.code === '23505';

/** Adds a custom segment and evaluates it at once (its members join, with events). */
export async function createSegment(db: Db, input: { name: string; rule: SegmentRule }, createdBy: string, now: Date): Promise<Segment> {
  const taken = (name: string) => new HttpError(ErrorCode.INVALID_INPUT, `name: a segment named "${name}" already exists`);
  if (builtInSegments.some((b) => b.name.toLowerCase() === input.name.toLowerCase())) throw taken(input.name);
  const segment: Segment = { id: newSegmentId(input.name), name: input.name, rule: input.rule, builtIn: false };
  try {
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [SEGMENT_LOCK]);
      const [{ n } = { n: 0 }] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM segments');
      if (n >= MAX_CUSTOM_SEGMENTS) {
        throw new HttpError(ErrorCode.INVALID_INPUT, `there are already ${MAX_CUSTOM_SEGMENTS} custom segments: delete one first`);
      }
      await tx.query('INSERT INTO segments (id, name, rule, created_by, created_at) VALUES ($1, $2, $3::jsonb, $4, $5)', [
        segment.id, segment.name, JSON.stringify(segment.rule), createdBy, now,
      ]);
      await refreshWithin(tx, now);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw taken(input.name);
    throw err;
  }
  return segment;
}

/** Deletes a custom segment; its members leave it (one event each). Built-ins stay. */
export async function deleteSegment(db: Db, id: string, now: Date): Promise<{ left: number }> {
  const segment = await findSegment(db, id);
  if (segment.builtIn) {
    throw new HttpError(ErrorCode.INVALID_INPUT, `${segment.name} is a built-in segment and cannot be deleted`);
  }
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SEGMENT_LOCK]);
    const deleted = await tx.query('DELETE FROM segments WHERE id = $1 RETURNING id', [id]);
    if (deleted.length === 0) throw new HttpError(ErrorCode.NOT_FOUND, `there is no segment ${JSON.stringify(id)}`);
    const members = (await currentMembers(tx)).get(id) ?? [];
    await applyChanges(tx, members.map((userId) => ({ type: 'segment.left' as const, userId, segment })), now);
    await tx.query('DELETE FROM segment_state WHERE segment_id = $1', [id]);
    return { left: members.length };
  });
}

/** The segment's current members (as last refreshed) with their profiles at `now`. */
export async function membersOf(db: Db, id: string, now: Date): Promise<{ segment: Segment; members: SegmentProfile[] }> {
  return db.transaction(async (tx) => {
    const segment = await findSegment(tx, id);
    const ids = (await tx.query<{ user_id: string }>('SELECT user_id FROM segment_members WHERE segment_id = $1', [id])).map((r) => r.user_id);
    return { segment, members: ids.length === 0 ? [] : await readProfiles(tx, now, ids) };
  });
}

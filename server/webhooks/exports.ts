/**
 * Exports, streamed: each dataset is read in batches of EXPORT_BATCH rows by keyset (never one
 * huge result, never a transaction held open while a slow client downloads), and each batch is
 * written to the response as it comes, waiting when the client reads slower than we write. The
 * privacy rules of shared/integrations/exports.ts are applied before a row is written (events:
 * only the data keys their type allows, addresses and numbers scrubbed from free text). CSV
 * cells that would start a spreadsheet formula are escaped; nested values are JSON text.
 */
import { once } from 'node:events';
import type { Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import { schemaId } from '../../shared/integrations/cloudEvents';
import {
  capChain, exportEventData, exportRows, protectDays, protectSegment, type ExportDataset, type ExportQuery, type ExportRow,
} from '../../shared/integrations/exports';
import type { Queryable } from '../db/db';
import { segmentsSnapshot } from '../segments/service';

export const EXPORT_BATCH = 1000;

type Batches<D extends ExportDataset> = AsyncGenerator<ExportRow<D>[]>;
const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Pages through `sql` (which takes the last key as $1 and the batch size as $2) by `key`. */
async function* keyset<Row>(db: Queryable, sql: string, params: unknown[], key: (r: Row) => string, start = ''): AsyncGenerator<Row[]> {
  let after = start;
  for (;;) {
    const rows = await db.query<Row>(sql, [after, EXPORT_BATCH, ...params]);
    if (rows.length > 0) yield rows;
    if (rows.length < EXPORT_BATCH) return;
    after = key(rows[rows.length - 1]!);
  }
}

const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const DAYS = `($3::date IS NULL OR %s >= $3::date) AND ($4::date IS NULL OR %s < $4::date + 1)`;
const between = (column: string) => DAYS.replaceAll('%s', column);

async function* invitations(db: Queryable, q: ExportQuery): Batches<'invitations'> {
  type Row = { id: string; inviter_id: string; org_id: string | null; relationship: string; channel: string; variant: string; status: string; counted_at: Date; accepted_at: Date | null; created_at: Date };
  const sql = `SELECT id, inviter_id, org_id, relationship, channel, variant, status, counted_at, accepted_at, created_at FROM invitations
                WHERE NOT deleted AND id > $1::uuid AND ${between('counted_at')} ORDER BY id LIMIT $2`;
  for await (const rows of keyset<Row>(db, sql, [q.from ?? null, q.to ?? null], (r) => r.id, NIL_UUID)) {
    yield rows.map((r) => ({
      id: r.id, inviterId: r.inviter_id, orgId: r.org_id, relationship: r.relationship, channel: r.channel, variant: r.variant,
      status: r.status, countedAt: r.counted_at.toISOString(), acceptedAt: iso(r.accepted_at), createdAt: r.created_at.toISOString(),
    }));
  }
}

async function* events(db: Queryable, q: ExportQuery): Batches<'events'> {
  type Row = { id: string; type: string; actor_id: string | null; invitation_id: string | null; inviter_id: string | null; org_id: string | null; data: Record<string, unknown>; captured_at: Date; counted_at: Date; created_at: Date };
  const sql = `SELECT id, type, actor_id, invitation_id, inviter_id, org_id, data, captured_at, counted_at, created_at FROM viral_events
                WHERE id > $1::uuid AND ${between('created_at')} AND ($5::text IS NULL OR type = $5) ORDER BY id LIMIT $2`;
  for await (const rows of keyset<Row>(db, sql, [q.from ?? null, q.to ?? null, q.type ?? null], (r) => r.id, NIL_UUID)) {
    yield rows.map((r) => ({
      id: r.id, type: r.type, actorId: r.actor_id, invitationId: r.invitation_id, inviterId: r.inviter_id, orgId: r.org_id,
      data: exportEventData(r.type, r.data), // the keys its type allows, contact details scrubbed from free text
      capturedAt: r.captured_at.toISOString(), countedAt: r.counted_at.toISOString(), createdAt: r.created_at.toISOString(),
    }));
  }
}

/** One row a day from the counters (a few thousand at most): read whole, protected together. */
async function* kByDay(db: Queryable, q: ExportQuery): Batches<'k-by-day'> {
  const rows = await db.query<{ day: string; inviters: number; invited: number; accepted: number }>(
    `WITH d AS (SELECT day, sum(queued + sent + delivered + opened + accepted + declined + cancelled)::int AS invited, sum(accepted)::int AS accepted
                  FROM (SELECT * FROM k_daily WHERE dim = 'all' UNION ALL SELECT * FROM k_daily_delta WHERE dim = 'all') x
                 WHERE ($1::date IS NULL OR day >= $1::date) AND ($2::date IS NULL OR day <= $2::date) GROUP BY day),
          i AS (SELECT day, count(*)::int AS inviters FROM k_inviter_days WHERE dim = 'all' AND n > 0 GROUP BY day)
     SELECT to_char(d.day, 'YYYY-MM-DD') AS day, coalesce(i.inviters, 0) AS inviters, d.invited, d.accepted
       FROM d LEFT JOIN i USING (day) WHERE d.invited > 0 ORDER BY d.day`,
    [q.from ?? null, q.to ?? null],
  );
  const all = protectDays(rows);
  for (let i = 0; i < all.length; i += EXPORT_BATCH) yield all.slice(i, i + EXPORT_BATCH);
}

async function* segments(db: Queryable): Batches<'segments'> {
  const { segments: list } = await segmentsSnapshot(db);
  const changes = new Map(
    (
      await db.query<{ id: string; joined: number; left: number }>(
        `SELECT data ->> 'segmentId' AS id, count(DISTINCT actor_id) FILTER (WHERE type = 'segment.joined')::int AS joined,
                count(DISTINCT actor_id) FILTER (WHERE type = 'segment.left')::int AS left
           FROM viral_events WHERE type IN ('segment.joined', 'segment.left') AND created_at > now() - interval '30 days' GROUP BY 1`,
      )
    ).map((r) => [r.id, r]),
  );
  yield list.map((s) => protectSegment({ ...s, joined: changes.get(s.id)?.joined ?? 0, left: changes.get(s.id)?.left ?? 0 }));
}

async function* referrals(db: Queryable): Batches<'referrals'> {
  type Row = { id: string; referred_at: Date | null; r1: string; r2: string | null; r3: string | null; r4: string | null };
  // Four levels up: the fourth is only read to say that the chain goes deeper than shown.
  const sql = `SELECT u.id, u.referred_at, u.referred_by AS r1, p1.referred_by AS r2, p2.referred_by AS r3, p3.referred_by AS r4
                 FROM users u LEFT JOIN users p1 ON p1.id = u.referred_by LEFT JOIN users p2 ON p2.id = p1.referred_by
                 LEFT JOIN users p3 ON p3.id = p2.referred_by
                WHERE u.referred_by IS NOT NULL AND u.id > $1 ORDER BY u.id LIMIT $2`;
  for await (const rows of keyset<Row>(db, sql, [], (r) => r.id)) {
    yield rows.map((r) => {
      const chain: string[] = [];
      for (const id of [r.r1, r.r2, r.r3, r.r4]) {
        if (!id) break;
        chain.push(id);
      }
      return capChain(r.id, iso(r.referred_at), chain);
    });
  }
}

export function readDataset<D extends ExportDataset>(db: Queryable, dataset: D, q: ExportQuery): Batches<D> {
  const readers: { [K in ExportDataset]: () => Batches<K> } = {
    invitations: () => invitations(db, q),
    events: () => events(db, q),
    'k-by-day': () => kByDay(db, q),
    segments: () => segments(db),
    referrals: () => referrals(db),
  };
  return readers[dataset]() as Batches<D>;
}

const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : v);

/** Writes the dataset to `res` as it is read; stops reading when the client goes away. */
export async function streamExport(res: Response, db: Queryable, dataset: ExportDataset, q: ExportQuery, now: Date): Promise<void> {
  const columns = Object.keys(exportRows[dataset].shape);
  res
    .status(200)
    .attachment(`plusone-${dataset}-${now.toISOString().slice(0, 10)}.${q.format}`)
    .set({ 'content-type': q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  const write = async (chunk: string) => {
    if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  };
  let first = true;
  if (q.format === 'csv') await write(stringify([columns]));
  else await write(`{"dataset":${JSON.stringify(dataset)},"schema":${JSON.stringify(schemaId(`export.${dataset}`))},"exportedAt":"${now.toISOString()}","rows":[`);
  for await (const rows of readDataset(db, dataset, q)) {
    if (res.destroyed) return;
    if (q.format === 'csv') {
      await write(stringify(rows.map((r) => columns.map((c) => cell((r as Record<string, unknown>)[c]))), { escape_formulas: true, cast: { boolean: (b) => String(b) } }));
    } else {
      await write((first ? '' : ',') + rows.map((r) => JSON.stringify(r)).join(','));
      first = false;
    }
  }
  if (q.format === 'json') await write(']}');
  res.end();
}

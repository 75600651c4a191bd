/**
 * Keeps the analytics snapshots fresh and pushes them live. A write marks the metrics dirty
 * (with the users it touched); one refresh runs per coalescing period at most (latest wins), so
 * a burst of writes costs one recomputation and one broadcast, and an acceptance reaches every
 * dashboard well within a second. Platform K goes out first; the owner's and the touched users'
 * snapshots follow. A snapshot is rewritten (new rev) only when its data changed, and is served
 * only to its audience ('all', 'owner' or 'user:<id>').
 */
import type { MetricsKind } from '../../shared/analytics/snapshots';
import { snapshotIds } from '../../shared/analytics/snapshots';
import type { MetricsDoc } from '../../shared/metrics';
import { isAdmin, type SessionUser } from '../../shared/roles';
import { windowChoices } from '../../shared/viral';
import type { Checkpoint, PullResponse } from '../../shared/sync/protocol';
import type { Db, Queryable } from '../db/db';
import type { Logger } from '../log';
import { readFeed, type FeedRow } from '../sync/feed';
import { readAttributionReport, withReferrers } from './attribution';
import { compactCounters } from './kCounters';
import { connectorsSnapshot, platformSnapshot, userSnapshot } from './snapshots';

export interface PublishedDoc {
  doc: MetricsDoc;
  audience: string;
}

interface MetricsRow extends FeedRow {
  id: string;
  kind: MetricsKind;
  audience: string;
  doc: { computedAt: string; data: Record<string, unknown> };
}

const toDoc = (r: MetricsRow): MetricsDoc => ({ id: r.id, kind: r.kind, computedAt: r.doc.computedAt, data: r.doc.data, rev: r.rev, _deleted: false });

export async function pullMetrics(db: Queryable, user: SessionUser, checkpoint: Checkpoint | null, limit: number): Promise<PullResponse<MetricsDoc>> {
  const page = await readFeed<MetricsRow>(
    db,
    'metrics',
    `(t.audience = 'all' OR t.audience = $4 OR ($5::boolean AND t.audience = 'owner'))`,
    [`user:${user.id}`, isAdmin(user.role)],
    checkpoint,
    limit,
  );
  return { documents: page.rows.map(toDoc), checkpoint: page.checkpoint, held: page.held };
}

/** Writes a snapshot if its data changed; returns it when written. */
async function upsert(db: Queryable, id: string, kind: MetricsKind, audience: string, data: object, now: Date): Promise<PublishedDoc | null> {
  const rows = await db.query<MetricsRow>(
    `INSERT INTO metrics (id, kind, audience, doc, rev, txid) VALUES ($1, $2, $3, $4::jsonb, nextval('plusone_rev'), plusone_txid())
     ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc, audience = EXCLUDED.audience, rev = EXCLUDED.rev, txid = EXCLUDED.txid, updated_at = now()
       WHERE metrics.doc -> 'data' IS DISTINCT FROM EXCLUDED.doc -> 'data' OR metrics.audience <> EXCLUDED.audience
     RETURNING id, kind, audience, doc, rev, txid, 0 AS horizon`,
    [id, kind, audience, JSON.stringify({ computedAt: now.toISOString(), data })],
  );
  return rows[0] ? { doc: toDoc(rows[0]), audience: rows[0].audience } : null;
}

export interface DirtyHint {
  /** Users whose own figures may have changed (inviters, accepting users). */
  userIds?: readonly string[];
  /** Recipients by email (the user behind an accepted invitation). */
  emails?: readonly string[];
}

/** Extra owner-facing snapshots computed by other modules (segments). */
export type SnapshotSource = (db: Db, now: Date) => Promise<{ id: string; kind: MetricsKind; data: object } | null>;

export class MetricsPublisher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private users = new Set<string>();
  private emails = new Set<string>();
  private readonly sources: SnapshotSource[] = [];

  constructor(
    private readonly db: Db,
    private readonly coalesceMs: number,
    private readonly publish: (docs: PublishedDoc[]) => void,
    private readonly log: Logger,
  ) {}

  addSource(source: SnapshotSource): void {
    this.sources.push(source);
  }

  /** Something the figures depend on changed: refresh soon. */
  markDirty(hint: DirtyHint = {}): void {
    for (const id of hint.userIds ?? []) this.users.add(id);
    for (const e of hint.emails ?? []) this.emails.add(e.toLowerCase());
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.running.then(async () => void (await this.refresh())).catch((err) => this.log.error({ err }, 'metrics refresh failed'));
    }, this.coalesceMs);
  }

  /** Recomputes every snapshot that may have changed now; returns those that did. */
  async refresh(): Promise<MetricsDoc[]> {
    const now = new Date();
    const userIds = [...this.users];
    const emails = [...this.emails];
    this.users.clear();
    this.emails.clear();
    const written: PublishedDoc[] = [];
    const keep = (d: PublishedDoc | null) => d && written.push(d);
    await compactCounters(this.db);

    for (const w of windowChoices) keep(await upsert(this.db, snapshotIds.platform(w), 'platform', 'all', await platformSnapshot(this.db, w, now), now));
    if (written.length > 0) this.publish([...written]); // K first: it is what dashboards wait for
    const sentFirst = written.length;

    keep(await upsert(this.db, snapshotIds.connectors, 'connectors', 'owner', await connectorsSnapshot(this.db, now), now));
    keep(await upsert(this.db, snapshotIds.attribution, 'attribution', 'owner', await readAttributionReport(this.db), now));
    for (const source of this.sources) {
      const s = await source(this.db, now);
      if (s) keep(await upsert(this.db, s.id, s.kind, 'owner', s.data, now));
    }
    const byEmail = emails.length
      ? (await this.db.query<{ id: string }>('SELECT id FROM users WHERE email = ANY($1::text[])', [emails])).map((r) => r.id)
      : [];
    for (const id of await withReferrers(this.db, [...userIds, ...byEmail])) {
      keep(await this.writeUser(id, now));
    }
    if (written.length > sentFirst) this.publish(written.slice(sentFirst));
    return written.map((w) => w.doc);
  }

  private async writeUser(userId: string, now: Date): Promise<PublishedDoc | null> {
    return upsert(this.db, snapshotIds.user(userId), 'user', `user:${userId}`, await userSnapshot(this.db, userId, now), now);
  }

  /** A user's own snapshot exists before their first pull of metrics (computed on demand). */
  async ensureUser(userId: string): Promise<void> {
    const [row] = await this.db.query<{ exists: boolean }>('SELECT EXISTS (SELECT 1 FROM metrics WHERE id = $1) AS exists', [snapshotIds.user(userId)]);
    if (!row?.exists) await this.writeUser(userId, new Date());
  }

  /** Waits for a scheduled refresh to finish (for shutdown and tests). */
  async settle(): Promise<void> {
    while (this.timer) await new Promise((r) => setTimeout(r, this.coalesceMs));
    await this.running;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

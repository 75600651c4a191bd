/**
 * Keeps the analytics snapshots fresh and pushes them live. A write marks the metrics dirty
 * (with the users it touched); one refresh runs per coalescing period at most (latest wins), so
 * a burst of writes costs one recomputation and one broadcast, and an acceptance reaches every
 * dashboard well within a second. Three passes, each on its own chain so none waits behind
 * another:
 * - fast (METRICS_COALESCE_MS): platform K, all windows;
 * - touched (METRICS_TOUCHED_MS, ~200 ms): work on the touched users alone (their segment
 *   memberships), so a change they cause reaches the marketing feed within a second;
 * - slow (METRICS_SLOW_MS, 2 s): the touched users' own snapshots and the owner's costlier ones
 *   (leaderboard, attribution, full segment re-evaluation), after rescoring the touched
 *   suppliers (a tier change becomes an event then, without the push waiting for it).
 * A snapshot is rewritten (new rev) only when its data changed, and is served only to its
 * audience ('all', 'owner' or 'user:<id>').
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
import { updateConnectors } from './connectors';
import type { ViralEventDoc } from '../../shared/events';
import { connectorsSnapshot, platformSnapshot, readTrend, userSnapshot } from './snapshots';

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

/** The audience of the platform figures (K and its parts): everyone signed in. */
export const PLATFORM_AUDIENCE = 'all';

/** The audiences `user` may read: everyone's, their own, and the owner's for an admin. */
const audiencesOf = (user: SessionUser): string[] => [PLATFORM_AUDIENCE, `user:${user.id}`, ...(isAdmin(user.role) ? ['owner'] : [])];

/** Whether `user` may read snapshots of `audience` (the same rule as the metrics pull, for the live rooms). */
export function mayRead(user: SessionUser, audience: string): boolean {
  return audiencesOf(user).includes(audience);
}

export async function pullMetrics(db: Queryable, user: SessionUser, checkpoint: Checkpoint | null, limit: number): Promise<PullResponse<MetricsDoc>> {
  const page = await readFeed<MetricsRow>(
    db,
    'metrics',
    't.audience = ANY($4::text[])',
    [audiencesOf(user)],
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

/** Extra snapshots computed by other modules (segments, experiments), for the owner unless they say 'all'. */
export type SnapshotSource = (db: Db, now: Date) => Promise<{ id: string; kind: MetricsKind; data: object; audience?: 'all' | 'owner' } | null>;

/**
 * Work on the people a write touched (ids, with the recipients' emails resolved), run soon after
 * the write; returns a snapshot to write when that work changed one (for the owner unless it says 'all').
 */
export type TouchedSource = (db: Db, userIds: string[], now: Date) => Promise<{ id: string; kind: MetricsKind; data: object; audience?: 'all' | 'owner' } | null>;

/** People whose own snapshots one slow (or touched) pass recomputes at most. */
export const USERS_PER_PASS = 100;

function takeSome(set: Set<string>, n: number): string[] {
  const taken = [...set].slice(0, n);
  for (const v of taken) set.delete(v);
  return taken;
}

/** The owner's snapshots (leaderboard, attribution, segments) cost more and wait this long at least. */
export const SLOW_COALESCE_MS = 2000;
/** The touched users' segment memberships: soon, so the marketing feed hears within a second. */
export const TOUCHED_COALESCE_MS = 200;

const PASSES = ['fast', 'touched', 'slow'] as const;
type PassKind = (typeof PASSES)[number];

/** People writes touched, waiting for one pass, which takes a bounded share at a time. */
class TouchedPeople {
  private readonly users = new Set<string>();
  private readonly emails = new Set<string>();

  add(hint: DirtyHint): void {
    for (const id of hint.userIds ?? []) this.users.add(id);
    for (const e of hint.emails ?? []) this.emails.add(e.toLowerCase());
  }

  get empty(): boolean {
    return this.users.size === 0 && this.emails.size === 0;
  }

  take(n: number): { userIds: string[]; emails: string[] } {
    return { userIds: takeSome(this.users, n), emails: takeSome(this.emails, n) };
  }
}

export class MetricsPublisher {
  private readonly timers: Record<PassKind, NodeJS.Timeout | null> = { fast: null, touched: null, slow: null };
  /** One chain per kind: K never waits behind the owner's costlier snapshots. */
  private readonly running: Record<PassKind, Promise<unknown>> = { fast: Promise.resolve(), touched: Promise.resolve(), slow: Promise.resolve() };
  /** The people each pass that works per person has yet to see (each drains its own). */
  private readonly people = { touched: new TouchedPeople(), slow: new TouchedPeople() };
  private readonly sources: SnapshotSource[] = [];
  private readonly touchedSources: TouchedSource[] = [];
  private readonly ensured = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly coalesceMs: number,
    private readonly publish: (docs: PublishedDoc[]) => void,
    private readonly log: Logger,
    private readonly slowCoalesceMs = Math.max(coalesceMs, SLOW_COALESCE_MS),
    private readonly touchedCoalesceMs = TOUCHED_COALESCE_MS,
  ) {}

  /** Where events this publisher records (tier changes) go live. */
  onEvents: (events: ViralEventDoc[]) => void = () => {};

  /** Also told of every platform K snapshot it writes (webhooks: coefficient.updated). */
  onPlatform: (docs: MetricsDoc[]) => void | Promise<void> = () => {};

  addSource(source: SnapshotSource): void {
    this.sources.push(source);
  }

  /** Runs on the touched pass: only for the users a write named, soon after it. */
  addTouchedSource(source: TouchedSource): void {
    this.touchedSources.push(source);
  }

  /** Something the figures depend on changed: K soon, the touched users' segments next, their and the owner's snapshots a little later. */
  markDirty(hint: DirtyHint = {}): void {
    this.people.slow.add(hint);
    this.arm('fast');
    if (this.touchedSources.length > 0 && (hint.userIds?.length || hint.emails?.length)) {
      this.people.touched.add(hint);
      this.arm('touched');
    }
    this.arm('slow');
  }

  private stopped = false;

  /** Starts the pass's period unless it runs already; the pass is queued when it ends. */
  private arm(kind: PassKind): void {
    if (this.stopped) return;
    const ms = kind === 'fast' ? this.coalesceMs : kind === 'touched' ? this.touchedCoalesceMs : this.slowCoalesceMs;
    this.timers[kind] ??= setTimeout(() => {
      this.timers[kind] = null;
      this.enqueue(kind);
    }, ms);
  }

  /** A refresh of each kind waiting to start, at most: it reads the latest state when it runs. */
  private readonly waiting: Record<PassKind, boolean> = { fast: false, touched: false, slow: false };

  /**
   * Refreshes run one at a time. While one runs, a second of the same kind may wait; more would
   * only redo the same work, and under overload they would pile up without end.
   */
  private enqueue(kind: PassKind): void {
    if (this.waiting[kind]) return;
    this.waiting[kind] = true;
    const job = () => {
      this.waiting[kind] = false;
      return kind === 'fast' ? this.refreshFast() : kind === 'touched' ? this.refreshTouched() : this.refreshSlow();
    };
    this.running[kind] = this.running[kind].then(job).catch((err) => this.log.error({ err }, 'metrics refresh failed'));
  }

  /** Recomputes every snapshot that may have changed now; returns those that did. */
  async refresh(): Promise<MetricsDoc[]> {
    return [...(await this.refreshFast()), ...(await this.refreshSlow())];
  }

  /** Platform K, all windows: what every open dashboard waits for. */
  private async refreshFast(): Promise<MetricsDoc[]> {
    const now = new Date();
    const written: PublishedDoc[] = [];
    const keep = (d: PublishedDoc | null) => d && written.push(d);
    await compactCounters(this.db);
    const trend = await readTrend(this.db, now);
    for (const w of windowChoices) {
      keep(await upsert(this.db, snapshotIds.platform(w), 'platform', 'all', await platformSnapshot(this.db, w, now, trend), now));
    }
    if (written.length > 0) this.publish(written);
    if (written.length > 0) await this.onPlatform(written.map((w) => w.doc));
    return written.map((w) => w.doc);
  }

  /** The touched sources (segment memberships) for a bounded share of the people writes touched since the last pass. */
  private async refreshTouched(): Promise<MetricsDoc[]> {
    const now = new Date();
    const { userIds, emails } = this.people.touched.take(USERS_PER_PASS);
    if (!this.people.touched.empty) this.arm('touched');
    const ids = new Set([...userIds, ...(await this.idsOf(emails))]);
    if (ids.size === 0) return [];
    const written: PublishedDoc[] = [];
    for (const source of this.touchedSources) {
      const s = await source(this.db, [...ids], now);
      const doc = s && (await upsert(this.db, s.id, s.kind, s.audience ?? 'owner', s.data, now));
      if (doc) written.push(doc);
    }
    if (written.length > 0) this.publish(written);
    return written.map((w) => w.doc);
  }

  private async idsOf(emails: string[]): Promise<string[]> {
    if (emails.length === 0) return [];
    return (await this.db.query<{ id: string }>('SELECT id FROM users WHERE email = ANY($1::text[])', [emails])).map((r) => r.id);
  }

  /** The touched users' own snapshots (standing, referrals), then the owner's: leaderboard, attribution report, added sources (segments). */
  private async refreshSlow(): Promise<MetricsDoc[]> {
    const now = new Date();
    // A bounded share of the touched people per pass; the rest go in the next one, so a burst
    // of writes cannot make one pass (and the pool it holds) run for long.
    const { userIds, emails } = this.people.slow.take(USERS_PER_PASS);
    if (!this.people.slow.empty) this.arm('slow');
    const written: PublishedDoc[] = [];
    const keep = (d: PublishedDoc | null) => d && written.push(d);
    const byEmail = await this.idsOf(emails);
    // Super-connector standing of the touched suppliers: a tier change is recorded as an event.
    const tierEvents = await this.db.transaction((tx) => updateConnectors(tx, userIds, now));
    if (tierEvents.length > 0) this.onEvents(tierEvents);
    for (const id of await withReferrers(this.db, [...userIds, ...byEmail])) keep(await this.writeUser(id, now));
    keep(await upsert(this.db, snapshotIds.connectors, 'connectors', 'owner', await connectorsSnapshot(this.db, now), now));
    keep(await upsert(this.db, snapshotIds.attribution, 'attribution', 'owner', await readAttributionReport(this.db), now));
    for (const source of this.sources) {
      const s = await source(this.db, now);
      if (s) keep(await upsert(this.db, s.id, s.kind, s.audience ?? 'owner', s.data, now));
    }
    if (written.length > 0) this.publish(written);
    return written.map((w) => w.doc);
  }

  private async writeUser(userId: string, now: Date): Promise<PublishedDoc | null> {
    return upsert(this.db, snapshotIds.user(userId), 'user', `user:${userId}`, await userSnapshot(this.db, userId, now), now);
  }

  /**
   * A user's own snapshot exists before their first pull of metrics (computed on demand). Asked
   * once per user per process: metrics pulls follow every live K update, so this stays off
   * that path after the first.
   */
  async ensureUser(userId: string): Promise<void> {
    if (this.ensured.has(userId)) return;
    const [row] = await this.db.query<{ exists: boolean }>('SELECT EXISTS (SELECT 1 FROM metrics WHERE id = $1) AS exists', [snapshotIds.user(userId)]);
    if (!row?.exists) await this.writeUser(userId, new Date());
    this.ensured.add(userId);
  }

  /** Runs the scheduled refreshes now and waits for them (for shutdown and tests). */
  async settle(): Promise<void> {
    for (const kind of PASSES) {
      const timer = this.timers[kind];
      if (!timer) continue;
      clearTimeout(timer);
      this.timers[kind] = null;
      this.enqueue(kind);
    }
    await Promise.all(PASSES.map((kind) => this.running[kind]));
  }

  stop(): void {
    this.stopped = true;
    for (const kind of PASSES) {
      const timer = this.timers[kind];
      if (timer) clearTimeout(timer);
      this.timers[kind] = null;
    }
  }
}

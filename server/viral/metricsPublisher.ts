/**
 * Keeps the `metrics` snapshots fresh and pushes them live. A write marks the metrics dirty;
 * one refresh runs per coalescing period at most (latest wins), so a burst of writes costs one
 * recomputation and one broadcast, and an acceptance reaches every dashboard well within a
 * second. A snapshot is rewritten (new rev) only when its figures changed.
 */
import type { MetricsDoc } from '../../shared/metrics';
import { windowChoices } from '../../shared/viral';
import type { Db } from '../db/db';
import type { Logger } from '../log';
import { readFeed, type FeedRow } from '../sync/feed';
import type { Checkpoint, PullResponse } from '../../shared/sync/protocol';
import { readKCounts, toPlatformMetrics, type PlatformMetrics } from './coefficient';

interface MetricsRow extends FeedRow {
  id: string;
  doc: PlatformMetrics;
}

const toDoc = (r: MetricsRow): MetricsDoc => ({ ...r.doc, id: r.id, rev: r.rev, _deleted: false });

export async function pullMetrics(db: Db, checkpoint: Checkpoint | null, limit: number): Promise<PullResponse<MetricsDoc>> {
  const page = await readFeed<MetricsRow>(db, 'metrics', 'true', [], checkpoint, limit);
  return { documents: page.rows.map(toDoc), checkpoint: page.checkpoint, held: page.held };
}

const sameFigures = (a: PlatformMetrics, b: PlatformMetrics) =>
  a.k === b.k && a.inviters === b.inviters && a.sent === b.sent && a.accepted === b.accepted;

export class MetricsPublisher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly coalesceMs: number,
    private readonly publish: (docs: MetricsDoc[]) => void,
    private readonly log: Logger,
  ) {}

  /** Something that K depends on changed: refresh soon. */
  markDirty(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.running.then(async () => void (await this.refresh())).catch((err) => this.log.error({ err }, 'metrics refresh failed'));
    }, this.coalesceMs);
  }

  /** Recomputes every window now; returns the snapshots that changed. */
  async refresh(): Promise<MetricsDoc[]> {
    const now = new Date();
    const changed: MetricsDoc[] = [];
    for (const windowDays of windowChoices) {
      const next = toPlatformMetrics(windowDays, await readKCounts(this.db, windowDays), now);
      const rows = await this.db.query<MetricsRow>(
        `INSERT INTO metrics (id, doc, rev, txid) VALUES ($1, $2::jsonb, nextval('plusone_rev'), plusone_txid())
         ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc, rev = EXCLUDED.rev, txid = EXCLUDED.txid, updated_at = now()
           WHERE NOT (metrics.doc->>'k' = EXCLUDED.doc->>'k' AND metrics.doc->>'inviters' = EXCLUDED.doc->>'inviters'
                  AND metrics.doc->>'sent' = EXCLUDED.doc->>'sent' AND metrics.doc->>'accepted' = EXCLUDED.doc->>'accepted')
         RETURNING id, doc, rev, txid, 0 AS horizon`,
        [next.id, JSON.stringify(next)],
      );
      if (rows[0] && sameFigures(rows[0].doc, next)) changed.push(toDoc(rows[0]));
    }
    if (changed.length > 0) this.publish(changed);
    return changed;
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

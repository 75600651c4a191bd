/**
 * The publisher under overload: while a refresh runs, at most one more of its kind waits,
 * however many coalescing periods pass (before, one was queued per period and the queue grew
 * without end when the database fell behind, so K reached dashboards minutes late).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Db } from '../db/db';
import { createLogger } from '../log';
import { MetricsPublisher } from './metricsPublisher';

afterEach(() => {
  vi.useRealTimers();
});

describe('MetricsPublisher', () => {
  it('keeps at most one refresh waiting behind the one that runs', async () => {
    vi.useFakeTimers();
    let release!: () => void;
    const slowDatabase = new Promise<void>((resolve) => (release = resolve));
    let refreshes = 0;
    const db = {
      kind: 'postgres',
      // Each platform refresh starts by folding the counters: count those, and hold the first.
      async query(sql: string) {
        if (!sql.includes('k_compact')) throw new Error('not needed here');
        refreshes++;
        await slowDatabase;
        return [{ moved: 0 }];
      },
    } as unknown as Db;
    const publisher = new MetricsPublisher(db, 10, () => {}, createLogger('silent'), 3_600_000);
    for (let i = 0; i < 50; i++) {
      publisher.markDirty();
      await vi.advanceTimersByTimeAsync(10);
    }
    expect(refreshes).toBe(1);
    release();
    publisher.stop();
    await publisher.settle();
    expect(refreshes).toBe(2);
  });
});

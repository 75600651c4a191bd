/**
 * Reads one cached analytics snapshot (shared/analytics/snapshots.ts) from the local `metrics`
 * collection and follows it live: a pull or a `metrics:updated` push re-renders the screen.
 * Offline, the last synced snapshot stands. A snapshot that is not there yet, or that has a
 * shape this build cannot read (an older server), is `missing`, never a crash.
 */
import { useEffect, useState } from 'react';
import { readSnapshot, type MetricsKind, type SnapshotData } from '../../../shared/analytics/snapshots';
import { useCurrentSync } from '../../shell/UserSyncContext';

export type SnapshotState<K extends MetricsKind> =
  | { status: 'loading' }
  | { status: 'missing' }
  | { status: 'ready'; data: SnapshotData<K>; computedAt: string };

/** What a stored metrics document amounts to for a screen that wants `kind`. */
export function snapshotState<K extends MetricsKind>(
  kind: K,
  doc: { kind: string; computedAt: string; data: unknown } | null,
): SnapshotState<K> {
  const data = readSnapshot(kind, doc);
  return data && doc ? { status: 'ready', data, computedAt: doc.computedAt } : { status: 'missing' };
}

const LOADING = { status: 'loading' } as const;

export function useSnapshot<K extends MetricsKind>(kind: K, id: string): SnapshotState<K> {
  const { db } = useCurrentSync();
  // Keyed by the id, so switching windows never shows the previous window's figures.
  const [state, setState] = useState<{ id: string; value: SnapshotState<K> }>({ id, value: LOADING });
  useEffect(() => {
    const sub = db.metrics.findOne(id).$.subscribe((doc) => {
      setState({ id, value: snapshotState(kind, doc ? doc.toJSON() : null) });
    });
    return () => sub.unsubscribe();
  }, [db, kind, id]);
  return state.id === id ? state.value : LOADING;
}

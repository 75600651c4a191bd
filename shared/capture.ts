/**
 * When a write counts. A supplier may capture an invitation offline on Monday and sync it on
 * Thursday: it counts as Monday's when the device's capture time is plausible, and as the
 * server's receive time otherwise. Plausible means not in the future (beyond a small tolerance
 * for clock drift) and not before the account existed. Ordering never uses the device clock;
 * only this attribution does, and the screen says which clock was used.
 */
export const CAPTURE_FUTURE_TOLERANCE_MS = 5 * 60_000;

export type TimeSource = 'device' | 'server';

export interface CountedTime {
  at: Date;
  source: TimeSource;
}

export function countedTime(capturedAt: Date, receivedAt: Date, accountCreatedAt: Date): CountedTime {
  const captured = capturedAt.getTime();
  const plausible =
    Number.isFinite(captured) &&
    captured <= receivedAt.getTime() + CAPTURE_FUTURE_TOLERANCE_MS &&
    captured >= accountCreatedAt.getTime();
  return plausible ? { at: new Date(Math.min(captured, receivedAt.getTime())), source: 'device' } : { at: receivedAt, source: 'server' };
}

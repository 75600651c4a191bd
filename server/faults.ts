/**
 * Deliberate faults, for tests only: the randomized sync suite switches one on to prove it
 * would catch the bug (TEST_FAULTS=no-pull-guard,no-idempotency,no-lattice). Also a random
 * delay before a push commits, so concurrent writers really commit out of order
 * (TEST_COMMIT_DELAY_MS). Never set in production; config refuses them when NODE_ENV is
 * production.
 */
export const faultNames = ['no-pull-guard', 'no-idempotency', 'no-lattice'] as const;
export type FaultName = (typeof faultNames)[number];

export interface Faults {
  enabled: ReadonlySet<FaultName>;
  commitDelayMs: number;
}

let current: Faults = { enabled: new Set(), commitDelayMs: 0 };

export function setFaults(faults: Faults): void {
  current = faults;
}

export function hasFault(name: FaultName): boolean {
  return current.enabled.has(name);
}

/** Holds a push's transaction open for a random while before it commits (test only). */
export async function commitDelay(): Promise<void> {
  if (current.commitDelayMs <= 0) return;
  await new Promise((r) => setTimeout(r, Math.random() * current.commitDelayMs));
}

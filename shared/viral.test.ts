import { describe, expect, it } from 'vitest';
import { canTransition, invitationStatuses, type InvitationStatus } from './invitation';
import { createRng, type Rng } from './random';
import { funnel, K_HEALTHY, K_WARNING, kStatus, viralCoefficient, type Funnel, type KCounts, type StatusCounts } from './viral';

/** Seed for the randomized checks: `SEED=123 npx vitest run shared/viral.test.ts` reruns one. */
const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);

/** Consistent counts: every inviter sent at least one invitation, accepted ≤ invited. */
function randomCounts(rng: ReturnType<typeof createRng>): KCounts {
  const inviters = rng.chance(0.05) ? 0 : rng.int(1, 500);
  const invited = inviters === 0 ? 0 : inviters + rng.int(0, inviters * 20);
  return { inviters, invited, accepted: rng.int(0, invited) };
}

describe('viral coefficient K', () => {
  it('K is accepted ÷ inviters and equals i × c, with the health that K implies, for random counts', () => {
    const rng = createRng(seed);
    for (let run = 0; run < 2000; run++) {
      const c = randomCounts(rng);
      try {
        const { k, invitesPerInviter, acceptanceRate } = viralCoefficient(c);
        expect(k).toBe(c.inviters === 0 ? 0 : c.accepted / c.inviters);
        expect(invitesPerInviter * acceptanceRate).toBeCloseTo(k, 9);
        expect(acceptanceRate).toBeGreaterThanOrEqual(0);
        expect(acceptanceRate).toBeLessThanOrEqual(1);
        expect(kStatus(k)).toBe(k >= 1.2 ? 'healthy' : k >= 1.0 ? 'warning' : 'critical');
      } catch (err) {
        throw new Error(`failed for ${JSON.stringify(c)} (run ${run}; rerun with SEED=${seed}): ${String(err)}`);
      }
    }
  });

  it('with no inviters K is 0, not NaN', () => {
    expect(viralCoefficient({ invited: 0, accepted: 0, inviters: 0 })).toEqual({
      k: 0,
      invitesPerInviter: 0,
      acceptanceRate: 0,
    });
  });

  it('a worked example: 10 inviters, 40 invitations, 14 accepted → i = 4, c = 0.35, K = 1.4', () => {
    const parts = viralCoefficient({ inviters: 10, invited: 40, accepted: 14 });
    expect(parts.invitesPerInviter).toBe(4);
    expect(parts.acceptanceRate).toBe(0.35);
    expect(parts.k).toBe(1.4);
  });

  it('health is healthy from 1.2, warning from 1.0, critical below', () => {
    expect([K_HEALTHY, K_WARNING]).toEqual([1.2, 1.0]);
    expect(kStatus(1.2)).toBe('healthy');
    expect(kStatus(3)).toBe('healthy');
    expect(kStatus(1.1999)).toBe('warning');
    expect(kStatus(1.0)).toBe('warning');
    expect(kStatus(0.9999)).toBe('critical');
    expect(kStatus(0)).toBe('critical');
  });

  it.each<[string, KCounts]>([
    ['more accepted than invited', { invited: 3, accepted: 4, inviters: 1 }],
    ['a negative count', { invited: 3, accepted: -1, inviters: 1 }],
    ['more inviters than invitations', { invited: 2, accepted: 1, inviters: 3 }],
    ['invitations without an inviter', { invited: 2, accepted: 1, inviters: 0 }],
    ['a fractional count', { invited: 2.5, accepted: 1, inviters: 1 }],
    ['NaN', { invited: Number.NaN, accepted: 0, inviters: 1 }],
  ])('inconsistent counts throw: %s', (_name, counts) => {
    expect(() => viralCoefficient(counts)).toThrow(RangeError);
  });
});

/**
 * The funnel against an oracle that follows each invitation: how far along sent → delivered →
 * opened → accepted its current status shows it went (a declined one was opened; a queued or
 * cancelled one counts as never sent, as the funnel's definition says: only current statuses
 * are counted).
 */
const stageReached: Record<InvitationStatus, number> = { queued: 0, cancelled: 0, sent: 1, delivered: 2, opened: 3, declined: 3, accepted: 4 };

function randomStatuses(rng: Rng): InvitationStatus[] {
  return Array.from({ length: rng.int(0, 60) }, () => rng.pick(invitationStatuses));
}

function countsOf(statuses: readonly InvitationStatus[]): StatusCounts {
  const c: StatusCounts = { queued: 0, sent: 0, delivered: 0, opened: 0, accepted: 0, declined: 0, cancelled: 0 };
  for (const s of statuses) c[s]++;
  return c;
}

function oracle(statuses: readonly InvitationStatus[]): Funnel {
  const reached = (stage: number) => statuses.filter((s) => stageReached[s] >= stage).length;
  return { invited: statuses.length, sent: reached(1), delivered: reached(2), opened: reached(3), accepted: reached(4) };
}

const stages = ['invited', 'sent', 'delivered', 'opened', 'accepted'] as const;

describe('funnel', () => {
  const check = (name: string, body: (rng: Rng, run: number) => void) =>
    it(name, () => {
      const rng = createRng(seed);
      for (let run = 0; run < 1000; run++) {
        try {
          body(rng, run);
        } catch (err) {
          throw new Error(`run ${run} failed (rerun with SEED=${seed}): ${String(err)}`);
        }
      }
    });

  check('counts, at each stage, the invitations whose status shows they reached it, and narrows step by step', (rng) => {
    const statuses = randomStatuses(rng);
    const f = funnel(countsOf(statuses));
    expect(f).toEqual(oracle(statuses));
    for (let i = 1; i < stages.length; i++) expect(f[stages[i]!]).toBeLessThanOrEqual(f[stages[i - 1]!]);
  });

  check('of two sets of invitations is the sum of their funnels (days and slices add up)', (rng) => {
    const a = randomStatuses(rng);
    const b = randomStatuses(rng);
    const [fa, fb, both] = [funnel(countsOf(a)), funnel(countsOf(b)), funnel(countsOf([...a, ...b]))];
    for (const stage of stages) expect(both[stage]).toBe(fa[stage] + fb[stage]);
  });

  check('never loses an invitation at any stage when one moves forward (a cancellation aside)', (rng) => {
    const statuses = randomStatuses(rng);
    if (statuses.length === 0) return;
    const i = rng.int(0, statuses.length - 1);
    const moves = invitationStatuses.filter((s) => s !== 'cancelled' && canTransition(statuses[i]!, s));
    if (moves.length === 0) return; // a cancelled one stays cancelled
    const to = rng.pick(moves);
    const before = funnel(countsOf(statuses));
    const after = funnel(countsOf(statuses.map((s, j) => (j === i ? to : s))));
    for (const stage of stages) expect(after[stage]).toBeGreaterThanOrEqual(before[stage]);
    expect(after.invited).toBe(before.invited);
  });

  it('a worked example: 2 queued, 3 sent, 1 delivered, 4 opened, 2 declined, 5 accepted, 1 cancelled', () => {
    expect(funnel({ queued: 2, sent: 3, delivered: 1, opened: 4, declined: 2, accepted: 5, cancelled: 1 })).toEqual({
      invited: 18,
      sent: 15,
      delivered: 12,
      opened: 11,
      accepted: 5,
    });
  });
});

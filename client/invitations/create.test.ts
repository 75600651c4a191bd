/**
 * The device's variant for a new invitation (offline, from its cached `experiments` config and
 * its own invitations), on the real RxDB collections in memory: after the weights move, an
 * inviter with an invitation in this round keeps its variant; a new inviter follows the new
 * weights; an invitation from before the round holds no one.
 */
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignVariant } from '../../shared/experiments/assign';
import type { ExperimentConfig } from '../../shared/experiments/config';
import type { SessionUser } from '../../shared/roles';
import { createRng } from '../../shared/random';
import { closeDatabase, openDatabase, type PlusOneDb } from '../db/database';
import { assignInvitationVariant, createInvitation } from './create';

const memory = new Map<string, string>();
(globalThis as { localStorage?: unknown }).localStorage ??= {
  getItem: (k: string) => memory.get(k) ?? null,
  setItem: (k: string, v: string) => void memory.set(k, String(v)),
  removeItem: (k: string) => void memory.delete(k),
};

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
const rng = createRng(seed);
const KEY = 'u-create-variant-test';
const DAY = 86_400_000;
const startedAt = new Date(Date.now() - DAY).toISOString();
let db: PlusOneDb;

const config = (control: number, variantA: number): ExperimentConfig => ({
  channel: 'email',
  seed: 'email-invite-1',
  mode: 'thompson',
  threshold: 0.95,
  status: 'running',
  defaultVariant: 'control',
  variants: [{ name: 'control', weight: control }, { name: 'variant_a', weight: variantA }],
  updatedAt: startedAt,
  startedAt,
});

/** Caches the `experiments` snapshot as a pull would. */
async function cache(experiment: ExperimentConfig) {
  await db.metrics.upsert({ id: 'experiments', kind: 'experiments', computedAt: new Date().toISOString(), data: { experiments: [experiment] }, rev: 1 });
}

/** A user whose id hashes to control under an even split and to variant_a under 5/95. */
function switcher(): SessionUser {
  for (;;) {
    const id = `u-${Math.floor(rng.next() * 2 ** 40).toString(36)}`;
    if (assignVariant(config(1, 1), id) === 'control' && assignVariant(config(0.05, 0.95), id) === 'variant_a') {
      return { id, email: `${id}@example.com`, name: 'S', role: 'supplier', orgId: null, orgName: null };
    }
  }
}

const invite = async (user: SessionUser) => {
  const made = await createInvitation(db, user, { recipientEmail: `g${Math.floor(rng.next() * 1e9)}@guests.example`, relationship: 'past_client' });
  if (!made.ok) throw new Error(made.error);
  return made.invitation;
};

beforeAll(async () => {
  db = await openDatabase(KEY, { storage: getRxStorageMemory(), name: KEY, multiInstance: false });
});
afterAll(() => closeDatabase(KEY));

describe('the device assigns sticky variants', () => {
  it('a returning inviter keeps their variant after a reweight; a new one follows the new weights', async () => {
    const returning = switcher();
    const newcomer = switcher();
    await cache(config(1, 1));
    expect((await invite(returning)).variant, `seed ${seed}`).toBe('control');
    await cache(config(0.05, 0.95)); // Thompson moved the weights; the device pulled them
    expect((await invite(returning)).variant, `seed ${seed}`).toBe('control');
    expect((await invite(newcomer)).variant, `seed ${seed}`).toBe('variant_a');
    // Other channels are other experiments: no email invitation holds an SMS assignment.
    expect(await assignInvitationVariant(db, 'sms', returning.id)).toBe('control'); // no SMS config cached: control
  });

  it('a variant set to weight 0 lets its inviters go to the others', async () => {
    const user = switcher();
    await cache(config(1, 1));
    expect((await invite(user)).variant).toBe('control');
    await cache(config(0, 1));
    expect((await invite(user)).variant).toBe('variant_a');
  });

  it('an invitation from before this round does not hold the inviter', async () => {
    const user = switcher();
    await cache(config(1, 1));
    const old = await invite(user);
    await db.invitations.findOne(old.id).incrementalPatch({ capturedAt: new Date(Date.now() - 2 * DAY).toISOString() });
    await cache(config(0.05, 0.95));
    expect(await assignInvitationVariant(db, 'email', user.id)).toBe('variant_a');
  });
});

import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { P0, P1, P2, P3, planDrain, type ParentState, type PendingWrite, type Priority } from './priority';

const w = (key: string, priority: Priority, seq: string, parent?: string): PendingWrite => ({ key, priority, seq, parent });
const allSynced = (): ParentState => 'synced';

describe('drain order (PRIO rules)', () => {
  it('PRIO1: acceptances go before new invitations, before edits, before analytics, whatever their age', () => {
    const plan = planDrain(
      [w('open', P3, '1'), w('edit', P2, '2'), w('new', P1, '3'), w('accept', P0, '4')],
      allSynced,
    );
    expect(plan.order.map((x) => x.key)).toEqual(['accept', 'new', 'edit', 'open']);
  });

  it('PRIO2: within a priority, writes go in the order they were made', () => {
    const plan = planDrain([w('b', P1, '2'), w('c', P1, '3'), w('a', P1, '1')], allSynced);
    expect(plan.order.map((x) => x.key)).toEqual(['a', 'b', 'c']);
  });

  it('ORD1: an invitation made offline goes before its acceptance, ahead of other new invitations', () => {
    const plan = planDrain(
      [w('inv-old', P1, '1'), w('inv-x', P1, '5'), w('accept-x', P0, '6', 'inv-x'), w('booking', P0, '7', 'accept-x')],
      allSynced,
    );
    expect(plan.order.map((x) => x.key)).toEqual(['inv-x', 'accept-x', 'booking', 'inv-old']);
  });

  it('ORD2: a refused parent holds its children back with its reason; a parent waiting elsewhere holds them too', () => {
    const states: Record<string, ParentState> = { refusedInv: 'refused', queuedInv: 'waiting' };
    const plan = planDrain(
      [w('a1', P0, '1', 'refusedInv'), w('a2', P0, '2', 'a1'), w('b1', P0, '3', 'queuedInv'), w('free', P1, '4')],
      (key) => states[key] ?? 'synced',
    );
    expect(plan.order.map((x) => x.key)).toEqual(['free']);
    expect(plan.held.map((h) => [h.write.key, h.blockedBy, h.because]).sort()).toEqual([
      ['a1', 'refusedInv', 'refused'],
      ['a2', 'refusedInv', 'refused'],
      ['b1', 'queuedInv', 'waiting'],
    ]);
  });

  it('PRIO3 (randomized): every write is sent or held once, parents first, and P0 chains before everything else', () => {
    const seed = Number(process.env.SEED ?? Date.now() % 100000);
    for (let run = 0; run < 300; run++) {
      const rng = createRng(seed + run);
      const n = rng.int(1, 40);
      const writes: PendingWrite[] = [];
      const outside: Record<string, ParentState> = {};
      for (let i = 0; i < n; i++) {
        const r = rng.next();
        let parent: string | undefined;
        if (r < 0.35 && i > 0) parent = `w${rng.int(0, i - 1)}`;
        else if (r < 0.45) {
          parent = `out${i}`;
          outside[parent] = rng.pick(['synced', 'refused', 'waiting'] as const);
        }
        writes.push(w(`w${i}`, rng.pick([P0, P1, P2, P3] as const), String(rng.int(0, 99)).padStart(3, '0'), parent));
      }
      const plan = planDrain(writes, (k) => outside[k] ?? 'synced');
      const context = `seed ${seed + run}: ${JSON.stringify(writes)}`;
      const sent = plan.order.map((x) => x.key);
      const heldKeys = plan.held.map((h) => h.write.key);
      expect([...sent, ...heldKeys].sort(), context).toEqual(writes.map((x) => x.key).sort());
      const position = new Map(sent.map((k, i) => [k, i]));
      const byKey = new Map(writes.map((x) => [x.key, x]));
      for (const x of plan.order) {
        if (x.parent && byKey.has(x.parent)) {
          expect(position.has(x.parent), context).toBe(true);
          expect(position.get(x.parent)!, context).toBeLessThan(position.get(x.key)!);
        }
      }
      // Ancestors of sent P0 writes, and the P0 writes themselves, precede all other sent writes.
      const urgent = new Set<string>();
      for (const x of plan.order) {
        if (x.priority !== P0) continue;
        for (let k: string | undefined = x.key; k && byKey.has(k); k = byKey.get(k)!.parent) urgent.add(k);
      }
      const lastUrgent = Math.max(-1, ...[...urgent].map((k) => position.get(k)!));
      const firstOther = Math.min(sent.length, ...sent.filter((k) => !urgent.has(k)).map((k) => position.get(k)!));
      expect(lastUrgent, context).toBeLessThan(firstOther);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../random';
import { roles } from '../roles';
import {
  SegmentDefinition,
  SegmentField,
  SegmentRule,
  builtInSegments,
  matchesRule,
  membershipChanges,
  segmentFieldInfo,
  segmentMembers,
  segmentTitle,
  type SegmentCondition,
  type SegmentProfile,
} from './segments';
import { connectorTiers } from './superConnector';

/** Seed for the randomized checks: `SEED=123 npx vitest run shared/analytics` reruns one. */
const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);

function profile(over: Partial<SegmentProfile> = {}): SegmentProfile {
  return {
    userId: 'u1',
    name: 'Ada',
    email: 'ada@example.com',
    role: 'supplier',
    tier: null,
    connections: 0,
    invitations30d: 0,
    accepted30d: 0,
    k30d: 0,
    daysSinceLastInvitation: null,
    daysSinceReferred: null,
    referralDepth: 0,
    referredRevenue: 0,
    bookings: 0,
    ...over,
  };
}

/** Small ranges, so values and thresholds collide often (boundaries get exercised). */
function randomProfile(rng: Rng, i: number): SegmentProfile {
  return profile({
    userId: `u${String(i).padStart(3, '0')}`,
    role: rng.pick(roles),
    tier: rng.chance(0.4) ? null : rng.pick(connectorTiers),
    connections: rng.int(0, 30),
    invitations30d: rng.int(0, 10),
    accepted30d: rng.int(0, 10),
    k30d: rng.int(0, 30) / 10,
    daysSinceLastInvitation: rng.chance(0.3) ? null : rng.int(0, 60),
    daysSinceReferred: rng.chance(0.3) ? null : rng.int(0, 60),
    referralDepth: rng.int(0, 4),
    referredRevenue: rng.int(0, 5) * 1000,
    bookings: rng.int(0, 5),
  });
}

function randomCondition(rng: Rng): SegmentCondition {
  const field = rng.pick(SegmentField.options);
  if (rng.chance(0.15)) return { field, operator: rng.pick(['exists', 'missing'] as const), value: null };
  if (field === 'role' || field === 'tier') {
    const values: readonly string[] = field === 'role' ? roles : connectorTiers;
    const operator = rng.pick(['eq', 'neq', 'in'] as const);
    const value = operator === 'in' ? values.filter(() => rng.chance(0.5)).concat(values[0]!) : rng.pick(values);
    return { field, operator, value };
  }
  const value = field === 'k30d' ? rng.int(0, 30) / 10 : field === 'referredRevenue' ? rng.int(0, 5) * 1000 : rng.int(0, 40);
  return { field, operator: rng.pick(['eq', 'neq', 'gt', 'gte', 'lt', 'lte'] as const), value };
}

/** A second, deliberately plain reading of one condition. */
function reference(p: SegmentProfile, c: SegmentCondition): boolean {
  const v = p[c.field];
  if (c.operator === 'exists') return v != null;
  if (c.operator === 'missing') return v == null;
  if (v == null) return false;
  if (c.operator === 'in') return (c.value as string[]).indexOf(String(v)) >= 0;
  if (c.operator === 'eq') return v === c.value;
  if (c.operator === 'neq') return v !== c.value;
  const a = v as number;
  const b = c.value as number;
  return { gt: a > b, gte: a >= b, lt: a < b, lte: a <= b }[c.operator];
}

describe('segment rules', () => {
  it('and holds when every condition holds, or when some condition does, for random rules and profiles', () => {
    const rng = createRng(seed);
    let matchedAnd = 0;
    for (let run = 0; run < 3000; run++) {
      const conditions = Array.from({ length: rng.int(1, 4) }, () => randomCondition(rng));
      const p = randomProfile(rng, run);
      try {
        for (const combinator of ['and', 'or'] as const) SegmentRule.parse({ combinator, conditions });
        const each = conditions.map((c) => reference(p, c));
        for (const [i, c] of conditions.entries()) expect(matchesRule(p, { combinator: 'and', conditions: [c] })).toBe(each[i]);
        expect(matchesRule(p, { combinator: 'and', conditions })).toBe(each.every(Boolean));
        expect(matchesRule(p, { combinator: 'or', conditions })).toBe(each.some(Boolean));
        if (conditions.length > 1 && each.every(Boolean)) matchedAnd++;
      } catch (err) {
        throw new Error(`failed for ${JSON.stringify({ conditions, p })} (run ${run}; rerun with SEED=${seed}): ${String(err)}`);
      }
    }
    expect(matchedAnd).toBeGreaterThan(20);
  });

  it('a field with no value satisfies no comparison, neq included, only missing', () => {
    const p = profile({ daysSinceLastInvitation: null, tier: null });
    for (const operator of ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'] as const) {
      expect(matchesRule(p, { combinator: 'and', conditions: [{ field: 'daysSinceLastInvitation', operator, value: 5 }] })).toBe(false);
    }
    expect(matchesRule(p, { combinator: 'and', conditions: [{ field: 'tier', operator: 'neq', value: 'gold' }] })).toBe(false);
    expect(matchesRule(p, { combinator: 'and', conditions: [{ field: 'tier', operator: 'missing', value: null }] })).toBe(true);
    expect(matchesRule(p, { combinator: 'and', conditions: [{ field: 'tier', operator: 'exists', value: null }] })).toBe(false);
  });

  it.each<[string, unknown, string]>([
    ['a word where a number is due', { field: 'connections', operator: 'gt', value: 'ten' }, 'connections needs a number for gt'],
    ['no value for a comparison', { field: 'k30d', operator: 'lte', value: null }, 'k30d needs a number for lte'],
    ['a range on a text field', { field: 'role', operator: 'gte', value: 3 }, 'role is text, so gte cannot compare it'],
    ['a number for a text field', { field: 'tier', operator: 'eq', value: 2 }, 'tier needs a text value for eq'],
    ['text for a number field', { field: 'bookings', operator: 'eq', value: '2' }, 'bookings needs a number for eq'],
    ['in on a number field', { field: 'bookings', operator: 'in', value: ['2'] }, 'bookings is a number, so in cannot be used'],
    ['in without a list', { field: 'role', operator: 'in', value: 'couple' }, 'role needs a list of values for in'],
    ['an unknown role', { field: 'role', operator: 'in', value: ['couple', 'vendor'] }, 'role must be one of supplier, couple, coordinator, owner (got vendor)'],
    ['an unknown tier', { field: 'tier', operator: 'eq', value: 'diamond' }, 'tier must be one of platinum, gold, silver, bronze (got diamond)'],
    ['a value for exists', { field: 'tier', operator: 'exists', value: 'gold' }, 'exists takes no value'],
  ])('a meaningless condition fails to parse with a clear message: %s', (_name, condition, message) => {
    const result = SegmentRule.safeParse({ combinator: 'and', conditions: [condition] });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toContain(message);
    expect(result.error!.issues[0]!.path).toEqual(['conditions', 0, 'value']);
  });

  it('malformed rules and definitions fail to parse', () => {
    const ok = { field: 'bookings', operator: 'gt', value: 1 };
    expect(SegmentRule.safeParse({ combinator: 'and', conditions: [] }).success).toBe(false);
    expect(SegmentRule.safeParse({ combinator: 'and', conditions: Array(11).fill(ok) }).success).toBe(false);
    expect(SegmentRule.safeParse({ combinator: 'and', conditions: Array(10).fill(ok) }).success).toBe(true);
    expect(SegmentRule.safeParse({ combinator: 'xor', conditions: [ok] }).success).toBe(false);
    expect(SegmentRule.safeParse({ combinator: 'and', conditions: [{ ...ok, field: 'email' }] }).success).toBe(false);
    expect(SegmentRule.safeParse({ combinator: 'and', conditions: [{ ...ok, extra: 1 }] }).success).toBe(false);
    const many = Array.from({ length: 21 }, () => 'couple');
    expect(SegmentRule.safeParse({ combinator: 'and', conditions: [{ field: 'role', operator: 'in', value: many }] }).success).toBe(false);
    const rule = { combinator: 'and', conditions: [ok] };
    expect(SegmentDefinition.safeParse({ id: 'big-bookers', name: '  Big bookers ', rule }).data?.name).toBe('Big bookers');
    expect(SegmentDefinition.safeParse({ id: 'Big Bookers', name: 'Big bookers', rule }).success).toBe(false);
    expect(SegmentDefinition.safeParse({ id: 'b', name: 'Big bookers', rule }).success).toBe(false);
    expect(SegmentDefinition.safeParse({ id: 'big-bookers', name: ' B ', rule }).success).toBe(false);
  });

  it('every field is described, numbers as numbers and role and tier as text', () => {
    for (const field of SegmentField.options) expect(segmentFieldInfo[field].label.length).toBeGreaterThan(1);
    const text = SegmentField.options.filter((f) => segmentFieldInfo[f].kind === 'text');
    expect(text).toEqual(['role', 'tier']);
  });
});

describe('built-in segments', () => {
  const byId = (id: string) => builtInSegments.find((s) => s.id === id)!;
  const inSegment = (id: string, over: Partial<SegmentProfile>) => matchesRule(profile(over), byId(id).rule);

  it('are the four of DESIGN §4, with their exact ids and names', () => {
    expect(builtInSegments.map((s) => [s.id, s.name])).toEqual([
      ['super-connectors', 'Super-Connectors'],
      ['high-viral-activity', 'High Viral Activity'],
      ['dormant-inviters', 'Dormant Inviters'],
      ['newly-referred', 'Newly Referred'],
    ]);
  });

  it('Super-Connectors: anyone with a tier, bronze included', () => {
    expect(inSegment('super-connectors', { tier: 'gold' })).toBe(true);
    expect(inSegment('super-connectors', { tier: 'bronze' })).toBe(true);
    expect(inSegment('super-connectors', { tier: null, connections: 500 })).toBe(false);
  });

  it('High Viral Activity: K at least 1.2 over at least 5 invitations', () => {
    expect(inSegment('high-viral-activity', { k30d: 1.2, invitations30d: 5 })).toBe(true);
    expect(inSegment('high-viral-activity', { k30d: 3, invitations30d: 40 })).toBe(true);
    expect(inSegment('high-viral-activity', { k30d: 1.19, invitations30d: 50 })).toBe(false);
    expect(inSegment('high-viral-activity', { k30d: 2, invitations30d: 4 })).toBe(false);
  });

  it('Dormant Inviters: invited once, but not in the last 30 days', () => {
    expect(inSegment('dormant-inviters', { daysSinceLastInvitation: 31 })).toBe(true);
    expect(inSegment('dormant-inviters', { daysSinceLastInvitation: 30 })).toBe(false);
    expect(inSegment('dormant-inviters', { daysSinceLastInvitation: null })).toBe(false);
  });

  it('Newly Referred: referred in the last 30 days', () => {
    expect(inSegment('newly-referred', { daysSinceReferred: 0 })).toBe(true);
    expect(inSegment('newly-referred', { daysSinceReferred: 30 })).toBe(true);
    expect(inSegment('newly-referred', { daysSinceReferred: 31 })).toBe(false);
    expect(inSegment('newly-referred', { daysSinceReferred: null })).toBe(false);
  });

  it('members are sorted user ids, each once, and the title counts them', () => {
    const people = [
      profile({ userId: 'c', tier: 'gold' }),
      profile({ userId: 'a', tier: 'silver' }),
      profile({ userId: 'b', tier: null }),
      profile({ userId: 'a', tier: 'silver' }),
    ];
    const members = segmentMembers(people, byId('super-connectors'));
    expect(members).toEqual(['a', 'c']);
    expect(segmentTitle('Super-Connectors', members.length)).toBe('Super-Connectors (2 users)');
    expect(segmentTitle('High Viral Activity', 1)).toBe('High Viral Activity (1 user)');
    expect(segmentTitle('Super-Connectors', 12)).toBe('Super-Connectors (12 users)');
    expect(segmentTitle('Newly Referred', 0)).toBe('Newly Referred (0 users)');
  });
});

describe('membership changes', () => {
  it('applying joined and left to the old members gives the new ones, for random lists', () => {
    const rng = createRng(seed + 1);
    const ids = Array.from({ length: 30 }, (_, i) => `u${i}`);
    for (let run = 0; run < 2000; run++) {
      const before = ids.filter(() => rng.chance(0.4));
      const after = ids.filter(() => rng.chance(0.4));
      try {
        const { joined, left } = membershipChanges(before, after);
        const applied = new Set(before);
        for (const id of left) applied.delete(id);
        for (const id of joined) applied.add(id);
        expect([...applied].sort()).toEqual([...after].sort());
        expect(joined.every((id) => !before.includes(id))).toBe(true);
        expect(left.every((id) => before.includes(id) && !after.includes(id))).toBe(true);
        expect(joined).toEqual([...joined].sort());
        expect(left).toEqual([...left].sort());
      } catch (err) {
        throw new Error(`failed for ${JSON.stringify({ before, after })} (run ${run}; rerun with SEED=${seed}): ${String(err)}`);
      }
    }
  });

  it('no change gives nothing; the lists come back sorted', () => {
    expect(membershipChanges(['b', 'a'], ['a', 'b'])).toEqual({ joined: [], left: [] });
    expect(membershipChanges(['z', 'c', 'a'], ['y', 'a', 'b'])).toEqual({ joined: ['b', 'y'], left: ['c', 'z'] });
  });
});

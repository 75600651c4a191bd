import { describe, expect, it } from 'vitest';
import { builtInSegments, SegmentRule } from '../../../shared/analytics/segments';
import { blankRow, cardTitle, describeRule, operatorsFor, ruleFromRows, segmentsKey, withField } from './segmentText';

describe('segment card titles', () => {
  it('name the count exactly as the brief does, from 5 people up', () => {
    expect(cardTitle('Super-Connectors', 12)).toBe('Super-Connectors (12 users)');
    expect(cardTitle('High Viral Activity', 5)).toBe('High Viral Activity (5 users)');
  });

  it('say "fewer than 5" under the privacy threshold, 0 included', () => {
    for (const n of [0, 1, 4]) expect(cardTitle('Dormant Inviters', n)).toBe('Dormant Inviters (fewer than 5 users)');
  });
});

describe('rules in words', () => {
  it('read the built-ins plainly', () => {
    const [superConnectors, highViral] = builtInSegments;
    expect(describeRule(superConnectors!.rule)).toBe('Super-connector tier has a value');
    expect(describeRule(highViral!.rule)).toBe('Viral coefficient K (30 days) ≥ 1.2 and Invitations (30 days) ≥ 5');
    expect(describeRule({ combinator: 'or', conditions: [{ field: 'role', operator: 'in', value: ['supplier', 'couple'] }, { field: 'bookings', operator: 'gt', value: 0 }] })).toBe(
      'Role is one of supplier, couple or Bookings > 0',
    );
  });
});

describe('the rule builder', () => {
  it('turns typed rows into a rule the shared schema accepts', () => {
    const rows = [
      { field: 'connections', operator: 'gte', value: ' 20 ' },
      { field: 'role', operator: 'in', value: 'supplier, couple' },
      { field: 'tier', operator: 'exists', value: 'ignored' },
    ] as const;
    const rule = ruleFromRows('or', rows.map((r) => ({ ...r })));
    expect(rule).toEqual({
      combinator: 'or',
      conditions: [
        { field: 'connections', operator: 'gte', value: 20 },
        { field: 'role', operator: 'in', value: ['supplier', 'couple'] },
        { field: 'tier', operator: 'exists', value: null },
      ],
    });
    expect(SegmentRule.safeParse(rule).success).toBe(true);
  });

  it('sends what does not make sense as typed, so the server can say why', () => {
    const rule = ruleFromRows('and', [{ ...blankRow(), value: 'lots' }]);
    const parsed = SegmentRule.safeParse(rule);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe('connections needs a number for gte');
  });

  it('offers only operators that fit the field, and keeps one that still fits', () => {
    expect(operatorsFor('role')).not.toContain('gt');
    expect(operatorsFor('bookings')).not.toContain('in');
    expect(withField({ field: 'connections', operator: 'exists', value: '' }, 'tier')).toEqual({ field: 'tier', operator: 'exists', value: 'platinum' });
    expect(withField({ field: 'connections', operator: 'gt', value: '3' }, 'role')).toEqual({ field: 'role', operator: 'eq', value: 'supplier' });
  });
});

describe('the marketing feed beside the cards', () => {
  it('reads its changes again when a count its titles show moves, and not otherwise', () => {
    const four = [{ id: 'super-connectors', members: 4 }, { id: 'newly-referred', members: 76 }];
    const five = [{ id: 'super-connectors', members: 5 }, { id: 'newly-referred', members: 76 }];
    expect(segmentsKey(four)).not.toBe(segmentsKey(five));
    expect(segmentsKey(four)).toBe(segmentsKey(four.map((s) => ({ ...s, name: 'renamed' }))));
    expect(segmentsKey([...four, { id: 'custom', members: 0 }])).not.toBe(segmentsKey(four));
    expect(segmentsKey(null)).toBe('');
  });
});

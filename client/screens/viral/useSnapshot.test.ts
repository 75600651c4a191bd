import { describe, expect, it } from 'vitest';
import { snapshotState } from './useSnapshot';

const computedAt = '2026-03-01T10:00:00.000Z';
const userData = {
  userId: 'u-1',
  connector: null,
  referredBy: null,
  chainDepth: 0,
  tree: { userId: 'u-1', name: 'Sam', depth: 0, revenue: 0, children: [], hiddenBelow: 0 },
  referredRevenue: { people: 0, total: 0, direct: 0, indirect: 0, byLevel: [], suppressed: false },
};

describe('reading a cached snapshot', () => {
  it('a snapshot of the wanted kind and shape is ready, with its time', () => {
    expect(snapshotState('user', { kind: 'user', computedAt, data: userData })).toEqual({ status: 'ready', data: userData, computedAt });
  });

  it('no document yet is missing (the screen says so), not a crash', () => {
    expect(snapshotState('platform', null)).toEqual({ status: 'missing' });
  });

  it('a document of another kind or an older shape is missing too', () => {
    expect(snapshotState('platform', { kind: 'user', computedAt, data: userData })).toEqual({ status: 'missing' });
    expect(snapshotState('platform', { kind: 'platform', computedAt, data: { k: 1.2, windowDays: 30 } })).toEqual({ status: 'missing' });
  });
});

import { describe, expect, it } from 'vitest';
import { durationText, figureOf, whereOf } from './alertsText';

describe('alerts screen words', () => {
  it('shows each condition\'s figure in its own unit', () => {
    expect(figureOf({ key: 'viral_k', lastValue: 0.8765 })).toBe('K = 0.88');
    expect(figureOf({ key: 'api_latency', lastValue: 612.4 })).toBe('612 ms');
    expect(figureOf({ key: 'webhook_endpoints', lastValue: 1 })).toBe('1 endpoint');
    expect(figureOf({ key: 'outbox_backlog', lastValue: 1500 })).toBe('1500 waiting');
    expect(figureOf({ key: 'database', lastValue: null })).toBeNull();
  });

  it('says how long an alert lasted', () => {
    const at = (min: number) => new Date(Date.UTC(2025, 0, 1) + min * 60_000).toISOString();
    expect(durationText(at(0), at(0))).toBe('under a minute');
    expect(durationText(at(0), at(4))).toBe('4 min');
    expect(durationText(at(0), at(125))).toBe('2 h 5 min');
    expect(durationText(at(0), at(60 * 72))).toBe('3 days');
  });

  it('says where an error happened', () => {
    const base = { id: '1', source: 'server' as const, kind: 'TypeError', message: 'm', count: 1, firstSeen: '', lastSeen: '' };
    expect(whereOf({ ...base, context: { method: 'GET', route: '/api/x/:id' } })).toBe('GET /api/x/:id');
    expect(whereOf({ ...base, source: 'client', context: { path: '/dashboard/viral' } })).toBe('/dashboard/viral');
    expect(whereOf({ ...base, context: {} })).toBe('—');
  });
});

import { describe, expect, it } from 'vitest';
import { asOf, clockTime, formatDays, formatDollars, formatInterval, formatK, formatPercent, shortDay, tierText } from './format';

describe('dashboard figures', () => {
  it('K has two decimals, as the viral-coefficient test id has always shown it', () => {
    expect(formatK(1.2)).toBe('1.20');
    expect(formatK(0)).toBe('0.00');
    expect(formatK(null)).toBe('—');
  });

  it('rates are percentages with one decimal, intervals a range, and missing figures a dash', () => {
    expect(formatPercent(0.4567)).toBe('45.7%');
    expect(formatInterval(0.9, 1.6)).toBe('0.90 – 1.60');
    expect(formatInterval(null, 1.6)).toBe('—');
  });

  it('dollars show cents only when there are some', () => {
    expect(formatDollars(1650)).toBe('$1,650');
    expect(formatDollars(1650.5)).toBe('$1,650.50');
    expect(formatDollars(0)).toBe('$0');
  });

  it('days are counted in words', () => {
    expect(formatDays(1)).toBe('1 day');
    expect(formatDays(3)).toBe('3 days');
    expect(formatDays(2.5)).toBe('2.5 days');
  });

  it('a tier reads "Super-Connector: <Tier> Tier" (DESIGN §8)', () => {
    expect(tierText('gold')).toBe('Super-Connector: Gold Tier');
    expect(tierText('platinum')).toBe('Super-Connector: Platinum Tier');
  });

  it('a week starting on a day reads as day and month', () => {
    expect(shortDay('2026-03-02')).toBe('2 Mar');
    expect(shortDay('2026-12-28')).toBe('28 Dec');
  });
});

describe('as of', () => {
  const at = new Date(2026, 2, 1, 14, 5, 0);
  const later = (minutes: number) => new Date(at.getTime() + minutes * 60_000);

  it('fresh figures say only when they were computed, as HH:MM', () => {
    expect(clockTime(new Date(2026, 0, 1, 9, 7))).toBe('09:07');
    expect(asOf(at.toISOString(), later(2), 'online')).toEqual({ text: 'As of 14:05', stale: false });
    expect(asOf(at.toISOString(), later(2), 'connecting')).toEqual({ text: 'As of 14:05', stale: false });
  });

  it('online, an old time means nothing changed since (snapshots are rewritten only on change)', () => {
    expect(asOf(at.toISOString(), later(90), 'online')).toEqual({ text: 'As of 14:05 · no change since, updating live', stale: false });
  });

  it('not connected, figures a few minutes old say how old they are', () => {
    expect(asOf(at.toISOString(), later(5), 'connecting')).toEqual({ text: 'As of 14:05 (5 minutes ago)', stale: true });
    expect(asOf(at.toISOString(), later(61), 'connecting').text).toBe('As of 14:05 (1 hour ago)');
    expect(asOf(at.toISOString(), later(3 * 24 * 60), 'offline').text).toBe('As of 14:05 on 1 Mar (3 days ago) · offline, showing the last figures synced');
  });

  it('offline, the figures are the last ones synced, however fresh', () => {
    expect(asOf(at.toISOString(), later(1), 'offline')).toEqual({ text: 'As of 14:05 · offline, showing the last figures synced', stale: true });
  });

  it('a device clock behind the server does not make an age negative', () => {
    expect(asOf(at.toISOString(), later(-3), 'offline').text).toBe('As of 14:05 · offline, showing the last figures synced');
  });

  it('an unreadable time is said to be unknown', () => {
    expect(asOf('not a time', at, 'online')).toEqual({ text: 'As of an unknown time', stale: true });
  });
});

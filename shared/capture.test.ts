import { describe, expect, it } from 'vitest';
import { CAPTURE_FUTURE_TOLERANCE_MS, countedTime } from './capture';

const account = new Date('2026-01-01T00:00:00Z');
const received = new Date('2026-11-26T10:00:00Z'); // a Thursday

describe('counted time of an offline capture', () => {
  it('an invitation captured on Monday and synced on Thursday counts as Monday', () => {
    const monday = new Date('2026-11-23T15:00:00Z');
    expect(countedTime(monday, received, account)).toEqual({ at: monday, source: 'device' });
  });

  it('a capture time in the future (a clock an hour fast) counts at the server time', () => {
    const fast = new Date(received.getTime() + 3600_000);
    expect(countedTime(fast, received, account)).toEqual({ at: received, source: 'server' });
  });

  it('small drift ahead is tolerated but never counted later than the server received it', () => {
    const drift = new Date(received.getTime() + CAPTURE_FUTURE_TOLERANCE_MS - 1);
    expect(countedTime(drift, received, account)).toEqual({ at: received, source: 'device' });
  });

  it('a capture before the account existed counts at the server time', () => {
    expect(countedTime(new Date('2025-12-31T23:59:59Z'), received, account).source).toBe('server');
  });

  it('an unreadable capture time counts at the server time', () => {
    expect(countedTime(new Date('nope'), received, account)).toEqual({ at: received, source: 'server' });
  });
});

/**
 * The rate-limit policy and its helpers: the numbers of DESIGN §6, the limit tier, the IETF
 * header fields (written and read back), and the words a waiting supplier reads.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connectorTiers } from './analytics/superConnector';
import {
  allowanceOf,
  analyticsPolicies,
  exportPolicies,
  invitationLimitMessage,
  invitationPolicies,
  limitTierOf,
  parseRateLimitField,
  rateLimitField,
  rateLimitPolicyField,
  requestLimitMessage,
  waitingMessage,
} from './limits';

const perWindow = (ps: readonly { name: string; points: number; seconds: number }[]) => Object.fromEntries(ps.map((p) => [p.name, [p.points, p.seconds]]));

describe('rate-limit policy', () => {
  it('holds the numbers of DESIGN §6: invitations by tier, analytics reads, exports', () => {
    expect(perWindow(invitationPolicies.regular)).toEqual({ hour: [10, 3600], day: [50, 86400] });
    expect(perWindow(invitationPolicies.premium)).toEqual({ hour: [20, 3600], day: [100, 86400] });
    expect(perWindow(invitationPolicies['super-connector'])).toEqual({ hour: [30, 3600], day: [200, 86400] });
    expect(perWindow(analyticsPolicies)).toEqual({ minute: [60, 60], hour: [500, 3600] });
    expect(perWindow(exportPolicies)).toEqual({ hour: [1, 3600], day: [5, 86400] });
  });

  it('any super-connector tier gives the super-connector allowance, whatever the plan; otherwise the plan; no plan is regular', () => {
    for (const tier of connectorTiers) {
      expect(limitTierOf('regular', tier)).toBe('super-connector');
      expect(limitTierOf('premium', tier)).toBe('super-connector');
    }
    expect(limitTierOf('premium', null)).toBe('premium');
    expect(limitTierOf('regular', null)).toBe('regular');
    expect(limitTierOf(undefined, undefined)).toBe('regular');
  });
});

describe('RateLimit and RateLimit-Policy fields', () => {
  it('are written as the draft shows and read back', () => {
    const [hour, day] = invitationPolicies.regular;
    const policy = rateLimitPolicyField([hour, day]);
    expect(policy).toBe('"hour";q=10;w=3600, "day";q=50;w=86400');
    const limit = rateLimitField([{ policy: hour, remaining: 3, resetS: 1199.2 }, { policy: day, remaining: -1, resetS: 80_000 }]);
    expect(limit).toBe('"hour";r=3;t=1200, "day";r=0;t=80000');
    expect(parseRateLimitField(policy)).toEqual([{ name: 'hour', params: { q: 10, w: 3600 } }, { name: 'day', params: { q: 50, w: 86400 } }]);
    expect(parseRateLimitField(limit)).toEqual([{ name: 'hour', params: { r: 3, t: 1200 } }, { name: 'day', params: { r: 0, t: 80000 } }]);
  });

  it('reading refuses what is not a List of String Items with Integer parameters', () => {
    expect(parseRateLimitField('"default";r=50;t=30,"x\\"y";q=1')).toEqual([{ name: 'default', params: { r: 50, t: 30 } }, { name: 'x"y', params: { q: 1 } }]);
    for (const bad of ['hour;q=10', '"hour";q=1.5', '"hour";q=10;q=11', '"hour" ;q=1', '"hour";Q=1', '', '"hour";q=10,']) {
      expect(() => parseRateLimitField(bad), bad).toThrow(SyntaxError);
    }
  });

  it('any policy list survives writing and reading (property)', () => {
    const policy = fc.record({ name: fc.constantFrom('minute', 'hour', 'day') as fc.Arbitrary<'minute' | 'hour' | 'day'>, points: fc.nat(1e6), seconds: fc.integer({ min: 1, max: 1e7 }) });
    fc.assert(
      fc.property(fc.array(fc.record({ policy, remaining: fc.nat(1e6), resetS: fc.nat(1e7) }), { minLength: 1, maxLength: 4 }), (states) => {
        const read = parseRateLimitField(rateLimitField(states));
        expect(read).toEqual(states.map((s) => ({ name: s.policy.name, params: { r: s.remaining, t: s.resetS } })));
        expect(parseRateLimitField(rateLimitPolicyField(states.map((s) => s.policy))).map((i) => i.params)).toEqual(states.map((s) => ({ q: s.policy.points, w: s.policy.seconds })));
      }),
    );
  });
});

describe('the waiting message', () => {
  const at = (iso: string) => new Date(iso);
  const utc = { timeZone: 'UTC' };

  it('says when the day\'s allowance is spent: tomorrow\'s, or later today', () => {
    const refused = at('2026-05-04T20:00:00Z');
    expect(waitingMessage(12, refused, at('2026-05-05T09:30:00Z'), refused, utc)).toBe("12 invitations wait for tomorrow's allowance, from 09:30");
    expect(waitingMessage(1, refused, at('2026-05-05T09:30:00Z'), refused, utc)).toBe("1 invitation waits for tomorrow's allowance, from 09:30");
    expect(waitingMessage(12, refused, at('2026-05-04T23:10:00Z'), refused, utc)).toBe("12 invitations wait until 23:10 for the next day's allowance");
    // The same wait read after midnight: it frees today.
    expect(waitingMessage(2, refused, at('2026-05-05T09:30:00Z'), at('2026-05-05T00:05:00Z'), utc)).toBe("2 invitations wait until 09:30 for the next day's allowance");
  });

  it('says when the hour\'s allowance is spent, in the reader\'s time zone', () => {
    const refused = at('2026-05-04T13:20:00Z');
    expect(waitingMessage(3, refused, at('2026-05-04T14:00:00Z'), refused, utc)).toBe("3 invitations wait until 14:00 for the next hour's allowance");
    expect(waitingMessage(1, refused, at('2026-05-04T14:00:00Z'), refused, { timeZone: 'Europe/Madrid' })).toBe("1 invitation waits until 16:00 for the next hour's allowance");
    expect(waitingMessage(3, refused, at('2026-05-04T14:00:00Z'), at('2026-05-04T14:00:00Z'), utc)).toBe('3 invitations wait to be sent again');
    expect(allowanceOf(refused, at('2026-05-04T14:20:00Z'))).toBe('hour');
    expect(allowanceOf(refused, at('2026-05-04T14:20:01Z'))).toBe('day');
  });

  it('the server\'s reasons name the allowance in plain words', () => {
    expect(invitationLimitMessage('regular', invitationPolicies.regular[0])).toBe("10 invitations an hour is the limit for a regular account: this one goes with the next hour's allowance");
    expect(invitationLimitMessage('premium', invitationPolicies.premium[1])).toBe("100 invitations a day is the limit for a premium account: this one goes with the next day's allowance");
    expect(requestLimitMessage('analytics reads', analyticsPolicies[0]!, 42)).toBe('60 analytics reads a minute is the limit: try again in 42 s');
  });
});

import { describe, expect, it } from 'vitest';
import {
  ANONYMISE_AFTER_DAYS, anonymiseCutoff, anonymisedEmail, erasedEmail, holdsPersonal, isPlaceholderEmail, REDACTED, redactText, scrubPersonal,
} from './privacy';

describe('personal data rules', () => {
  it('invitations are due a year (365 days) before now', () => {
    const now = new Date('2026-06-30T12:00:00Z');
    expect(ANONYMISE_AFTER_DAYS).toBe(365);
    expect(anonymiseCutoff(now).toISOString()).toBe('2025-06-30T12:00:00.000Z');
  });

  it('placeholders are undeliverable (.invalid) and made only from a token, never from an address', () => {
    const anon = anonymisedEmail('0123456789abcdef0123456789abcdef');
    expect(anon).toBe('anon-0123456789abcdef0123456789abcdef@anonymised.invalid');
    expect(erasedEmail('abcdef0123456789')).toBe('erased-abcdef0123456789@erased.invalid');
    expect(isPlaceholderEmail(anon)).toBe(true);
    expect(isPlaceholderEmail('ERASED-abcdef0123456789@ERASED.INVALID')).toBe(true);
    expect(isPlaceholderEmail('alex@example.com')).toBe(false);
    expect(() => anonymisedEmail('alex@example.com')).toThrow(RangeError);
    expect(() => erasedEmail('short')).toThrow(RangeError);
  });

  it('scrubbing drops personal keys at any depth, redacts addresses and international numbers in text, keeps the rest', () => {
    const data = {
      rule: 'CONF3',
      client: { recipientEmail: 'a@b.co', recipientName: 'Alex', message: 'hi', status: 'sent', capturedAt: '2026-01-02T10:00:00Z' },
      server: [{ recipientPhone: '+447911123456', inviteCode: 'x', shortCode: 'y', id: '0190a1b2-1234-7abc-8def-123456789012' }],
      reason: '550 <alex@example.com> unknown; SMS to +44 7911 123456 failed',
      attempts: 3,
      ok: null,
    };
    expect(scrubPersonal(data)).toEqual({
      rule: 'CONF3',
      client: { status: 'sent', capturedAt: '2026-01-02T10:00:00Z' },
      server: [{ id: '0190a1b2-1234-7abc-8def-123456789012' }],
      reason: `550 <${REDACTED}> unknown; SMS to ${REDACTED} failed`,
      attempts: 3,
      ok: null,
    });
    expect(holdsPersonal(data)).toBe(true);
    expect(holdsPersonal(scrubPersonal(data))).toBe(false);
    expect(holdsPersonal({ segmentId: 'newly-referred', segmentName: 'Newly Referred', day: '2026-01-02' })).toBe(false);
    expect(redactText('call 2026-01-02 about order 12345678')).toBe('call 2026-01-02 about order 12345678');
  });
});

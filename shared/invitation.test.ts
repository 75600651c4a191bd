import { describe, expect, it } from 'vitest';
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import {
  InvitationInput,
  canTransition,
  invitationStatuses,
  isTerminal,
  type InvitationStatus,
} from './invitation';

const forward: InvitationStatus[] = ['queued', 'sent', 'delivered', 'opened'];
const terminal: InvitationStatus[] = ['accepted', 'declined', 'cancelled'];

describe('invitation status lattice', () => {
  it('open states move only forward along queued → sent → delivered → opened', () => {
    for (const [i, from] of forward.entries()) {
      for (const [j, to] of forward.entries()) {
        expect(canTransition(from, to), `${from} → ${to}`).toBe(j >= i);
      }
    }
  });

  it('every open state may end as accepted, declined or cancelled', () => {
    for (const from of forward) for (const to of terminal) expect(canTransition(from, to), `${from} → ${to}`).toBe(true);
  });

  it('terminal states never move', () => {
    for (const from of terminal) {
      expect(isTerminal(from)).toBe(true);
      for (const to of invitationStatuses) expect(canTransition(from, to), `${from} → ${to}`).toBe(to === from);
    }
    for (const open of forward) expect(isTerminal(open)).toBe(false);
  });

  it('cancelled is reachable only before acceptance (or decline)', () => {
    const canCancel = invitationStatuses.filter((s) => s !== 'cancelled' && canTransition(s, 'cancelled'));
    expect(canCancel).toEqual(forward);
  });
});

describe('InvitationInput (what a client may write)', () => {
  const valid = {
    id: uuidv7(),
    inviterId: 'u-ritz',
    recipientEmail: '  Guest@Example.COM ',
    recipientName: ' Ann ',
    relationship: 'past_client',
    channel: 'email',
    status: 'queued',
    message: 'Join us',
    capturedAt: '2026-01-02T10:00:00+01:00',
    deviceId: 'tablet-1',
    writeId: uuidv7(),
  };

  it('normalises the recipient email and name', () => {
    const parsed = InvitationInput.parse(valid);
    expect(parsed.recipientEmail).toBe('guest@example.com');
    expect(parsed.recipientName).toBe('Ann');
  });

  it.each([
    ['an unknown key', { ...valid, rev: 3 }],
    ['a UUIDv4 id', { ...valid, id: uuidv4() }],
    ['a UUIDv4 writeId', { ...valid, writeId: uuidv4() }],
    ['a malformed email', { ...valid, recipientEmail: 'not-an-email' }],
    ['a time without offset', { ...valid, capturedAt: '2026-01-02T10:00:00' }],
    ['an unknown relationship', { ...valid, relationship: 'rival' }],
    ['a message over 1000 characters', { ...valid, message: 'x'.repeat(1001) }],
  ])('rejects %s', (_name, input) => {
    expect(InvitationInput.safeParse(input).success).toBe(false);
  });
});

describe('recipient phone', () => {
  it('takes an international number libphonenumber-js accepts, refuses others with a reason, and defaults to none', () => {
    const base = { id: '0190b6f0-0000-7000-8000-000000000001', inviterId: 'u', recipientEmail: 'a@b.co', recipientName: '', relationship: 'past_client', channel: 'sms', status: 'queued', message: '', capturedAt: '2026-01-01T00:00:00Z', deviceId: 'd', writeId: '0190b6f0-0000-7000-8000-000000000002' };
    expect(InvitationInput.parse(base)).toMatchObject({ recipientPhone: null, variant: 'control', inviteCode: null, shortCode: null });
    expect(InvitationInput.parse({ ...base, recipientPhone: '+447911123456' }).recipientPhone).toBe('+447911123456');
    for (const [phone, reason] of [['07911 123456', 'international form'], ['+4479', 'international form'], ['+999123456789', 'not a valid phone number']]) {
      const result = InvitationInput.safeParse({ ...base, recipientPhone: phone });
      expect(result.success, phone).toBe(false);
      expect(result.error!.issues[0]!.message, phone).toContain(reason);
    }
  });
});

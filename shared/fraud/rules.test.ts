import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assessAcceptance, assessInvitation, decide, quality } from './assess';
import { domainAndParents, isDisposableDomain, looksGenerated, mailboxOf, malformedReason } from './email';
import { BLOCK_AT, REVIEW_AT, weights } from './policy';
import { blockMessage, reasonText } from './reasons';
import { combine, type AcceptanceFacts, type InvitationFacts } from './rules';

const clean: InvitationFacts = {
  recipientEmail: 'amelia.smith@gmail.com',
  recipientDomain: 'gmail.com',
  relationship: 'past_client',
  channel: 'email',
  inviterRole: 'supplier',
  inviterAccountDays: 400,
  disposableDomain: false,
  selfReferral: null,
  closesLoop: false,
  reciprocal: false,
  recipientInviters: 1,
  deviceInvitations: 10,
  deviceAccounts: 1,
  domainInvitations: 1,
  burst: 1,
  gapSeconds: 3600,
  followUp: { accepted: 10, inactive: 2 },
};
const codes = (f: InvitationFacts) => assessInvitation(f).reasons.map((r) => r.code);

describe('invitation rules', () => {
  it('an ordinary invitation gives no reason and is allowed', () => {
    expect(assessInvitation(clean)).toMatchObject({ outcome: 'allow', score: 0, reasons: [], modelScore: null });
  });

  it('each rule fires just past its threshold, not at it', () => {
    expect(codes({ ...clean, recipientInviters: 3 })).toEqual([]);
    expect(codes({ ...clean, recipientInviters: 4 })).toEqual(['recipient_many_inviters']);
    expect(codes({ ...clean, deviceInvitations: 100 })).toEqual([]);
    expect(codes({ ...clean, deviceInvitations: 101 })).toEqual(['device_volume']);
    expect(codes({ ...clean, deviceAccounts: 4 })).toEqual(['shared_device']);
    expect(codes({ ...clean, burst: 5 })).toEqual([]);
    expect(codes({ ...clean, burst: 6 })).toEqual(['rapid_succession']);
    expect(codes({ ...clean, followUp: { accepted: 10, inactive: 8 } })).toEqual(['inactive_referrals']);
    expect(codes({ ...clean, followUp: { accepted: 7, inactive: 7 } })).toEqual([]);
  });

  it('bulk sends count only to a domain that is not a big mailbox provider', () => {
    expect(codes({ ...clean, domainInvitations: 10 })).toEqual([]);
    expect(codes({ ...clean, recipientEmail: 'a@acme.example', recipientDomain: 'acme.example', domainInvitations: 10 })).toEqual(['bulk_domain']);
  });

  it('a throwaway address or the inviter’s own mailbox blocks, with the reasons in plain words', () => {
    const a = assessInvitation({ ...clean, recipientEmail: 'x@mailinator.com', recipientDomain: 'mailinator.com', disposableDomain: true });
    expect(a.outcome).toBe('block');
    expect(blockMessage(a.reasons)).toBe('Blocked by our safety checks: Throwaway email address (x@mailinator.com is on a list of throwaway email services).');
    expect(assessInvitation({ ...clean, selfReferral: 'same_mailbox' }).outcome).toBe('block');
  });

  it('a shared device is weak evidence (the venue tablet) and is counted once', () => {
    const a = assessInvitation({ ...clean, selfReferral: 'shared_device', deviceAccounts: 6 });
    expect(a.reasons.map((r) => [r.code, r.weight])).toEqual([['self_referral', 0.3]]);
    expect(a.outcome).toBe('allow');
  });

  it('a loop back up the referral chain reviews; reciprocal invitations alone only add weight', () => {
    expect(assessInvitation({ ...clean, closesLoop: true, reciprocal: true })).toMatchObject({ outcome: 'review', reasons: [{ code: 'referral_ring' }] });
    expect(assessInvitation({ ...clean, reciprocal: true }).outcome).toBe('allow');
  });

  it('two soft signals review, three block', () => {
    expect(assessInvitation({ ...clean, recipientInviters: 5, burst: 7 }).outcome).toBe('review');
    expect(assessInvitation({ ...clean, recipientInviters: 5, burst: 7, deviceInvitations: 150 }).outcome).toBe('block');
  });
});

describe('acceptance rules', () => {
  const ok: AcceptanceFacts = { acceptorEmail: 'sam@gmail.com', disposableDomain: false, selfReferral: null, closesLoop: false, acceptorsOnDevice: 1, secondsToAccept: 3600, followUp: { accepted: 0, inactive: 0 } };
  it('an ordinary acceptance is allowed; an instant one alone is not enough to review', () => {
    expect(assessAcceptance(ok).outcome).toBe('allow');
    expect(assessAcceptance({ ...ok, secondsToAccept: 2 })).toMatchObject({ outcome: 'allow', reasons: [{ code: 'instant_acceptance', detail: 'accepted 2 seconds after the invitation was made' }] });
  });
  it('farms and loops review; the inviter’s alias, card or a throwaway address blocks', () => {
    expect(assessAcceptance({ ...ok, acceptorsOnDevice: 4 }).outcome).toBe('review');
    expect(assessAcceptance({ ...ok, closesLoop: true }).outcome).toBe('review');
    expect(assessAcceptance({ ...ok, selfReferral: 'same_mailbox' }).outcome).toBe('block');
    expect(assessAcceptance({ ...ok, selfReferral: 'shared_payment' }).outcome).toBe('block');
    expect(assessAcceptance({ ...ok, selfReferral: 'shared_device' }).outcome).toBe('allow');
    expect(assessAcceptance({ ...ok, acceptorEmail: 'a@yopmail.com', disposableDomain: true }).outcome).toBe('block');
  });
});

describe('scores and cut-offs', () => {
  it('combining never leaves [0, 1], never falls when a reason is added, and is order-free', () => {
    const w = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 });
    fc.assert(
      fc.property(w, fc.double({ min: 0, max: 1, noNaN: true }), (ws, extra) => {
        const s = combine(ws.map((weight) => ({ weight })));
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1 + 1e-12);
        expect(combine([...ws, extra].map((weight) => ({ weight })))).toBeGreaterThanOrEqual(s - 1e-12);
        expect(combine([...ws].reverse().map((weight) => ({ weight })))).toBeCloseTo(s, 12);
      }),
    );
  });

  it('decide is monotone with the documented cut-offs', () => {
    expect([0, REVIEW_AT - 1e-9, REVIEW_AT, BLOCK_AT - 1e-9, BLOCK_AT, 1].map(decide)).toEqual(['allow', 'allow', 'review', 'review', 'block', 'block']);
    const rank = { allow: 0, review: 1, block: 2 };
    fc.assert(fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (a, b) => {
      expect(rank[decide(Math.min(a, b))]).toBeLessThanOrEqual(rank[decide(Math.max(a, b))]);
    }));
  });

  it('every reason code has a weight in (0, 1) and plain words', () => {
    for (const [code, weight] of Object.entries(weights)) {
      expect(weight).toBeGreaterThan(0);
      expect(weight).toBeLessThan(1);
      expect(reasonText[code as keyof typeof weights]).toMatch(/^[A-Z]/);
    }
  });

  it('precision and recall count flags against labels', () => {
    expect(quality([true, true, false, false], [true, false, true, false])).toEqual({ tp: 1, fp: 1, fn: 1, tn: 1, precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(quality([], [])).toMatchObject({ precision: 1, recall: 1 });
  });
});

describe('email facts', () => {
  it('sees one mailbox behind case, +tags and Gmail dots', () => {
    expect(mailboxOf('J.O.E+promo@GoogleMail.com')).toBe('joe@gmail.com');
    expect(mailboxOf('j.oe+x@outlook.com')).toBe('j.oe@outlook.com');
  });
  it('finds addresses no mailbox has, and machine-made ones', () => {
    expect(malformedReason('amelia@gmail.com')).toBeNull();
    expect(malformedReason(`${'x'.repeat(65)}@gmail.com`)).toMatch(/64/);
    expect(malformedReason('a@b.c0m')).toMatch(/top-level/);
    expect(malformedReason('a-@-b.com')).toMatch(/hyphen/);
    expect(malformedReason('nodomain')).toBe('it has no @');
    expect(looksGenerated('user4839201@gmail.com')).toBe(true);
    expect(looksGenerated('xkcdqrtz@gmail.com')).toBe(true);
    expect(looksGenerated('amelia.smith@gmail.com')).toBe(false);
  });
  it('a subdomain of a listed disposable domain is disposable too', () => {
    const list = new Set(['33mail.com']);
    expect(domainAndParents('a.b.33mail.com')).toEqual(['a.b.33mail.com', 'b.33mail.com', '33mail.com']);
    expect(isDisposableDomain('me.33mail.com', list)).toBe(true);
    expect(isDisposableDomain('33mail.com.example', list)).toBe(false);
    expect(isDisposableDomain('', list)).toBe(false);
  });
});

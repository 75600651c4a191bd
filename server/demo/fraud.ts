/**
 * Labelled fraud for the demo and for training (`npm run train:fraud`): a platform's worth of
 * ordinary inviting, with fraud patterns planted in it, each invitation labelled fraud or not and
 * named by its pattern. Pure and seeded like plan.ts (same seed and time, same rows).
 *
 * Planted fraud: throwaway addresses; device farms (many accounts on one device, fast, to
 * machine-made addresses); harvesting (several accounts inviting the same list); bulk runs to one
 * domain; self-referral through aliases; referral rings; and "subtle" fraud that stays under every
 * rule's threshold (new accounts, steady fast pace, inviters whose referrals never come back) —
 * what a model on top of the rules is for.
 * Legitimate look-alikes, so the rules have false positives to learn from: a venue tablet shared
 * by colleagues, a couple invited by four or five of their suppliers, a planner inviting a
 * company's team, a couple sending invitations from their contacts all at once.
 */
import type { Channel, Relationship } from '../../shared/invitation';
import type { FollowUp } from '../../shared/fraud/rules';
import { createRng } from '../../shared/random';
import { exponential, FIRST, LAST } from './draws';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export interface LabelledUser {
  id: string;
  email: string;
  role: 'supplier' | 'couple';
  createdAt: number;
  /** Who referred them (rings). */
  referredBy: string | null;
  /** How their earlier referrals turned out. */
  followUp: FollowUp;
}

export interface LabelledInvitation {
  inviterId: string;
  recipientEmail: string;
  relationship: Relationship;
  channel: Channel;
  capturedAt: number;
  deviceId: string;
  fraud: boolean;
  pattern: string;
}

export interface FraudWorld {
  users: LabelledUser[];
  invitations: LabelledInvitation[];
}

const DISPOSABLE = ['mailinator.com', 'guerrillamail.com', 'yopmail.com', 'sharklasers.com', 'trashmail.com'];
const FREEMAIL = ['gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com', 'hotmail.co.uk'];
const COMPANIES = ['acme-events.co.uk', 'northwind.example', 'globex.example', 'initech.example'];

export function planFraudWorld({ seed = 8, now = Date.UTC(2026, 5, 30), legitSuppliers = 160, farms = 1 }: { seed?: number; now?: number; legitSuppliers?: number; farms?: number } = {}): FraudWorld {
  const rng = createRng(seed);
  const users: LabelledUser[] = [];
  const invitations: LabelledInvitation[] = [];
  let n = 0;
  const person = () => `${rng.pick(FIRST)}.${rng.pick(LAST)}`.toLowerCase();
  const guest = (domain = rng.pick(FREEMAIL)) => `${person()}${rng.int(1, 99)}.${n++}@${domain}`;
  const generated = () => `${rng.pick(['user', 'promo', 'acc', 'xq'])}${rng.int(100_000, 9_999_999)}@${rng.pick(FREEMAIL)}`;
  const followUp = (accepted: number, inactiveShare: number): FollowUp => ({ accepted, inactive: Math.round(accepted * inactiveShare) });
  const user = (role: LabelledUser['role'], ageDays: number, fu: FollowUp, referredBy: string | null = null): LabelledUser => {
    const u = { id: `f-${role[0]}${users.length}`, email: `${person()}.${users.length}@${role === 'supplier' ? 'studio.example' : rng.pick(FREEMAIL)}`, role, createdAt: now - ageDays * DAY, referredBy, followUp: fu };
    users.push(u);
    return u;
  };
  const send = (from: LabelledUser, to: string, at: number, o: { device?: string; relationship?: Relationship; channel?: Channel; fraud: boolean; pattern: string }) =>
    invitations.push({
      inviterId: from.id,
      recipientEmail: to,
      relationship: o.relationship ?? (from.role === 'couple' ? 'friend_family' : 'past_client'),
      channel: o.channel ?? (rng.chance(0.75) ? 'email' : 'whatsapp'),
      capturedAt: Math.min(now, at),
      deviceId: o.device ?? `dev-${from.id}`,
      fraud: o.fraud,
      pattern: o.pattern,
    });
  const within = (days: number) => now - rng.next() * days * DAY;

  // --- Ordinary suppliers: established, paced, own device; some share a venue tablet.
  const legit: LabelledUser[] = [];
  for (let i = 0; i < legitSuppliers; i++) {
    // Most joined long ago; some this week (new is not fraud on its own).
    const s = user('supplier', rng.chance(0.15) ? rng.int(0, 7) : rng.int(20, 900), followUp(rng.int(0, 40), rng.next() * 0.6));
    legit.push(s);
    const tablet = i % 10 < 5 ? `tablet-${Math.floor(i / 10)}` : undefined;
    let at = within(60);
    for (let k = 0, count = rng.int(2, 30); k < count; k++) {
      at += exponential(rng, 6 * HOUR) + rng.int(1, 20) * MIN;
      const relationship = rng.chance(0.7) ? 'past_client' : rng.pick(['fellow_supplier', 'friend_family', 'other'] as const);
      send(s, rng.chance(0.15) ? guest(`${person()}.example`) : guest(), at, { device: tablet, relationship, fraud: false, pattern: 'ordinary' });
    }
  }
  // Couples invited by four or five of their suppliers.
  for (let i = 0; i < 25; i++) {
    const couple = guest();
    for (const s of Array.from({ length: rng.int(4, 5) }, () => rng.pick(legit))) send(s, couple, within(30), { fraud: false, pattern: 'popular_couple' });
  }
  // Planners inviting a company's team, paced over an afternoon.
  for (let i = 0; i < 6; i++) {
    const planner = rng.pick(legit);
    const domain = rng.pick(COMPANIES);
    let at = within(40);
    for (let k = 0, count = rng.int(10, 16); k < count; k++) send(planner, guest(domain), (at += rng.int(3, 15) * MIN), { relationship: 'fellow_supplier', fraud: false, pattern: 'company_team' });
  }
  // Couples inviting friends from their contacts in one go.
  for (let i = 0; i < 60; i++) {
    const c = user('couple', rng.chance(0.3) ? rng.int(0, 3) : rng.int(4, 200), followUp(rng.int(0, 6), rng.next()));
    let at = within(50);
    const burst = rng.chance(0.3);
    for (let k = 0, count = rng.int(1, 8); k < count; k++) {
      const relationship = rng.chance(0.25) ? 'other' : 'friend_family';
      send(c, guest(), (at += burst ? rng.int(4, 12) * 1000 : exponential(rng, DAY)), { relationship, fraud: false, pattern: burst ? 'contacts_burst' : 'couple' });
    }
  }

  // --- Fraud.
  for (let i = 0; i < 12; i++) {
    const f = user('couple', rng.int(0, 5), followUp(0, 0));
    let at = within(30);
    for (let k = 0, count = rng.int(2, 8); k < count; k++) send(f, guest(rng.pick(DISPOSABLE)), (at += rng.int(20, 600) * 1000), { fraud: true, pattern: 'disposable' });
  }
  for (let farm = 0; farm < farms; farm++) {
    const device = `farm-${farm}`;
    let at = within(20);
    for (let a = 0; a < 5; a++) {
      const f = user('couple', rng.int(0, 3), followUp(rng.int(0, 12), 0.9));
      for (let k = 0, count = rng.int(25, 40); k < count; k++) send(f, rng.chance(0.6) ? generated() : guest(), (at += rng.int(3, 40) * 1000), { device, fraud: true, pattern: 'device_farm' });
    }
  }
  for (let h = 0; h < 3; h++) {
    const list = Array.from({ length: 10 }, () => guest());
    const at = within(20);
    for (let a = 0; a < 6; a++) {
      const f = user('supplier', rng.int(0, 10), followUp(rng.int(0, 6), 0.8));
      list.forEach((to, k) => send(f, to, at + a * HOUR + k * rng.int(20, 90) * 1000, { fraud: true, pattern: 'harvesting' }));
    }
  }
  for (let b = 0; b < 5; b++) {
    const f = user('supplier', rng.int(0, 15), followUp(0, 0));
    const domain = `${person().split('.')[1]}-corp.example`;
    let at = within(30);
    for (let k = 0, count = rng.int(12, 30); k < count; k++) send(f, guest(domain), (at += rng.int(5, 50) * 1000), { relationship: 'other', fraud: true, pattern: 'bulk_domain' });
  }
  for (let s = 0; s < 15; s++) {
    const f = user('couple', rng.int(0, 30), followUp(0, 0));
    const [local, domain] = f.email.split('@') as [string, string];
    send(f, `${local}+${rng.pick(['promo', 'bonus', 'x', String(rng.int(1, 99))])}@${domain}`, within(30), { fraud: true, pattern: 'self_referral' });
  }
  for (let r = 0; r < 5; r++) {
    const ring: LabelledUser[] = [];
    for (let k = 0; k < 4; k++) ring.push(user('couple', rng.int(1, 20), followUp(1, 1), ring[k - 1]?.id ?? null));
    const at = within(15);
    // Each invites the one who referred them, and their referrer's referrer: loops back up the chain.
    ring.forEach((u, k) => ring.slice(0, k).forEach((up, j) => send(u, up.email, at + (k * 4 + j) * HOUR, { fraud: true, pattern: 'referral_ring' })));
  }
  for (let s = 0; s < 25; s++) {
    const f = user(rng.chance(0.6) ? 'couple' : 'supplier', rng.int(0, 4), followUp(rng.int(3, 7), 0.85));
    let at = within(30);
    for (let k = 0, count = rng.int(4, 14); k < count; k++) {
      at += rng.int(15, 80) * 1000 + (k % 5 === 4 ? 2 * MIN : 0);
      send(f, rng.chance(0.4) ? generated() : guest(), at, { relationship: rng.chance(0.6) ? 'other' : 'friend_family', fraud: true, pattern: 'subtle' });
    }
  }

  invitations.sort((a, b) => a.capturedAt - b.capturedAt);
  return { users, invitations };
}

/**
 * The demo platform as plain data, before any of it is written (pure: no IO; the same seed, `now`
 * and size give the same rows, ids included). `seed.ts` writes it through the same SQL as a push.
 *
 * What it models, over the last 90 days:
 * - suppliers with a heavy-tailed number of invitations (most send a handful, a few send dozens),
 *   some who joined lately and some gone dormant, a few designated super-connectors;
 * - channels (mostly email, some SMS and WhatsApp) and template variants (control, variant_a,
 *   variant_b) that shift the chance of an acceptance a little, as an experiment would;
 * - each invitation's status from its age: an acceptance comes hours to weeks after the
 *   invitation, so recent ones are often still open; declines, cancels, a few still queued;
 * - most couples who accept open an account (so the trigger attributes them to the inviter),
 *   and some invite friends in turn: chains of depth 2 and 3;
 * - bookings ($800 to $15,000, by the supplier's trade) for a share of referred couples and a
 *   few couples who came on their own.
 * Fixed facts (DESIGN §8, asserted in seed.test.ts): u-ritz is a gold super-connector (102
 * couple connections, 51 accepted, the last a few hours ago); u-couple was referred by u-ritz,
 * has a booking and brought two friends of their own; u-photo is an ordinary supplier; the
 * platform's K over 30 days is about 1.3 (1.1 to 1.6 depending on the seed).
 * Couple accounts are u-c0, u-c1, ... and suppliers u-s0, u-s1, ... besides the demo accounts.
 */
import { isValidPhoneNumber } from 'libphonenumber-js/min';
import { v7 as uuidv7 } from 'uuid';
import type { Channel, InvitationStatus, Relationship } from '../../shared/invitation';
import { createRng, type Rng } from '../../shared/random';
import type { Role } from '../../shared/roles';
import type { NewInvitation } from '../sync/invitations';
import { exponential, FIRST, LAST, pareto, TRADES, weighted, type Trade } from './draws';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const HISTORY_DAYS = 90;
/** Suppliers in the default demo (`npm start` on the embedded database). */
export const DEFAULT_SUPPLIERS = 200;
/** The deepest referral chain the demo grows (supplier → couple → friend → friend). */
const MAX_DEPTH = 3;

export const variants = ['control', 'variant_a', 'variant_b'] as const;

export interface DemoAccount {
  id: string;
  email: string;
  name: string;
  role: Role;
  org: string | null;
  note: string;
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { id: 'u-ritz', email: 'ritz@demo.plusone', name: 'Rita Castell', role: 'supplier', org: 'org-ritz', note: 'venue coordinator at The Ritz, a gold super-connector' },
  { id: 'u-photo', email: 'photo@demo.plusone', name: 'Pablo Ortiz', role: 'supplier', org: 'org-lumen', note: 'wedding photographer' },
  { id: 'u-couple', email: 'couple@demo.plusone', name: 'Sam & Alex', role: 'couple', org: null, note: 'a couple planning their wedding, referred by the Ritz' },
  { id: 'u-coordinator', email: 'coordinator@demo.plusone', name: 'Chloe Marsh', role: 'coordinator', org: 'org-ritz', note: 'events coordinator, reads referral stats' },
  { id: 'u-owner', email: 'owner@demo.plusone', name: 'Olivia Park', role: 'owner', org: null, note: 'platform owner (admin)' },
];

export interface PlannedUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  orgId: string | null;
  createdAt: Date;
  /** The demo accounts sign in with the demo password; everyone else has none. */
  demoAccount: boolean;
}

export interface PlannedBooking {
  id: string;
  coupleId: string;
  supplierId: string;
  amountCents: number;
  bookedAt: Date;
}

export interface DemoPlan {
  now: Date;
  orgs: { id: string; name: string }[];
  users: PlannedUser[];
  /** In the order they happened (counted_at), which is also the order they are written in. */
  invitations: (NewInvitation & { variant: string })[];
  bookings: PlannedBooking[];
}

/** Chance that an invitation is accepted, before the channel and variant adjust it. */
const ACCEPT_BY_RELATIONSHIP: Record<Relationship, number> = {
  past_client: 0.56,
  friend_family: 0.58,
  other: 0.36,
  fellow_supplier: 0.3,
};
const CHANNEL_LIFT: Record<Channel, number> = { email: 1, sms: 0.88, whatsapp: 1.12 };
const VARIANT_LIFT: Record<(typeof variants)[number], number> = { control: 1, variant_a: 1.12, variant_b: 0.94 };
/** Couples' invitations to friends land less often than a supplier's to past clients. */
const COUPLE_ACCEPT = 0.5;
/** Of those who accept, the share who finish signing up (an account the trigger attributes). */
const SIGN_UP = 0.8;
/** Chance that a referred couple at a depth invites friends of their own. */
const INVITES_FRIENDS: Record<number, number> = { 1: 0.3, 2: 0.25 };

interface Inviter {
  id: string;
  orgId: string | null;
  role: 'supplier' | 'couple';
  /** Place in a referral chain: 0 for suppliers and couples who came on their own. */
  depth: number;
  trade?: Trade;
}

interface Outcome {
  status: InvitationStatus;
  acceptedAt?: number;
}

interface InviteOptions {
  at: number;
  relationship: Relationship;
  channel?: Channel;
  variant?: (typeof variants)[number];
  /** A forced outcome (the fixed demo facts); otherwise drawn from the chances above. */
  outcome?: Outcome;
  /** Recipient; a fresh guest when not given. */
  to?: { email: string; name: string };
  /** Chance that an acceptance becomes an account. */
  signUp?: number;
}

export function planDemo({ suppliers = DEFAULT_SUPPLIERS, seed = 20261125, now = new Date() }: { suppliers?: number; seed?: number; now?: Date } = {}): DemoPlan {
  if (!Number.isInteger(suppliers) || suppliers < 0) throw new RangeError(`suppliers must be a whole number, not ${suppliers}`);
  const rng = createRng(seed);
  const nowMs = now.getTime();
  const start = nowMs - HISTORY_DAYS * DAY;

  const orgs: DemoPlan['orgs'] = [
    { id: 'org-ritz', name: 'The Ritz London' },
    { id: 'org-lumen', name: 'Lumen Photography' },
  ];
  const users: PlannedUser[] = [];
  const invitations: DemoPlan['invitations'] = [];
  const bookings: PlannedBooking[] = [];
  const suppliersById = new Map<string, Inviter>();
  let guests = 0;
  let couples = 0;

  /** Ids from the seed, not the machine: UUIDv7 at the given time with random bits from the rng. */
  const uuidAt = (ms: number) => uuidv7({ msecs: Math.floor(ms), random: Uint8Array.from({ length: 16 }, () => rng.int(0, 255)) });
  const person = () => ({ first: rng.pick(FIRST), last: rng.pick(LAST) });
  const guest = () => {
    const p = person();
    return { name: `${p.first} ${p.last}`, email: `${p.first}.${p.last}.${++guests}@guests.example`.toLowerCase() };
  };
  /** A UK mobile number, for SMS and WhatsApp invitations (valid by the shared rule's library). */
  const phoneRng = createRng(seed ^ 0x9e3779b9);
  const phone = (): string => {
    for (;;) {
      const number = `+447${String(phoneRng.int(0, 999_999_999)).padStart(9, '0')}`;
      if (isValidPhoneNumber(number)) return number;
    }
  };
  const pickVariant = () => weighted(rng, [['control', 2], ['variant_a', 1], ['variant_b', 1]] as const);
  const pickChannel = (role: Inviter['role']): Channel =>
    role === 'supplier'
      ? weighted(rng, [['email', 72], ['sms', 14], ['whatsapp', 14]] as const)
      : weighted(rng, [['email', 45], ['sms', 15], ['whatsapp', 40]] as const);

  /** Where an invitation stands now, given whether (and how fast) the recipient will accept. */
  function outcomeOf(at: number, pAccept: number): Outcome {
    const age = nowMs - at;
    if (rng.chance(pAccept)) {
      // Hours to a few weeks; until then the invitation sits opened or delivered.
      const acceptedAt = at + 2 * HOUR + exponential(rng, 3.5 * DAY);
      if (acceptedAt <= nowMs) return { status: 'accepted', acceptedAt };
      return { status: age < HOUR ? 'sent' : rng.chance(0.6) ? 'opened' : 'delivered' };
    }
    if (age < 3 * HOUR) return { status: weighted(rng, [['queued', 1], ['sent', 2], ['delivered', 1]] as const) };
    if (age < 2 * DAY) return { status: weighted(rng, [['sent', 2], ['delivered', 3], ['opened', 3], ['declined', 1]] as const) };
    return { status: weighted(rng, [['sent', 10], ['delivered', 22], ['opened', 30], ['declined', 28], ['cancelled', 8], ['queued', 2]] as const) };
  }

  function addUser(u: Omit<PlannedUser, 'demoAccount'> & { demoAccount?: boolean }): void {
    users.push({ demoAccount: false, ...u });
  }

  /** Couples with an account, in the order they joined; `referrer` null for those who came on their own. */
  const newCouples: { inviter: Inviter; joinedAt: number; referrer: Inviter | null }[] = [];
  /** Couples whose own invitations are planned by hand (the demo couple and their friends). */
  const planned = new Set<string>(['u-couple']);
  function signUp(to: { email: string; name: string }, referrer: Inviter, acceptedAt: number): Inviter {
    const id = `u-c${couples++}`;
    const partner = rng.pick(FIRST);
    addUser({ id, email: to.email, name: `${to.name.split(' ')[0]} & ${partner}`, role: 'couple', orgId: null, createdAt: new Date(acceptedAt) });
    const couple: Inviter = { id, orgId: null, role: 'couple', depth: referrer.depth + 1 };
    newCouples.push({ inviter: couple, joinedAt: acceptedAt, referrer });
    return couple;
  }

  function invite(from: Inviter, o: InviteOptions): void {
    const channel = o.channel ?? pickChannel(from.role);
    const variant = o.variant ?? pickVariant();
    const base = from.role === 'couple' ? COUPLE_ACCEPT : ACCEPT_BY_RELATIONSHIP[o.relationship];
    const outcome = o.outcome ?? outcomeOf(o.at, Math.min(0.95, base * CHANNEL_LIFT[channel] * VARIANT_LIFT[variant]));
    const to = o.to ?? guest();
    const at = new Date(o.at);
    invitations.push({
      id: uuidAt(o.at),
      inviterId: from.id,
      orgId: from.orgId,
      recipientEmail: to.email,
      recipientName: to.name,
      recipientPhone: channel === 'email' ? null : phone(),
      relationship: o.relationship,
      channel,
      status: outcome.status,
      message: '',
      capturedAt: at.toISOString(),
      deviceId: `demo-${from.id}`,
      writeId: uuidAt(o.at),
      deleted: false,
      createdAt: at,
      countedAt: at,
      timeSource: 'device',
      variant,
      ...(outcome.acceptedAt !== undefined ? { acceptedAt: new Date(outcome.acceptedAt) } : {}),
    });
    // Accepting means signing up, for most: the account exists before the invitation is written,
    // so the trigger attributes it. A fellow supplier who accepts joins as a supplier elsewhere.
    if (outcome.status === 'accepted' && o.relationship !== 'fellow_supplier' && !o.to && rng.chance(o.signUp ?? SIGN_UP)) {
      signUp(to, from, outcome.acceptedAt!);
    }
  }

  const supplierRelationship = (): Relationship =>
    weighted(rng, [['past_client', 70], ['friend_family', 8], ['other', 8], ['fellow_supplier', 14]] as const);

  // --- The fixed demo accounts.
  const ritz: Inviter = { id: 'u-ritz', orgId: 'org-ritz', role: 'supplier', depth: 0, trade: TRADES[0] };
  const photo: Inviter = { id: 'u-photo', orgId: 'org-lumen', role: 'supplier', depth: 0, trade: TRADES[1] };
  const demoCreated: Record<string, number> = { 'u-ritz': 700, 'u-photo': 240, 'u-couple': 21, 'u-coordinator': 500, 'u-owner': 900 };
  for (const a of DEMO_ACCOUNTS) {
    addUser({ id: a.id, email: a.email, name: a.name, role: a.role, orgId: a.org, createdAt: new Date(nowMs - demoCreated[a.id]! * DAY), demoAccount: true });
  }
  suppliersById.set(ritz.id, ritz);
  suppliersById.set(photo.id, photo);

  // --- The Ritz: 100 couples over 90 days (past clients mostly), then the demo couple and one
  // who accepted a few hours ago; 51 of the 102 accepted and signed up. A few fellow suppliers.
  {
    const COUPLES = 100;
    const ACCEPTED = 51;
    const slots = Array.from({ length: COUPLES }, () => start + rng.next() * (nowMs - start)).sort((a, b) => a - b);
    // Acceptances go to invitations old enough to have been answered (all but the last 3 days).
    const answerable = slots.map((_, i) => i).filter((i) => slots[i]! < nowMs - 3 * DAY);
    const accepted = new Set<number>();
    while (accepted.size < ACCEPTED - 2) accepted.add(rng.pick(answerable));
    slots.forEach((at, i) => {
      const relationship = weighted(rng, [['past_client', 84], ['friend_family', 10], ['other', 8]] as const);
      const outcome: Outcome = accepted.has(i)
        ? { status: 'accepted', acceptedAt: Math.min(nowMs - DAY, at + 2 * HOUR + exponential(rng, 3 * DAY)) }
        : outcomeOf(at, 0);
      invite(ritz, { at, relationship, outcome, signUp: 1 });
    });
    // The demo couple: invited 24 days ago, accepted three days later, booked the venue.
    const coupleAccepted = nowMs - 21 * DAY;
    invite(ritz, {
      at: nowMs - 24 * DAY,
      relationship: 'past_client',
      channel: 'email',
      variant: 'variant_a',
      outcome: { status: 'accepted', acceptedAt: coupleAccepted },
      to: { email: 'couple@demo.plusone', name: 'Sam & Alex' },
    });
    bookings.push({ id: uuidAt(nowMs - 12 * DAY), coupleId: 'u-couple', supplierId: 'u-ritz', amountCents: 12_400_00, bookedAt: new Date(nowMs - 12 * DAY) });
    // A recent success: invited two days ago, accepted this morning.
    invite(ritz, { at: nowMs - 2.3 * DAY, relationship: 'past_client', channel: 'whatsapp', outcome: { status: 'accepted', acceptedAt: nowMs - 7 * HOUR }, signUp: 1 });
    for (let i = 0; i < 5; i++) {
      const at = start + rng.next() * (nowMs - start);
      invite(ritz, { at, relationship: 'fellow_supplier', outcome: outcomeOf(at, 0) });
    }

    // The demo couple invited friends: two signed up (one of them invites in turn).
    const couple: Inviter = { id: 'u-couple', orgId: null, role: 'couple', depth: 1 };
    const friendsAt = [18, 15, 9, 3].map((d) => nowMs - d * DAY);
    friendsAt.forEach((at, i) => {
      const to = guest();
      const outcome: Outcome = i === 0 || i === 2 ? { status: 'accepted', acceptedAt: at + 20 * HOUR } : { status: i === 1 ? 'opened' : 'delivered' };
      invite(couple, { at, relationship: 'friend_family', channel: i % 2 ? 'whatsapp' : 'email', outcome, to });
      if (outcome.status === 'accepted') {
        const friend = signUp(to, couple, outcome.acceptedAt!);
        planned.add(friend.id);
        if (i === 0) {
          const next = guest();
          const acceptedAt = outcome.acceptedAt! + 3 * DAY;
          invite(friend, { at: outcome.acceptedAt! + 2 * DAY, relationship: 'friend_family', channel: 'whatsapp', outcome: { status: 'accepted', acceptedAt }, to: next });
          planned.add(signUp(next, friend, acceptedAt).id);
        }
      }
    });
  }

  // --- u-photo: an ordinary supplier, a dozen or so invitations.
  for (let i = 0; i < 14; i++) invite(photo, { at: start + rng.next() * (nowMs - start), relationship: supplierRelationship() });

  // --- The other suppliers: heavy-tailed activity, some new, some dormant, a few super-connectors.
  const connectors = new Set<number>();
  const designated = suppliers === 0 ? 0 : Math.max(2, Math.round(suppliers * 0.01));
  while (connectors.size < Math.min(designated, suppliers)) connectors.add(rng.int(0, suppliers - 1));
  for (let i = 0; i < suppliers; i++) {
    const trade = weighted(rng, TRADES.map((t) => [t, t.weight] as const));
    const orgId = `org-s${i}`;
    const p = person();
    orgs.push({ id: orgId, name: `${p.last} ${trade.name}` });
    // Joined before the window (most), or lately; a few stopped inviting a while ago (dormant).
    const joinedDaysAgo = rng.chance(0.8) ? rng.int(HISTORY_DAYS + 1, 900) : rng.int(1, HISTORY_DAYS);
    addUser({ id: `u-s${i}`, email: `supplier${i}@suppliers.example`, name: `${rng.pick(FIRST)} ${rng.pick(LAST)}`, role: 'supplier', orgId, createdAt: new Date(nowMs - joinedDaysAgo * DAY) });
    const supplier: Inviter = { id: `u-s${i}`, orgId, role: 'supplier', depth: 0, trade };
    suppliersById.set(supplier.id, supplier);
    const from = Math.max(start, nowMs - joinedDaysAgo * DAY);
    const until = rng.chance(0.12) ? nowMs - rng.int(31, 80) * DAY : nowMs;
    if (until <= from) continue;
    const isConnector = connectors.has(i);
    const count = isConnector ? rng.int(25, 70) : rng.chance(0.1) ? 0 : Math.max(1, Math.round((pareto(rng, 3.3, 1.5, 120) * (until - from)) / (nowMs - start)));
    for (let k = 0; k < count; k++) {
      const relationship = isConnector ? weighted(rng, [['past_client', 85], ['friend_family', 8], ['other', 7]] as const) : supplierRelationship();
      invite(supplier, { at: from + rng.next() * (until - from), relationship });
    }
  }

  // --- Couples who came on their own (no referrer); some invite friends too.
  const organic = Math.round(suppliers * 0.25);
  for (let i = 0; i < organic; i++) {
    const joined = nowMs - rng.int(1, 150) * DAY;
    const p = person();
    const id = `u-c${couples++}`;
    addUser({ id, email: `couple${i}@couples.example`, name: `${p.first} & ${rng.pick(FIRST)}`, role: 'couple', orgId: null, createdAt: new Date(joined) });
    newCouples.push({ inviter: { id, orgId: null, role: 'couple', depth: 0 }, joinedAt: Math.max(joined, start), referrer: null });
  }

  // --- Couples, in the order they joined (the list grows as friends sign up): some invite
  // friends, some book a supplier.
  const supplierList = [...suppliersById.values()];
  for (let n = 0; n < newCouples.length; n++) {
    const { inviter: couple, joinedAt, referrer } = newCouples[n]!;
    const inviteChance = couple.depth === 0 ? 0.3 : (INVITES_FRIENDS[couple.depth] ?? 0);
    if (!planned.has(couple.id) && couple.depth < MAX_DEPTH && rng.chance(inviteChance)) {
      const friends = Math.min(6, 1 + Math.floor(exponential(rng, 1.8)));
      for (let k = 0; k < friends; k++) {
        // Referred couples pass it on in their first weeks; the others at any time.
        const at = couple.depth === 0 ? joinedAt + rng.next() * (nowMs - joinedAt) : joinedAt + HOUR + exponential(rng, 5 * DAY);
        if (at < nowMs) invite(couple, { at, relationship: rng.chance(0.88) ? 'friend_family' : 'other' });
      }
    }
    if (couple.id !== 'u-couple' && rng.chance(couple.depth === 0 ? 0.3 : 0.32)) {
      const bookedAt = joinedAt + exponential(rng, 14 * DAY);
      if (bookedAt < nowMs) {
        const supplier = referrer?.role === 'supplier' && rng.chance(0.65) ? suppliersById.get(referrer.id)! : rng.pick(supplierList);
        const trade = supplier.trade ?? TRADES[1];
        // Log-uniform in the trade's range, to the nearest $50.
        const dollars = Math.round(Math.exp(Math.log(trade.min) + rng.next() * (Math.log(trade.max) - Math.log(trade.min))) / 50) * 50;
        bookings.push({ id: uuidAt(bookedAt), coupleId: couple.id, supplierId: supplier.id, amountCents: dollars * 100, bookedAt: new Date(bookedAt) });
      }
    }
  }

  invitations.sort((a, b) => a.countedAt.getTime() - b.countedAt.getTime() || a.id.localeCompare(b.id));
  return { now, orgs, users, invitations, bookings };
}

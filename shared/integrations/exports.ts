/**
 * Data exports (`GET /api/export/<dataset>?format=csv|json`, owner only): the datasets, the
 * shape of one row of each (published as JSON Schemas, catalog.ts), and the privacy rules of
 * DESIGN §6 as pure functions the server applies before a row leaves:
 * - an aggregate over fewer than 5 people is null with `suppressed: true` (k-by-day also hides a
 *   complement, so no hidden day can be worked out from the others: protectBreakdown);
 * - a referral chain shows at most 3 referrers up; `deeper` says more exist, without naming them;
 * - invitation rows carry no recipient's email, phone or name (they have not joined PlusOne);
 * - an event row carries only the data keys its type allows (`exportedEventData`: ids, channels,
 *   counts, never a recipient or a whole invitation), and free text from outside (a provider's
 *   `reason`, which may quote the recipient's address) has every email address and phone
 *   number replaced (`scrubContacts`). An event type not listed exports no data.
 */
import { z } from 'zod';
import { MAX_CHAIN_DEPTH_SHOWN } from '../analytics/attribution';
import { isSuppressed, protectBreakdown } from '../analytics/privacy';
import { ViralEventDoc, type EventType } from '../events';

export const exportDatasets = ['invitations', 'events', 'k-by-day', 'segments', 'referrals'] as const;
export const ExportDataset = z.enum(exportDatasets);
export type ExportDataset = z.infer<typeof ExportDataset>;
export const exportFormats = ['csv', 'json'] as const;

export const ExportQuery = z.strictObject({
  format: z.enum(exportFormats).default('csv'),
  /** Rows from this day on (UTC, inclusive); by creation or counting day. */
  from: z.iso.date().optional(),
  /** Rows up to this day (UTC, inclusive). */
  to: z.iso.date().optional(),
  /** events only: one event type. */
  type: z.string().min(1).max(60).optional(),
});
export type ExportQuery = z.infer<typeof ExportQuery>;

const count = z.number().int().nonnegative();
const at = z.iso.datetime({ offset: true });

export const exportRows = {
  invitations: z.object({
    id: z.string(),
    inviterId: z.string(),
    orgId: z.string().nullable(),
    relationship: z.string(),
    channel: z.string(),
    variant: z.string(),
    status: z.string(),
    countedAt: at,
    acceptedAt: at.nullable(),
    createdAt: at,
  }),
  /** A viral event as clients pull it, without sync fields; `data` (its allowed keys only) is a JSON text in CSV. */
  events: ViralEventDoc.pick({ id: true, type: true, actorId: true, invitationId: true, inviterId: true, orgId: true, data: true }).extend({
    capturedAt: at,
    countedAt: at,
    createdAt: at,
  }),
  'k-by-day': z.object({
    day: z.iso.date(),
    inviters: count.nullable(),
    invited: count.nullable(),
    accepted: count.nullable(),
    k: z.number().nonnegative().nullable(),
    suppressed: z.boolean(),
  }),
  segments: z.object({
    id: z.string(),
    name: z.string(),
    builtIn: z.boolean(),
    members: count.nullable(),
    joinedLast30Days: count.nullable(),
    leftLast30Days: count.nullable(),
    changedAt: at.nullable(),
    suppressed: z.boolean(),
  }),
  referrals: z.object({
    userId: z.string(),
    referredAt: at.nullable(),
    /** Referrers up the chain, at most 3 (1 = direct). */
    depth: z.number().int().min(1).max(MAX_CHAIN_DEPTH_SHOWN),
    referrer1: z.string(),
    referrer2: z.string().nullable(),
    referrer3: z.string().nullable(),
    /** The chain goes higher than shown. */
    deeper: z.boolean(),
  }),
} as const satisfies Record<ExportDataset, z.ZodType>;

export type ExportRow<D extends ExportDataset> = z.infer<(typeof exportRows)[D]>;

export const exportText: Record<ExportDataset, string> = {
  invitations: 'Every invitation (no recipient details), in id order (UUIDv7: about the order they were made).',
  events: 'Every recorded viral event, in id order.',
  'k-by-day': 'Viral coefficient by the day invitations were created: inviters, invitations, acceptances, K.',
  segments: 'Each marketing segment: its size and its changes in the last 30 days.',
  referrals: 'Each referred user with up to 3 referrers up their chain.',
};

/** Days with fewer than 5 inviters are suppressed, with a complement when one alone would be. */
export function protectDays(rows: readonly { day: string; inviters: number; invited: number; accepted: number }[]): ExportRow<'k-by-day'>[] {
  return protectBreakdown(rows.map((r) => ({ ...r, people: r.inviters }))).map(({ people: _p, suppressed, ...r }) =>
    suppressed
      ? { day: r.day, inviters: null, invited: null, accepted: null, k: null, suppressed }
      : { day: r.day, inviters: r.inviters, invited: r.invited, accepted: r.accepted, k: r.inviters > 0 ? r.accepted / r.inviters : 0, suppressed },
  );
}

/** A segment's counts, each hidden when it covers fewer than 5 people (0 included, as on screen). */
export function protectSegment(r: {
  id: string;
  name: string;
  builtIn: boolean;
  members: number;
  joined: number;
  left: number;
  changedAt: string | null;
}): ExportRow<'segments'> {
  const shown = (n: number) => (isSuppressed(n) ? null : n);
  const members = shown(r.members);
  return {
    id: r.id,
    name: r.name,
    builtIn: r.builtIn,
    members,
    joinedLast30Days: shown(r.joined),
    leftLast30Days: shown(r.left),
    changedAt: r.changedAt,
    suppressed: members === null,
  };
}

/** A referred user's chain (direct referrer first), cut to the 3 levels that may be shown. */
export function capChain(userId: string, referredAt: string | null, chain: readonly string[]): ExportRow<'referrals'> {
  if (chain.length === 0) throw new RangeError(`${userId} has no referrer: not a referral`);
  return {
    userId,
    referredAt,
    depth: Math.min(chain.length, MAX_CHAIN_DEPTH_SHOWN),
    referrer1: chain[0]!,
    referrer2: chain[1] ?? null,
    referrer3: chain[2] ?? null,
    deeper: chain.length > MAX_CHAIN_DEPTH_SHOWN,
  };
}

/**
 * The `data` keys an exported event may carry, per type (the rest stay in the database). Every
 * event type must be listed, so a new one is a decision here; keys in `FREE_TEXT_KEYS` are
 * scrubbed of contact details.
 */
export const exportedEventData = {
  'invitation.accepted': ['via'],
  'invitation.declined': [],
  'invitation.opened': ['via'],
  'invitation.sent': ['channel', 'variant', 'deliveryId', 'providerId', 'attempts'],
  'invitation.delivered': ['channel', 'deliveryId', 'providerId'],
  'invitation.delivery_failed': ['channel', 'deliveryId', 'providerId', 'attempts', 'code', 'optedOut', 'reason'],
  // The two versions of the invitation (recipient's email, name, message) stay out: the rule says what happened.
  'sync.conflict_resolved': ['rule'],
  'connector.tier_changed': ['from', 'to', 'score', 'connections', 'successes'],
  'segment.joined': ['segmentId', 'segmentName'],
  'segment.left': ['segmentId', 'segmentName'],
  'referral.attributed': ['referrerId', 'referredId', 'channel', 'variant', 'via'],
  'experiment.promoted': ['channel', 'variant', 'previousDefault', 'winnerAt'],
  'experiment.winner': ['channel', 'variant', 'threshold', 'chanceToBeatControl', 'rate', 'controlRate', 'sends', 'acceptances'],
  // The endpoint's URL may hold a secret token: its id names it.
  'webhook.endpoint_disabled': ['endpointId', 'failingSince', 'reason'],
} as const satisfies Record<EventType, readonly string[]>;

/** Free text written by someone else (a mail server, a provider): scrubbed before it leaves. */
export const FREE_TEXT_KEYS: readonly string[] = ['reason'];

export const EMAIL_MASK = '[email]';
export const PHONE_MASK = '[phone]';
/** Anything with an @ between two runs of address characters (`<bob@example.com>`, `bob@localhost`). */
const EMAIL_RE = /[^\s<>()[\]{}"',;:@]+@[^\s<>()[\]{}"',;:@]+/g;
/**
 * A phone number: digits with single spaces, hyphens or brackets between them, 7 or more after a
 * `+`, otherwise 9 or more (so `550 5.1.1` and a date like 2026-06-01 stay; dots never join).
 */
const PHONE_RE = /(?<![\w+])(?:\+\(?\d(?:[ ()-]{0,2}\d){6,}|\(?\d(?:[ ()-]{0,2}\d){8,})(?![\w])/g;

/** The text with every email address and phone number replaced by a placeholder. */
export function scrubContacts(text: string): string {
  return text.replace(EMAIL_RE, EMAIL_MASK).replace(PHONE_RE, PHONE_MASK);
}

/** An event's `data` as it may be exported: the allowed keys of its type, free text scrubbed. */
export function exportEventData(type: string, data: Record<string, unknown>): Record<string, unknown> {
  const allowed: readonly string[] = Object.hasOwn(exportedEventData, type) ? exportedEventData[type as EventType] : [];
  const out: Record<string, unknown> = {};
  for (const key of allowed) {
    if (!Object.hasOwn(data, key)) continue;
    const value = data[key];
    // Only plain values leave: an object under an allowed key could carry anything.
    if (value !== null && typeof value === 'object') continue;
    out[key] = FREE_TEXT_KEYS.includes(key) && typeof value === 'string' ? scrubContacts(value) : value;
  }
  return out;
}

/**
 * The invitation: a supplier or couple asking someone to join PlusOne. This module holds its
 * shape (as the wire and the local database carry it) and the rules for its status.
 *
 * Status lattice (DESIGN §3): queued → sent → delivered → opened → accepted | declined, and
 * cancelled from any state before accepted. `statusRank` orders the forward chain so a merge
 * can keep the furthest state; terminal states (accepted, declined, cancelled) never move.
 */
import { z } from 'zod';
import { isValidPhoneNumber } from 'libphonenumber-js/min';
import { INVITE_CODE_RE, SHORT_CODE_RE } from './codes';
import { isUuidV7 } from './ids';

export const invitationStatuses = [
  'queued',
  'sent',
  'delivered',
  'opened',
  'accepted',
  'declined',
  'cancelled',
] as const;
export const InvitationStatus = z.enum(invitationStatuses);
export type InvitationStatus = z.infer<typeof InvitationStatus>;

export const relationships = ['past_client', 'fellow_supplier', 'friend_family', 'other'] as const;
export const Relationship = z.enum(relationships);
export type Relationship = z.infer<typeof Relationship>;

export const relationshipLabel: Record<Relationship, string> = {
  past_client: 'Past client',
  fellow_supplier: 'Fellow supplier',
  friend_family: 'Friend or family',
  other: 'Other',
};

export const channels = ['email', 'sms', 'whatsapp'] as const;
export const Channel = z.enum(channels);
export type Channel = z.infer<typeof Channel>;

export const SyncState = z.enum(['pending', 'synced']);
export type SyncState = z.infer<typeof SyncState>;

const uuidV7 = z.string().refine(isUuidV7, 'must be a UUIDv7');
const isoTime = z.iso.datetime({ offset: true });

/** Fields a client writes. */
export const InvitationInput = z.strictObject({
  id: uuidV7,
  inviterId: z.string().min(1).max(64),
  recipientEmail: z.string().trim().toLowerCase().max(254).pipe(z.email()),
  recipientName: z.string().trim().max(120),
  relationship: Relationship,
  channel: Channel,
  status: InvitationStatus,
  message: z.string().max(1000),
  capturedAt: isoTime,
  deviceId: z.string().min(1).max(64),
  writeId: uuidV7,
  /** For SMS and WhatsApp: international form (+44…), checked with libphonenumber-js. */
  recipientPhone: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, 'must be in international form, like +447911123456')
    .refine((v) => isValidPhoneNumber(v), 'is not a valid phone number')
    .nullable()
    .default(null),
  /** Set once, when the invitation is made (on the device, so it works offline). */
  variant: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/).default('control'),
  inviteCode: z.string().regex(INVITE_CODE_RE).nullable().default(null),
  shortCode: z.string().regex(SHORT_CODE_RE).nullable().default(null),
});
export type InvitationInput = z.infer<typeof InvitationInput>;

/** Fields fixed when the invitation is made: a later write never changes them. */
export const creationFields = ['variant', 'inviteCode', 'shortCode'] as const;

/** Why an invitation cannot go out on its channel, in plain words; null when it can. */
export function contactProblem(i: Pick<InvitationInput, 'channel' | 'recipientPhone'>): string | null {
  if ((i.channel === 'sms' || i.channel === 'whatsapp') && !i.recipientPhone) {
    return `an invitation by ${i.channel === 'sms' ? 'SMS' : 'WhatsApp'} needs the recipient's phone number`;
  }
  return null;
}

/** Fields only the server sets; a client's values for them are ignored. */
export const InvitationServerFields = z.object({
  orgId: z.string().max(64).nullable(),
  rev: z.number().int().nonnegative(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** When it counts in the analytics, and by whose clock (shared/capture.ts). */
  countedAt: z.string(),
  timeSource: z.enum(['device', 'server', '']),
  syncState: SyncState,
  _deleted: z.boolean(),
});

/** The document as it travels between server and client and lives in RxDB. */
export const InvitationDoc = z.object({
  ...InvitationInput.shape,
  ...InvitationServerFields.shape,
});
export type InvitationDoc = z.infer<typeof InvitationDoc>;

/** A pushed document state: the client fields plus whatever server fields it last saw. */
export const InvitationPushState = z.object({
  ...InvitationInput.shape,
  orgId: z.string().max(64).nullable().optional(),
  rev: z.number().int().nonnegative().optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  countedAt: z.string().optional(),
  timeSource: z.enum(['device', 'server', '']).optional(),
  syncState: SyncState.optional(),
  _deleted: z.boolean().optional(),
});
export type InvitationPushState = z.infer<typeof InvitationPushState>;

const forwardChain: InvitationStatus[] = ['queued', 'sent', 'delivered', 'opened'];

/** Position on the forward chain; terminal states rank above every open state. */
export function statusRank(status: InvitationStatus): number {
  const i = forwardChain.indexOf(status);
  return i >= 0 ? i : forwardChain.length;
}

export function isTerminal(status: InvitationStatus): boolean {
  return status === 'accepted' || status === 'declined' || status === 'cancelled';
}

/** May an invitation move from `from` to `to`? Staying put is always allowed. */
export function canTransition(from: InvitationStatus, to: InvitationStatus): boolean {
  if (from === to) return true;
  if (isTerminal(from)) return false;
  return statusRank(to) > statusRank(from);
}

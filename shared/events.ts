/**
 * Viral events: the append-only record of what happened in the loop. Clients push the events a
 * person causes (a couple accepts, a link is opened); the server writes the rest (a conflict it
 * resolved, later attributions and tier changes). Every event has a UUIDv7 id, so a retried
 * push of it takes effect once.
 */
import { z } from 'zod';
import { isUuid, isUuidV7 } from './ids';

export const clientEventTypes = ['invitation.accepted', 'invitation.declined', 'invitation.opened'] as const;
export const ClientEventType = z.enum(clientEventTypes);
export type ClientEventType = z.infer<typeof ClientEventType>;

export const serverEventTypes = [
  'sync.conflict_resolved',
  'connector.tier_changed',
  'segment.joined',
  'segment.left',
  'referral.attributed',
  'invitation.sent',
  'invitation.delivered',
  'invitation.delivery_failed',
  'experiment.promoted',
  'experiment.winner',
  'webhook.endpoint_disabled',
] as const;
export type ServerEventType = (typeof serverEventTypes)[number];
export type EventType = ClientEventType | ServerEventType;

/** An event as a client writes it into its outbox and pushes it. */
export const ClientEvent = z.strictObject({
  id: z.string().refine(isUuidV7, 'must be a UUIDv7'),
  type: ClientEventType,
  invitationId: z.string().refine(isUuid, 'must be a UUID'),
  capturedAt: z.iso.datetime({ offset: true }),
  deviceId: z.string().min(1).max(64),
});
export type ClientEvent = z.infer<typeof ClientEvent>;

/** An event as the server records it and clients pull it. */
export const ViralEventDoc = z.object({
  id: z.string(),
  type: z.string(),
  actorId: z.string().nullable(),
  invitationId: z.string().nullable(),
  inviterId: z.string().nullable(),
  orgId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  capturedAt: z.string(),
  countedAt: z.string(),
  timeSource: z.enum(['device', 'server']),
  rev: z.number().int().nonnegative(),
  createdAt: z.string(),
  _deleted: z.boolean(),
});
export type ViralEventDoc = z.infer<typeof ViralEventDoc>;

/** The status an event moves its invitation to. */
export const eventStatus = {
  'invitation.accepted': 'accepted',
  'invitation.declined': 'declined',
  'invitation.opened': 'opened',
} as const satisfies Record<ClientEventType, string>;

/**
 * Webhooks (issue 7, point 9): what an owner may subscribe to, how a viral event becomes a
 * webhook topic, the retry schedule every delivery follows, and the shapes of the owner's API.
 *
 * Guarantees:
 * - `webhookTopicOf` is the one mapping from a recorded event type to a topic; migration 011's
 *   SQL function `webhook_topic` says the same (server/webhooks tests compare the two).
 * - Delivery is at least once: a receiver deduplicates on the `webhook-id` header (the event's
 *   id, the same on every retry and on a manual replay). Order between events is not kept.
 * - The retry schedule is published (README, this file): attempt n + 1 follows a failed attempt
 *   n after `RETRY_SCHEDULE_MS[n]`; after the last attempt the delivery is given up ("failed").
 */
import { z } from 'zod';
import { serverEventTypes, clientEventTypes, type EventType } from '../events';

export const webhookEventTypes = [
  'invitation.sent',
  'invitation.accepted',
  'referral.attributed',
  'connector.tier_changed',
  'segment.membership_changed',
  'coefficient.updated',
  'experiment.winner',
] as const;
export const WebhookEventType = z.enum(webhookEventTypes);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

/** What each topic means, for the owner's picker and the published schemas. */
export const webhookEventText: Record<WebhookEventType, string> = {
  'invitation.sent': 'An invitation left through its channel (email, SMS, WhatsApp).',
  'invitation.accepted': 'A couple accepted an invitation.',
  'referral.attributed': 'An accepted invitation made its inviter the referrer of a user.',
  'connector.tier_changed': "A supplier's super-connector tier moved.",
  'segment.membership_changed': 'Someone joined or left a marketing segment.',
  'coefficient.updated': 'The platform viral coefficient K (or its parts) changed for a window.',
  'experiment.winner': 'A template variant passed the owner’s chance-to-beat-control threshold.',
};

/** The topic a recorded viral event is published under, or null when it is not published. */
export function webhookTopicOf(type: EventType | string): WebhookEventType | null {
  if (type === 'segment.joined' || type === 'segment.left') return 'segment.membership_changed';
  if (type === 'coefficient.updated') return null; // not a viral event: comes from the metrics publisher
  return (webhookEventTypes as readonly string[]).includes(type) ? (type as WebhookEventType) : null;
}

/** Every recorded event type that becomes a webhook (the trigger's WHEN list). */
export const publishedEventTypes = [...clientEventTypes, ...serverEventTypes].filter((t) => webhookTopicOf(t) !== null);

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * The published retry schedule: the first attempt at once, then after 5 s, 5 min, 30 min, 2 h,
 * 5 h, 10 h and 10 h (8 attempts over about 27.6 hours, as Standard Webhooks providers do).
 */
export const RETRY_SCHEDULE_MS: readonly number[] = [0, 5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR];

/**
 * The wait before the next attempt after `attemptsMade` attempts all failed, or null when the
 * schedule is exhausted and the delivery is given up.
 */
export function retryDelayMs(attemptsMade: number, schedule: readonly number[] = RETRY_SCHEDULE_MS): number | null {
  if (!Number.isInteger(attemptsMade) || attemptsMade < 1) throw new RangeError(`attemptsMade must be a positive integer, not ${attemptsMade}`);
  return attemptsMade < schedule.length ? schedule[attemptsMade]! : null;
}

/** An endpoint failing every attempt for this long is disabled (WEBHOOK_DISABLE_AFTER_DAYS). */
export const DEFAULT_DISABLE_AFTER_DAYS = 5;
/** How much of a receiver's answer the delivery log keeps. */
export const RESPONSE_EXCERPT_CHARS = 1024;

/** Secrets are `whsec_` + base64 of 24 random bytes (Standard Webhooks' format). */
export const SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]{32}$/;

export const NewEndpoint = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).max(2000),
  description: z.string().trim().max(200).default(''),
  eventTypes: z.array(WebhookEventType).min(1, 'pick at least one event type').transform((t) => [...new Set(t)]),
  /** Only these segments' membership changes (null: every segment). */
  segmentIds: z.array(z.string().min(1).max(80)).min(1).max(100).nullable().default(null),
});
export type NewEndpoint = z.infer<typeof NewEndpoint>;

export const EndpointStatus = z.enum(['active', 'disabled']);
export type EndpointStatus = z.infer<typeof EndpointStatus>;

export const EndpointView = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  eventTypes: z.array(WebhookEventType),
  segmentIds: z.array(z.string()).nullable(),
  status: EndpointStatus,
  /** Since when every attempt has failed (null: the last one succeeded, or none yet). */
  failingSince: z.string().nullable(),
  disabledAt: z.string().nullable(),
  disabledReason: z.string().nullable(),
  createdAt: z.string(),
  deliveries: z.object({ pending: z.number().int(), succeeded: z.number().int(), failed: z.number().int() }),
});
export type EndpointView = z.infer<typeof EndpointView>;

export const DeliveryStatus = z.enum(['pending', 'succeeded', 'failed']);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

/** One attempt in an endpoint's delivery log, newest first. */
export const AttemptView = z.object({
  id: z.number().int(),
  deliveryId: z.number().int(),
  eventId: z.string(),
  eventType: WebhookEventType,
  attempt: z.number().int().positive(),
  attemptedAt: z.string(),
  ok: z.boolean(),
  latencyMs: z.number().int().nullable(),
  responseStatus: z.number().int().nullable(),
  error: z.string().nullable(),
  responseExcerpt: z.string().nullable(),
  /** The delivery's state now (a failed attempt may have been retried since). */
  deliveryStatus: DeliveryStatus,
  nextAttemptAt: z.string().nullable(),
  replay: z.boolean(),
});
export type AttemptView = z.infer<typeof AttemptView>;

export const ReplayRequest = z.strictObject({ eventId: z.uuid() });

/** A disabled endpoint the owner has not re-enabled or removed: shown as a notice. */
export const EndpointNotice = z.object({ endpointId: z.string(), url: z.string(), disabledAt: z.string(), reason: z.string() });
export type EndpointNotice = z.infer<typeof EndpointNotice>;

/** /admin/marketing: a segment's latest membership changes and the endpoints that receive them. */
export const SegmentFeed = z.object({
  segmentId: z.string(),
  recent: z.array(z.object({ eventId: z.string(), change: z.enum(['joined', 'left']), userId: z.string(), name: z.string(), at: z.string() })),
  endpoints: z.array(z.object({ id: z.string(), url: z.string(), status: EndpointStatus })),
});
export type SegmentFeed = z.infer<typeof SegmentFeed>;

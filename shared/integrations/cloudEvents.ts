/**
 * Webhook payloads as CloudEvents 1.0 (structured JSON mode): `specversion`, `id` (the recorded
 * event's id), `source`, `type` (the topic, e.g. `invitation.accepted`), `time` (when it
 * happened), `subject`, `datacontenttype`, `dataschema` (the versioned schema of `data`, see
 * catalog.ts) and `data`. `toCloudEvent` is pure: the same recorded event always gives the same
 * payload, so a retry or a replay carries exactly what the first attempt did.
 *
 * `data` holds the event's references (invitation, actor, inviter, organisation) and its own
 * fields; consumers ignore fields they do not know (new optional fields keep the version).
 */
import { z } from 'zod';
import { channels } from '../invitation';
import { CoefficientSnapshot } from '../metrics';
import { webhookTopicOf, type WebhookEventType } from './webhooks';

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';
export const EVENTS_SOURCE = '/plusone/viral-events';
export const METRICS_SOURCE = '/plusone/metrics';
export const SCHEMA_VERSION = 1;
/** The URI of a published schema (GET /api/schemas/<name>.v<version> answers it). */
export const schemaId = (name: string, version = SCHEMA_VERSION) => `urn:plusone:schema:${name}:v${version}`;
/** CloudEvents' `dataschema`: the `data` part of the topic's published schema. */
export const dataSchemaOf = (type: WebhookEventType) => `${schemaId(type)}#/properties/data`;

const when = z.iso.datetime({ offset: true });
const ref = z.string().nullable();
const share = z.number().min(0).max(1);
const tier = z.enum(['platinum', 'gold', 'silver', 'bronze']).nullable();

/** Who and what an event is about; each id is null when the event has none. */
const Refs = {
  invitationId: ref.describe('The invitation the event is about'),
  actorId: ref.describe('The user who caused it (the couple who accepted, the person referred, …)'),
  inviterId: ref.describe('The inviter of the invitation, or the person the event is about'),
  orgId: ref.describe("The inviter's organisation"),
  recordedAt: when.describe('When the server recorded it'),
};

export const webhookData = {
  'invitation.sent': z.looseObject({ ...Refs, channel: z.string().optional(), variant: z.string().optional() }),
  'invitation.accepted': z.looseObject({
    ...Refs,
    invitationId: ref.describe('The invitation that was accepted'),
    actorId: ref.describe('The couple who accepted it'),
    inviterId: ref.describe('Who sent the invitation (the referrer of the couple, if they were new)'),
    via: z
      .enum(['invite_link', 'short_code'])
      .optional()
      .describe(
        'How the couple came to accept: the invite link of the message, or the short code typed in later. Absent when the acceptance came from the couple’s own device',
      ),
  }).describe('A couple accepted an invitation'),
  'referral.attributed': z.looseObject({
    ...Refs,
    referrerId: z.string().describe('The new referrer (the inviter)'),
    referredId: z.string().describe('The user referred (depth 1 below the referrer)'),
    channel: z.string(),
    variant: z.string().nullable(),
  }),
  'connector.tier_changed': z.looseObject({
    ...Refs,
    from: tier,
    to: tier,
    score: z.number().nonnegative(),
    connections: z.number().int().nonnegative(),
    successes: z.number().int().nonnegative(),
  }),
  'segment.membership_changed': z.looseObject({
    userId: z.string(),
    segmentId: z.string(),
    segmentName: z.string(),
    change: z.enum(['joined', 'left']),
    recordedAt: when,
  }),
  'coefficient.updated': CoefficientSnapshot.extend({
    kLow: z.number().nonnegative(),
    kHigh: z.number().nonnegative(),
    invitesPerInviter: z.number().nonnegative(),
    acceptanceRate: z.number().min(0).max(1),
    start: z.string().describe('First day of the window (UTC)'),
    end: z.string().describe('Last day of the window (UTC)'),
  }).loose(),
  'experiment.winner': z.looseObject({
    ...Refs,
    channel: z.enum(channels).describe('The channel whose template experiment has a winner (email, sms or whatsapp)'),
    variant: z.string().describe('The winning template variant (e.g. variant_a); control is the baseline it beat'),
    threshold: share.describe('The owner’s threshold: the chance to beat control at which a variant wins (default 0.95)'),
    chanceToBeatControl: share
      .nullable()
      .describe('Bayesian probability that the variant’s true acceptance rate is above control’s; null when hidden for privacy (fewer than 5 inviters)'),
    rate: share.nullable().describe('The variant’s acceptance rate: posterior mean of Beta(1 + accepted, 1 + not accepted); null when hidden'),
    controlRate: share.nullable().describe('Control’s acceptance rate, the same way; null when hidden'),
    sends: z.number().int().nonnegative().nullable().describe('Invitations sent with the variant in the experiment’s window; null when hidden'),
    acceptances: z.number().int().nonnegative().nullable().describe('Of those, the ones accepted; null when hidden'),
  }).describe('A template variant passed the owner’s chance-to-beat-control threshold (recorded once per round)'),
} as const satisfies Record<WebhookEventType, z.ZodType>;

export type WebhookData<T extends WebhookEventType> = z.infer<(typeof webhookData)[T]>;

/** The CloudEvent envelope for one topic. */
export function cloudEventSchema<T extends WebhookEventType>(type: T) {
  return z.looseObject({
    specversion: z.literal('1.0'),
    id: z.string().min(1).describe('The event id: also the webhook-id header, the same on retries and replays'),
    source: z.string().min(1),
    type: z.literal(type),
    subject: z.string().optional(),
    time: when,
    datacontenttype: z.literal('application/json'),
    dataschema: z.literal(dataSchemaOf(type)),
    data: webhookData[type],
  });
}

export type CloudEvent<T extends WebhookEventType = WebhookEventType> = z.infer<ReturnType<typeof cloudEventSchema<T>>>;

/** A recorded viral event, as the worker reads it from viral_events. */
export interface RecordedEvent {
  id: string;
  type: string;
  actorId: string | null;
  invitationId: string | null;
  inviterId: string | null;
  orgId: string | null;
  data: Record<string, unknown>;
  capturedAt: Date;
  createdAt: Date;
}

/** A published message that is not a viral event (coefficient.updated). */
export interface StoredMessage {
  id: string;
  type: WebhookEventType;
  source: string;
  subject: string | null;
  time: Date;
  data: Record<string, unknown>;
}

function envelope(id: string, type: WebhookEventType, source: string, subject: string | null, time: Date, data: Record<string, unknown>): CloudEvent {
  return {
    specversion: '1.0',
    id,
    source,
    type,
    ...(subject ? { subject } : {}),
    time: time.toISOString(),
    datacontenttype: 'application/json',
    dataschema: dataSchemaOf(type),
    data,
  } as CloudEvent;
}

/** A recorded viral event as its CloudEvent, or null when its type is not published. */
export function toCloudEvent(e: RecordedEvent): CloudEvent | null {
  const topic = webhookTopicOf(e.type);
  if (!topic) return null;
  const recordedAt = e.createdAt.toISOString();
  if (topic === 'segment.membership_changed') {
    const userId = e.actorId ?? '';
    const data = { ...e.data, userId, change: e.type === 'segment.joined' ? 'joined' : 'left', recordedAt };
    return envelope(e.id, topic, EVENTS_SOURCE, String(e.data.segmentId ?? ''), e.capturedAt, data);
  }
  const data = { ...e.data, invitationId: e.invitationId, actorId: e.actorId, inviterId: e.inviterId, orgId: e.orgId, recordedAt };
  const subject = topic === 'connector.tier_changed' ? e.actorId : e.invitationId ?? e.actorId;
  return envelope(e.id, topic, EVENTS_SOURCE, subject, e.capturedAt, data);
}

export function messageToCloudEvent(m: StoredMessage): CloudEvent {
  return envelope(m.id, m.type, m.source, m.subject, m.time, m.data);
}

/**
 * RxDB schemas of the local collections. They mirror the shared zod shapes (a unit test keeps
 * the field lists equal); Dexie needs every indexed field required and strings bounded.
 */
import type { RxJsonSchema } from 'rxdb';
import { channels, invitationStatuses, relationships, type InvitationDoc } from '../../shared/invitation';
import { MetricsDoc } from '../../shared/metrics';
import { metricsKinds } from '../../shared/analytics/snapshots';
import { ErrorCode } from '../../shared/errors';
import { clientEventTypes, type ClientEvent, type ViralEventDoc } from '../../shared/events';
import type { InvitationPushState } from '../../shared/invitation';

export type LocalInvitation = Omit<InvitationDoc, '_deleted'>;
export type LocalMetrics = Omit<MetricsDoc, '_deleted'>;

/**
 * Invitations (version 1 adds the recipient's phone, the template variant and the codes made on
 * the device; a version-0 document migrates with none of them and the control variant).
 */
export const invitationSchema: RxJsonSchema<LocalInvitation> = {
  title: 'invitations',
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 40 },
    inviterId: { type: 'string', maxLength: 64 },
    orgId: { type: ['string', 'null'], maxLength: 64 },
    recipientEmail: { type: 'string', maxLength: 254 },
    recipientName: { type: 'string', maxLength: 120 },
    recipientPhone: { type: ['string', 'null'], maxLength: 20 },
    variant: { type: 'string', maxLength: 40 },
    inviteCode: { type: ['string', 'null'], maxLength: 22 },
    shortCode: { type: ['string', 'null'], maxLength: 8 },
    relationship: { type: 'string', enum: [...relationships] },
    channel: { type: 'string', enum: [...channels] },
    status: { type: 'string', enum: [...invitationStatuses] },
    message: { type: 'string', maxLength: 1000 },
    capturedAt: { type: 'string', maxLength: 40 },
    deviceId: { type: 'string', maxLength: 64 },
    writeId: { type: 'string', maxLength: 40 },
    rev: { type: 'number', minimum: 0, maximum: 9007199254740991, multipleOf: 1 },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    countedAt: { type: 'string' },
    timeSource: { type: 'string', enum: ['device', 'server', ''] },
    syncState: { type: 'string', enum: ['pending', 'synced'] },
  },
  required: ['id', 'inviterId', 'orgId', 'recipientEmail', 'recipientName', 'recipientPhone', 'variant', 'inviteCode', 'shortCode', 'relationship', 'channel', 'status', 'message', 'capturedAt', 'deviceId', 'writeId', 'rev', 'createdAt', 'updatedAt', 'countedAt', 'timeSource', 'syncState'],
  indexes: ['capturedAt'],
};

/**
 * Metrics snapshots (version 2): the envelope of shared/metrics.ts `MetricsDoc`, one `kind` of
 * analytics in `data` (shared/analytics/snapshots.ts reads it). Version 0 held the platform K
 * as flat fields; those documents are dropped on upgrade and pulled again in the new shape.
 */
export const metricsSchema: RxJsonSchema<LocalMetrics> = {
  title: 'metrics',
  version: 2,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 80 },
    kind: { type: 'string', enum: [...metricsKinds] },
    computedAt: { type: 'string' },
    data: { type: 'object' },
    rev: { type: 'number' },
  },
  required: ['id', 'kind', 'computedAt', 'data', 'rev'],
};

/**
 * 0 → 1: keeps a document that already has the envelope's shape (a new server's answer stored
 * by the old client) and drops every other one (the flat K figures of version 0).
 */
export function migrateMetricsToV1(old: Record<string, unknown>): LocalMetrics | null {
  const envelope = MetricsDoc.omit({ _deleted: true }).safeParse(old);
  return envelope.success ? envelope.data : null;
}

export const invitationMigrationStrategies = {
  1: (old: Record<string, unknown>) => ({ recipientPhone: null, variant: 'control', inviteCode: null, shortCode: null, ...old }),
};

export const metricsMigrationStrategies = {
  1: (old: Record<string, unknown>) => migrateMetricsToV1(old),
  // 1 → 2: two more kinds (experiments, alerts); documents keep their shape.
  2: (old: LocalMetrics) => old,
};

/** A write the server refused: kept beside the document until the user retries or discards. */
export interface Refusal {
  /** The refused document's id. */
  id: string;
  /** Which local collection holds the write (`collection` is reserved by RxDB documents). */
  target: 'invitations' | 'outbox';
  /** The write that was refused; a newer write of the document supersedes the refusal. */
  writeId: string;
  code: ErrorCode;
  message: string;
  at: string;
  /** Set when the write was not refused itself but waits on a refused parent (its id). */
  heldBy?: string;
  /**
   * The refused invitation write itself: the document goes back to the server's state on the
   * next pull, and the write waits here for the user to retry or discard it.
   */
  write?: InvitationPushState;
  /**
   * Set when the server said the same write may go then (a rate limit's next allowance, SPEC
   * LIM1): not an error for the user; the queue sends it again by itself at that time.
   */
  retryAt?: string;
}

/** Refusals (version 1 adds `retryAt`; older ones have none and keep behaving as before). */
export const refusalSchema: RxJsonSchema<Refusal> = {
  title: 'refusals',
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 40 },
    target: { type: 'string', enum: ['invitations', 'outbox'] },
    writeId: { type: 'string', maxLength: 40 },
    code: { type: 'string', enum: Object.values(ErrorCode) },
    message: { type: 'string' },
    at: { type: 'string' },
    heldBy: { type: 'string', maxLength: 40 },
    write: { type: 'object' },
    retryAt: { type: 'string', maxLength: 40 },
  },
  required: ['id', 'target', 'writeId', 'code', 'message', 'at'],
};

export const refusalMigrationStrategies = {
  1: (old: Refusal) => old,
};

/** An event the user caused on this device, waiting to be pushed (local only, never pulled). */
export type OutboxEvent = ClientEvent;

export const outboxSchema: RxJsonSchema<OutboxEvent> = {
  title: 'outbox',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 40 },
    type: { type: 'string', enum: [...clientEventTypes] },
    invitationId: { type: 'string', maxLength: 40 },
    capturedAt: { type: 'string', maxLength: 40 },
    deviceId: { type: 'string', maxLength: 64 },
  },
  required: ['id', 'type', 'invitationId', 'capturedAt', 'deviceId'],
};

export type LocalViralEvent = Omit<ViralEventDoc, '_deleted'>;

export const viralEventSchema: RxJsonSchema<LocalViralEvent> = {
  title: 'viral_events',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 40 },
    type: { type: 'string', maxLength: 64 },
    actorId: { type: ['string', 'null'], maxLength: 64 },
    invitationId: { type: ['string', 'null'], maxLength: 40 },
    inviterId: { type: ['string', 'null'], maxLength: 64 },
    orgId: { type: ['string', 'null'], maxLength: 64 },
    data: { type: 'object' },
    capturedAt: { type: 'string' },
    countedAt: { type: 'string' },
    timeSource: { type: 'string', enum: ['device', 'server'] },
    rev: { type: 'number' },
    createdAt: { type: 'string' },
  },
  required: ['id', 'type', 'actorId', 'invitationId', 'inviterId', 'orgId', 'data', 'capturedAt', 'countedAt', 'timeSource', 'rev', 'createdAt'],
};

/**
 * The sync protocol as types (see SPEC.md beside this file for the rules).
 *
 * Pull: the client sends its checkpoint; the server answers rows changed after it, ordered by
 * (txid, rev), only from transactions that were already finished for every concurrent writer
 * (so a late commit is never skipped), plus the new checkpoint. `held` says newer rows exist
 * but wait for an older transaction still in flight: ask again shortly.
 * Push: RxDB's rows of `{ newDocumentState, assumedMasterState }`; the server answers one
 * result per row. A conflict or a resolution returns the server's state, which the client
 * adopts; a refusal returns a code and a message, and the client keeps the write.
 */
import { z } from 'zod';
import { ErrorCode } from '../errors';
import { ClientEvent, ViralEventDoc } from '../events';
import { InvitationDoc, InvitationPushState } from '../invitation';
import { MetricsDoc } from '../metrics';

/** Bumped on any incompatible change; an older client is told to update (426). */
export const PROTOCOL_VERSION = 1;
export const PROTOCOL_HEADER = 'x-plusone-protocol';

export const syncCollections = ['invitations', 'metrics', 'viral_events'] as const;
export const SyncCollection = z.enum(syncCollections);
export type SyncCollection = z.infer<typeof SyncCollection>;

/** Collections a client may push to; the rest are pull-only. */
export const pushCollections: readonly SyncCollection[] = ['invitations', 'viral_events'];

export const Checkpoint = z.strictObject({
  /** Id of the transaction that wrote the last row seen. */
  txid: z.number().int().nonnegative(),
  /** The last row's rev (unique, from the server's sequence). */
  rev: z.number().int().nonnegative(),
});
export type Checkpoint = z.infer<typeof Checkpoint>;

export const MAX_PULL_BATCH = 1000;
export const MAX_PUSH_BATCH = 500;

export const PullRequest = z.strictObject({
  checkpoint: Checkpoint.nullable(),
  batchSize: z.number().int().min(1).max(MAX_PULL_BATCH),
});
export type PullRequest = z.infer<typeof PullRequest>;

export interface PullResponse<Doc> {
  documents: Doc[];
  checkpoint: Checkpoint | null;
  held: boolean;
}

export const InvitationPushRow = z.strictObject({
  newDocumentState: InvitationPushState,
  assumedMasterState: InvitationPushState.nullish(),
});
export type InvitationPushRow = z.infer<typeof InvitationPushRow>;

export const InvitationPushRequest = z.strictObject({
  rows: z.array(InvitationPushRow).min(1).max(MAX_PUSH_BATCH),
});
export type InvitationPushRequest = z.infer<typeof InvitationPushRequest>;

export const pushOutcomes = ['applied', 'duplicate', 'conflict', 'refused'] as const;
export const PushOutcome = z.enum(pushOutcomes);
export type PushOutcome = z.infer<typeof PushOutcome>;

export const PushResult = z.object({
  id: z.string(),
  outcome: PushOutcome,
  /** The server's state after the push, for conflicts (the client adopts it). */
  master: InvitationDoc.optional(),
  /** Why a write was refused; `retryAt` says when the same write may go unchanged (a rate limit's next allowance). */
  error: z.object({ code: z.enum(ErrorCode), message: z.string(), retryAt: z.iso.datetime().optional() }).optional(),
});
export type PushResult = z.infer<typeof PushResult>;

export const PushResponse = z.object({ results: z.array(PushResult) });
export type PushResponse = z.infer<typeof PushResponse>;

export const EventPushRequest = z.strictObject({
  rows: z.array(z.strictObject({ newDocumentState: ClientEvent })).min(1).max(MAX_PUSH_BATCH),
});
export type EventPushRequest = z.infer<typeof EventPushRequest>;

export type DocOf<C extends SyncCollection> = C extends 'invitations' ? InvitationDoc : C extends 'metrics' ? MetricsDoc : ViralEventDoc;
export const docSchemas = { invitations: InvitationDoc, metrics: MetricsDoc, viral_events: ViralEventDoc } as const;

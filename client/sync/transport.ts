/**
 * The sync calls, over HTTP. The browser uses its own origin and cookie; the randomized suite
 * in Node gives a server URL and a session cookie, and may wrap the transport to drop, delay
 * or duplicate responses.
 */
import type { ClientEvent } from '../../shared/events';
import type { Checkpoint, InvitationPushRow, PullResponse, PushResponse, SyncCollection } from '../../shared/sync/protocol';
import { api, sameOrigin, type Endpoint } from '../api';

export interface Transport {
  pull<Doc>(collection: SyncCollection, checkpoint: Checkpoint | null, batchSize: number): Promise<PullResponse<Doc>>;
  pushInvitations(rows: InvitationPushRow[]): Promise<PushResponse>;
  pushEvents(events: ClientEvent[]): Promise<PushResponse>;
}

export function httpTransport(endpoint: Endpoint = sameOrigin): Transport {
  return {
    pull: (collection, checkpoint, batchSize) =>
      api('POST', `/api/sync/${collection}/pull`, { checkpoint, batchSize }, true, endpoint),
    pushInvitations: (rows) => api('POST', '/api/sync/invitations/push', { rows }, true, endpoint),
    pushEvents: (events) =>
      api('POST', '/api/sync/viral_events/push', { rows: events.map((e) => ({ newDocumentState: e })) }, true, endpoint),
  };
}

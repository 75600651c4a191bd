/**
 * The sync calls, over HTTP. The browser uses its own origin and cookie; the randomized suite
 * in Node gives a server URL and a session cookie, and may wrap the transport to drop, delay
 * or duplicate responses. Every call is a POST, so `api()` adds the anti-forgery header.
 *
 * Invitation codes: the server keeps only their hashes and answers `inviteCode`/`shortCode`
 * as null, while the device that made an invitation must go on showing its QR code and short
 * code. So documents coming back from the server get this device's codes put back: from the
 * rows it just pushed (conflict and duplicate answers), and from the local database (pulls,
 * through `codeBook`). A device that did not make an invitation has no code to show for it.
 */
import type { RxCollection } from 'rxdb';
import type { ClientEvent } from '../../shared/events';
import type { Checkpoint, InvitationPushRow, PullResponse, PushResponse, SyncCollection } from '../../shared/sync/protocol';
import { api, sameOrigin, type Endpoint } from '../api';

export interface Transport {
  pull<Doc>(collection: SyncCollection, checkpoint: Checkpoint | null, batchSize: number): Promise<PullResponse<Doc>>;
  pushInvitations(rows: InvitationPushRow[]): Promise<PushResponse>;
  pushEvents(events: ClientEvent[]): Promise<PushResponse>;
}

export interface Codes {
  inviteCode: string | null;
  shortCode: string | null;
}

/** The codes this device holds for some invitations, by id. */
export type CodeBook = (ids: string[]) => Promise<Map<string, Codes>>;

/** The codes kept in the local invitations collection. */
export function codesIn(collection: RxCollection<any>): CodeBook {
  return async (ids) => {
    const held = await collection.findByIds(ids).exec();
    const out = new Map<string, Codes>();
    for (const [id, doc] of held) {
      const inviteCode = (doc.get('inviteCode') as string | null) ?? null;
      const shortCode = (doc.get('shortCode') as string | null) ?? null;
      if (inviteCode || shortCode) out.set(id, { inviteCode, shortCode });
    }
    return out;
  };
}

/** Documents with the codes this device knows put back where the server sent none. */
export function restoreCodes<D>(docs: D[], known: ReadonlyMap<string, Codes>): D[] {
  if (known.size === 0) return docs;
  return docs.map((d) => {
    const doc = d as D & { id: string } & Partial<Codes>;
    const mine = known.get(doc.id);
    if (!mine) return d;
    return { ...doc, inviteCode: doc.inviteCode ?? mine.inviteCode, shortCode: doc.shortCode ?? mine.shortCode };
  });
}

export function httpTransport(endpoint: Endpoint = sameOrigin, codeBook?: CodeBook): Transport {
  return {
    async pull<Doc>(collection: SyncCollection, checkpoint: Checkpoint | null, batchSize: number) {
      const page = await api<PullResponse<Doc>>('POST', `/api/sync/${collection}/pull`, { checkpoint, batchSize }, true, endpoint);
      if (collection !== 'invitations' || !codeBook || page.documents.length === 0) return page;
      const known = await codeBook(page.documents.map((d) => (d as { id: string }).id));
      return { ...page, documents: restoreCodes(page.documents, known) };
    },
    async pushInvitations(rows) {
      const answer = await api<PushResponse>('POST', '/api/sync/invitations/push', { rows }, true, endpoint);
      const pushed = new Map(rows.map((r) => [r.newDocumentState.id, { inviteCode: r.newDocumentState.inviteCode ?? null, shortCode: r.newDocumentState.shortCode ?? null }]));
      return {
        results: answer.results.map((r) => (r.master ? { ...r, master: restoreCodes([r.master], pushed)[0]! } : r)),
      };
    },
    pushEvents: (events) =>
      api('POST', '/api/sync/viral_events/push', { rows: events.map((e) => ({ newDocumentState: e })) }, true, endpoint),
  };
}

/**
 * Socket.IO's typed event maps, `domain:action` names. Changes travel with their documents so
 * a screen updates without a round trip; the client still pulls from its checkpoint after a
 * reconnect (`sync:resync`), because events sent while it was away are not replayed.
 */
import type { ViralEventDoc } from '../events';
import type { InvitationDoc } from '../invitation';
import type { MetricsDoc } from '../metrics';

export interface ChangeEvent<Doc> {
  documents: Doc[];
}

export interface ServerToClientEvents {
  'invitation:changed': (event: ChangeEvent<InvitationDoc>) => void;
  'metrics:updated': (event: ChangeEvent<MetricsDoc>) => void;
  'viral_event:created': (event: ChangeEvent<ViralEventDoc>) => void;
}

export interface ClientToServerEvents {
  /** Nothing yet: rooms are joined by the server from the session. */
}

/** Room names, one place. */
export const rooms = {
  user: (userId: string) => `user:${userId}`,
  org: (orgId: string) => `org:${orgId}`,
  /** Sockets of the person an invitation is addressed to (by their account's email). */
  recipient: (email: string) => `recipient:${email.toLowerCase()}`,
  dashboard: 'dashboard',
  signedIn: 'signed-in',
} as const;

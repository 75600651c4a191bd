/**
 * Socket.IO's typed event maps, `domain:action` names. Changes travel with their documents so
 * a screen updates without a round trip; the client still pulls from its checkpoint after a
 * reconnect (`sync:resync`), because events sent while it was away are not replayed.
 */
import type { AlertChangeKind, AlertView } from '../alerts';
import type { ViralEventDoc } from '../events';
import type { InvitationDoc } from '../invitation';
import type { MetricsDoc } from '../metrics';

export interface ChangeEvent<Doc> {
  documents: Doc[];
  /** The id of the HTTP request whose write caused the change, when one did (its logs carry it too). */
  requestId?: string;
}

/** An alert of the health monitor opened, changed severity or resolved (owners only). */
export interface AlertEvent {
  change: AlertChangeKind;
  alert: AlertView;
}

export interface ServerToClientEvents {
  'invitation:changed': (event: ChangeEvent<InvitationDoc>) => void;
  'metrics:updated': (event: ChangeEvent<MetricsDoc>) => void;
  'viral_event:created': (event: ChangeEvent<ViralEventDoc>) => void;
  'alert:changed': (event: AlertEvent) => void;
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

/**
 * Socket.IO's typed event maps, `domain:action` names. Changes travel with their documents so
 * a screen updates without a round trip; the client still pulls from its checkpoint after a
 * reconnect (`sync:resync`), because events sent while it was away are not replayed.
 */
import type { AlertChangeKind, AlertView } from '../alerts';
import type { ErrorCode } from '../errors';
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

/** The answer to `dashboard:watch` / `dashboard:unwatch`: whether this socket now watches, or why not. */
export type WatchAnswer = { ok: true; watching: boolean } | { ok: false; code: ErrorCode; message: string };

/**
 * Rooms are joined by the server from the session; the one a socket asks for is the dashboard
 * watchers' room. Both events are idempotent (watching twice is watching once), take an
 * acknowledgement, and are forgotten with the connection: a client asks again after a reconnect.
 */
export interface ClientToServerEvents {
  /** A ViralDashboard is on screen: send this socket every platform-K update, not only every METRICS_EVERYONE_MS. */
  'dashboard:watch': (ack: (answer: WatchAnswer) => void) => void;
  /** The dashboard left the screen: back to the throttled updates every signed-in screen gets. */
  'dashboard:unwatch': (ack: (answer: WatchAnswer) => void) => void;
}

/** Room names, one place. */
export const rooms = {
  user: (userId: string) => `user:${userId}`,
  org: (orgId: string) => `org:${orgId}`,
  /** Sockets of the person an invitation is addressed to (by their account's email). */
  recipient: (email: string) => `recipient:${email.toLowerCase()}`,
  /** Owners' sockets: every snapshot for the owner and every platform-K update. */
  dashboard: 'dashboard',
  /** Sockets with a ViralDashboard on screen (any role that may see platform K): every platform-K update. */
  watchers: 'dashboard-watchers',
  signedIn: 'signed-in',
} as const;

/** Messages between the suite's driver and its client workers. */
export type ClientOp =
  | { op: 'create'; recipientEmail: string }
  | { op: 'edit' }
  | { op: 'cancel' }
  | { op: 'accept' }
  | { op: 'open' }
  | { op: 'offline' }
  | { op: 'online' }
  | { op: 'chaos'; on: boolean };

export interface WorkerInit {
  baseUrl: string;
  email: string;
  password: string;
  name: string;
  seed: number;
  /** This device's clock is off by this much (ms). */
  clockSkewMs: number;
  /** Under chaos, the share of live events lost on the way. */
  liveEventLoss: number;
}

export interface LocalInvitationState {
  id: string;
  status: string;
  rev: number;
  writeId: string;
  message: string;
  recipientName: string;
  syncState: string;
  /** The newest rev any pull answer carried for it. */
  servedRev: number;
}

export interface Snapshot {
  userId: string;
  invitations: LocalInvitationState[];
  outbox: string[];
  refusals: { id: string; writeId: string; code: string; message: string; hasWrite: boolean }[];
  /** Events the server answered as taken (applied, or duplicate: already stored or already in effect). */
  deliveredEvents: { id: string; outcome: 'applied' | 'duplicate'; invitationId: string; type: string }[];
  pending: number;
}

export type ToWorker =
  | { kind: 'op'; seq: number; op: ClientOp }
  | { kind: 'settle'; seq: number }
  | { kind: 'snapshot'; seq: number }
  | { kind: 'close'; seq: number };

export type FromWorker =
  | { kind: 'ready'; userId: string }
  | { kind: 'done'; seq: number; snapshot?: Snapshot; note?: string }
  | { kind: 'error'; seq: number; message: string };

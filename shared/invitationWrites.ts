/**
 * How the server judges one pushed invitation write (pure; the server calls it inside the
 * transaction that holds the row lock). The outcomes:
 *  - duplicate: the same write (by its UUIDv7 writeId) was already applied; nothing changes.
 *  - apply: the client saw the server's current state (same rev or same last writeId); its
 *    change is applied if the inviter may make it.
 *  - conflict: the client edited an older state; the result merges both by the domain's rules
 *    (status keeps the furthest point of its lattice, a cancel wins only before acceptance,
 *    free text takes this write, being the last to reach the server) and goes back to it.
 *  - refuse: the write is not allowed; it changes nothing and the client keeps it with the reason.
 */
import { ErrorCode } from './errors';
import { canTransition, contactProblem, isTerminal, type InvitationInput } from './invitation';

export const contentFields = [
  'recipientEmail',
  'recipientName',
  'relationship',
  'channel',
  'status',
  'message',
  'capturedAt',
  'deviceId',
  'recipientPhone',
] as const;
export type InvitationContent = Pick<InvitationInput, (typeof contentFields)[number]>;

/** What the server holds for an invitation, as the rules need it. */
export interface ServerInvitation extends InvitationContent {
  inviterId: string;
  rev: number;
  writeId: string;
}

export interface AssumedState {
  rev?: number | undefined;
  writeId: string;
}

export type WriteDecision =
  | { kind: 'duplicate' }
  | { kind: 'apply'; next: InvitationContent }
  | { kind: 'conflict'; next: InvitationContent; rule: string }
  | { kind: 'refuse'; code: ErrorCode; message: string };

/** Fields fixed once an invitation has left the queue. */
const fixedAfterQueue = ['recipientEmail', 'recipientPhone', 'relationship', 'channel', 'capturedAt', 'deviceId'] as const;

function pickContent(doc: InvitationContent): InvitationContent {
  return {
    recipientEmail: doc.recipientEmail,
    recipientName: doc.recipientName,
    relationship: doc.relationship,
    channel: doc.channel,
    status: doc.status,
    message: doc.message,
    capturedAt: new Date(doc.capturedAt).toISOString(),
    deviceId: doc.deviceId,
    recipientPhone: doc.recipientPhone ?? null,
  };
}

const refuse = (code: ErrorCode, message: string): WriteDecision => ({ kind: 'refuse', code, message });

export function judgeCreate(actorId: string, incoming: InvitationInput): WriteDecision {
  if (incoming.inviterId !== actorId) return refuse(ErrorCode.FORBIDDEN, 'you can only create your own invitations');
  if (incoming.status !== 'queued') return refuse(ErrorCode.INVALID_INPUT, 'a new invitation starts as queued');
  const problem = contactProblem(incoming);
  if (problem) return refuse(ErrorCode.INVALID_INPUT, problem);
  return { kind: 'apply', next: pickContent(incoming) };
}

export function judgeUpdate(
  actorId: string,
  server: ServerInvitation,
  incoming: InvitationInput,
  assumed: AssumedState | null | undefined,
): WriteDecision {
  if (server.inviterId !== actorId || incoming.inviterId !== actorId) {
    return refuse(ErrorCode.FORBIDDEN, 'this invitation belongs to someone else');
  }
  if (incoming.writeId === server.writeId) return { kind: 'duplicate' };
  const sawCurrent =
    !!assumed && (assumed.writeId === server.writeId || (assumed.rev !== undefined && assumed.rev === server.rev));

  if (sawCurrent) {
    if (incoming.status !== server.status && !(incoming.status === 'cancelled' && canTransition(server.status, 'cancelled'))) {
      return refuse(ErrorCode.INVALID_INPUT, `an invitation that is ${server.status} cannot become ${incoming.status}`);
    }
    const problem = contactProblem(incoming);
    if (problem) return refuse(ErrorCode.INVALID_INPUT, problem);
    if (server.status !== 'queued') {
      const proposed = pickContent(incoming);
      const changed = fixedAfterQueue.find((f) => proposed[f] !== pickContent(server)[f]);
      if (changed) return refuse(ErrorCode.INVALID_INPUT, `${changed} cannot change once the invitation was sent`);
    }
    return { kind: 'apply', next: pickContent(incoming) };
  }

  // Conflict: the client edited a state the server has moved past.
  const next = pickContent(incoming);
  let rule = 'CONF3'; // free text: this write is the last to reach the server
  const cancels = incoming.status === 'cancelled' && canTransition(server.status, 'cancelled');
  if (!cancels) {
    next.status = server.status;
    if (incoming.status !== server.status) rule = isTerminal(server.status) ? 'CONF2' : 'CONF1';
  }
  if (server.status !== 'queued') {
    const kept = pickContent(server);
    for (const f of fixedAfterQueue) (next as Record<string, string | null>)[f] = kept[f];
  }
  return { kind: 'conflict', next, rule };
}

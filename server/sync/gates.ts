/**
 * Gates on new invitations: checks a push runs over the invitations it is about to create
 * (rate limits, fraud), inside the push's transaction, after the domain rules and before the
 * insert. A gate refuses some of them (the client keeps each refused write with its reason,
 * REF1) and may act once they are written (record a score, hold a reward). Gates run in order;
 * each sees only what the gates before it let through, so a limit never spends its allowance
 * on an invitation another gate blocked.
 */
import type { ErrorCode } from '../../shared/errors';
import type { SessionUser } from '../../shared/roles';
import type { InvitationDoc } from '../../shared/invitation';
import type { Queryable } from '../db/db';
import type { NewInvitation } from './invitations';

export type PushUser = Omit<SessionUser, 'createdAt'> & { createdAt: Date };

export interface GateRefusal {
  code: ErrorCode;
  message: string;
  /** When the same write may go through unchanged (a rate limit's next allowance). */
  retryAt?: string;
}

export interface CreateGate {
  /** Refusals by invitation id; invitations not named go on. */
  admit(tx: Queryable, user: PushUser, creates: readonly NewInvitation[], now: Date): Promise<Map<string, GateRefusal>>;
  /** Called with the rows written, in the same transaction. */
  inserted?(tx: Queryable, user: PushUser, docs: readonly InvitationDoc[], now: Date): Promise<void>;
}

/** Runs the gates in order; returns the admitted invitations and every refusal. */
export async function runGates(
  gates: readonly CreateGate[],
  tx: Queryable,
  user: PushUser,
  creates: NewInvitation[],
  now: Date,
): Promise<{ admitted: NewInvitation[]; refused: Map<string, GateRefusal> }> {
  const refused = new Map<string, GateRefusal>();
  let admitted = creates;
  for (const gate of gates) {
    if (admitted.length === 0) break;
    const out = await gate.admit(tx, user, admitted, now);
    for (const [id, r] of out) refused.set(id, r);
    admitted = admitted.filter((c) => !out.has(c.id));
  }
  return { admitted, refused };
}

/**
 * Status moves a push of events causes (opened, accepted, declined), applied together: a fixed
 * handful of statements whatever the push's size, instead of a few per event. The push has
 * already checked each move against the lattice, in order, so only each invitation's last move
 * is written. Acceptances are judged for fraud in the same transaction.
 *
 * Attribution stays as if the events were applied one by one: the first acceptance (in push
 * order) that gives the acceptor a referrer is written and judged alone, because the database's
 * trigger makes the first accepted invitation the referrer, and a blocked one takes it back
 * (server/fraud/review.ts exclude), leaving the next acceptance to try. Once the acceptor has a
 * referrer, the remaining moves go in one statement.
 */
import type { InvitationDoc } from '../../shared/invitation';
import type { Queryable } from '../db/db';
import { prepared } from '../db/prepared';
import { judgeAcceptances } from '../fraud/acceptance';

export interface StatusMove {
  invitationId: string;
  status: InvitationDoc['status'];
  /** The event's id, which becomes the invitation's writeId. */
  writeId: string;
  deviceId?: string | null;
}

const MOVE = prepared(`
  UPDATE invitations i SET status = m.status, write_id = m.write_id, updated_at = now(), rev = nextval('plusone_rev'), txid = plusone_txid()
    FROM json_to_recordset($1::json) AS m(id uuid, status text, write_id uuid)
   WHERE i.id = m.id`);

async function write(tx: Queryable, moves: readonly StatusMove[]): Promise<void> {
  if (moves.length === 0) return;
  await tx.query(MOVE, [JSON.stringify(moves.map((m) => ({ id: m.invitationId, status: m.status, write_id: m.writeId })))]);
}

async function hasReferrer(tx: Queryable, userId: string): Promise<boolean> {
  const [row] = await tx.query<{ referred: boolean }>('SELECT referred_by IS NOT NULL AS referred FROM users WHERE id = $1', [userId]);
  return row?.referred ?? true;
}

export async function applyMoves(tx: Queryable, acceptor: { id: string; email: string }, moves: readonly StatusMove[], now: Date): Promise<void> {
  const last = new Map<string, StatusMove>();
  for (const m of moves) last.set(m.invitationId, m);
  const acceptances = moves.filter((m) => m.status === 'accepted');
  const judge = (ms: readonly StatusMove[]) =>
    judgeAcceptances(tx, ms.map((m) => ({ invitationId: m.invitationId, acceptor, signals: { deviceId: m.deviceId ?? null } })), now);
  let alone = 0;
  while (alone < acceptances.length && !(await hasReferrer(tx, acceptor.id))) {
    const m = acceptances[alone++]!;
    await write(tx, [m]);
    last.delete(m.invitationId);
    await judge([m]);
  }
  await write(tx, [...last.values()]);
  await judge(acceptances.slice(alone));
}

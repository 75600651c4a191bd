/**
 * What must hold after every run of the randomized suite, once every client has settled:
 * every write the server accepted exists once; every acceptance survived; every refused write
 * is still on its client with a reason; every client equals the server for what it may see.
 */
import type { Queryable } from '../../db/db';
import type { Snapshot } from './protocol';

interface ServerInvitation {
  id: string;
  inviter_id: string;
  org_id: string | null;
  recipient_email: string;
  status: string;
  rev: number;
  write_id: string;
  message: string;
  recipient_name: string;
}

export interface Viewer {
  userId: string;
  email: string;
  role: string;
  orgId: string | null;
}

function visible(v: Viewer, r: ServerInvitation): boolean {
  if (v.role === 'coordinator') return r.org_id === v.orgId;
  if (v.role === 'owner') return false;
  return r.inviter_id === v.userId || r.recipient_email === v.email.toLowerCase();
}

export async function checkRun(db: Queryable, clients: { viewer: Viewer; name: string; snapshot: Snapshot }[]): Promise<string[]> {
  const problems: string[] = [];
  const invitations = await db.query<ServerInvitation>(
    'SELECT id, inviter_id, org_id, recipient_email, status, rev, write_id, message, recipient_name FROM invitations',
  );
  const byId = new Map(invitations.map((r) => [r.id, r]));
  const events = await db.query<{ id: string; type: string; actor_id: string; invitation_id: string }>(
    'SELECT id, type, actor_id, invitation_id FROM viral_events',
  );
  const eventIds = new Set(events.map((e) => e.id));

  // Exactly once: an event answered `applied` is stored under its own id; one answered
  // `duplicate` is stored, or its invitation already was where the event would move it; and
  // nobody's acceptance of one invitation is stored twice.
  const target: Record<string, string> = { 'invitation.accepted': 'accepted', 'invitation.opened': 'opened', 'invitation.declined': 'declined' };
  for (const c of clients) {
    for (const e of c.snapshot.deliveredEvents) {
      if (eventIds.has(e.id)) continue;
      const already = e.outcome === 'duplicate' && (byId.get(e.invitationId)?.status === target[e.type] || e.type === 'invitation.opened');
      if (!already) problems.push(`${c.name}: event ${e.id} (${e.type}) was answered ${e.outcome} but is not stored`);
    }
  }
  const acceptances = new Map<string, number>();
  for (const e of events.filter((e) => e.type === 'invitation.accepted')) {
    const key = `${e.actor_id}/${e.invitation_id}`;
    acceptances.set(key, (acceptances.get(key) ?? 0) + 1);
    // Every acceptance survived.
    const inv = byId.get(e.invitation_id);
    if (inv?.status !== 'accepted') problems.push(`acceptance ${e.id} of ${e.invitation_id} was lost: status is ${inv?.status}`);
  }
  for (const [key, n] of acceptances) if (n > 1) problems.push(`acceptance ${key} stored ${n} times`);

  for (const c of clients) {
    const s = c.snapshot;
    if (s.pending !== 0) problems.push(`${c.name}: ${s.pending} writes still pending after settling`);
    const refused = new Map(s.refusals.map((r) => [r.id, r]));
    const local = new Map(s.invitations.map((d) => [d.id, d]));
    // Every refused write is still on the client, with its reason.
    for (const r of s.refusals) {
      const holds = s.outbox.includes(r.id) || r.hasWrite || local.get(r.id)?.writeId === r.writeId;
      if (!holds) problems.push(`${c.name}: refusal ${r.id} is for a write the client no longer holds`);
      if (!r.message || !r.code) problems.push(`${c.name}: refusal ${r.id} has no reason`);
    }
    for (const id of s.outbox) if (!refused.has(id)) problems.push(`${c.name}: outbox event ${id} neither sent nor refused`);
    // The client equals the server for what it may see (refused local edits aside).
    for (const row of invitations.filter((r) => visible(c.viewer, r))) {
      const mine = local.get(row.id);
      const refusal = refused.get(row.id);
      if (refusal && mine && refusal.writeId === mine.writeId) continue;
      if (!mine) {
        problems.push(`${c.name}: missing invitation ${row.id} (server rev ${row.rev})`);
        continue;
      }
      const same =
        mine.rev === row.rev && mine.status === row.status && mine.writeId === row.write_id &&
        mine.message === row.message && mine.recipientName === row.recipient_name && mine.syncState === 'synced';
      if (!same) problems.push(`${c.name}: invitation ${row.id} differs: local ${JSON.stringify(mine)} server ${JSON.stringify(row)}`);
    }
    for (const d of s.invitations) {
      const row = byId.get(d.id);
      if (!row && refused.get(d.id)?.writeId !== d.writeId) problems.push(`${c.name}: local invitation ${d.id} is neither on the server nor refused`);
      if (row && !visible(c.viewer, row)) problems.push(`${c.name}: holds invitation ${d.id} it may not see`);
    }
  }
  return problems;
}

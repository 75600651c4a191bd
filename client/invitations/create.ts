/**
 * Creating, retrying and discarding invitations on the device. A new invitation is validated
 * with the shared schema, written to the local database as `pending` with fresh UUIDv7 ids,
 * and left for the replication to push, online or not.
 */
import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { newInviteCode, newShortCode } from '../../shared/codes';
import { readSnapshot, snapshotIds } from '../../shared/analytics/snapshots';
import { stickyVariant, type PriorAssignment } from '../../shared/experiments/assign';
import { CONTROL, experimentFor } from '../../shared/experiments/config';
import { Channel, InvitationInput, Relationship, canTransition, contactProblem } from '../../shared/invitation';
import type { SessionUser } from '../../shared/roles';
import { deviceId } from '../auth/session';
import type { PlusOneDb } from '../db/database';
import type { LocalInvitation } from '../db/schemas';

export const InviteFields = z.object({
  recipientEmail: InvitationInput.shape.recipientEmail,
  relationship: Relationship,
  channel: Channel.default('email'),
  recipientName: InvitationInput.shape.recipientName.default(''),
  message: InvitationInput.shape.message.default(''),
  recipientPhone: InvitationInput.shape.recipientPhone,
});
export type InviteFields = z.input<typeof InviteFields>;

/**
 * The template variant for a new invitation, from a cached `experiments` snapshot: the shared
 * assignment over the last config this device synced and the inviter's latest invitation on the
 * channel (the server assigns the same), so it works offline. No config cached (or one this
 * build cannot read): control.
 */
export function variantFromSnapshot(doc: { kind: string; data: unknown } | null, channel: Channel, inviterId: string, prior: PriorAssignment | null = null): string {
  const experiment = experimentFor(readSnapshot('experiments', doc), channel);
  return experiment ? stickyVariant(experiment, inviterId, prior) : CONTROL;
}

/** The inviter's latest invitation on this channel on this device (by capture time): the variant they had. */
export async function latestLocalAssignment(db: PlusOneDb, channel: Channel, inviterId: string): Promise<PriorAssignment | null> {
  const latest = await db.invitations.findOne({ selector: { inviterId, channel }, sort: [{ capturedAt: 'desc' }] }).exec();
  return latest ? { variant: latest.variant, at: latest.countedAt || latest.capturedAt } : null;
}

export async function assignInvitationVariant(db: PlusOneDb, channel: Channel, inviterId: string): Promise<string> {
  const [doc, prior] = await Promise.all([db.metrics.findOne(snapshotIds.experiments).exec(), latestLocalAssignment(db, channel, inviterId)]);
  return variantFromSnapshot(doc ? doc.toJSON() : null, channel, inviterId, prior);
}

export type CreateResult = { ok: true; invitation: LocalInvitation } | { ok: false; error: string };

export async function createInvitation(db: PlusOneDb, user: SessionUser, fields: InviteFields): Promise<CreateResult> {
  const parsed = InviteFields.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const labels: Record<string, string> = { recipientEmail: 'Email address', recipientPhone: 'Phone number' };
    const field = labels[String(issue?.path[0])] ?? String(issue?.path[0] ?? 'Form');
    return { ok: false, error: `${field}: ${issue?.message ?? 'not valid'}` };
  }
  const problem = contactProblem(parsed.data);
  if (problem) return { ok: false, error: problem.charAt(0).toUpperCase() + problem.slice(1) };
  const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
  const input = InvitationInput.parse({
    ...parsed.data,
    // Made here, so the link and the short code work before the device is online again.
    variant: await assignInvitationVariant(db, parsed.data.channel, user.id),
    inviteCode: newInviteCode(random),
    shortCode: newShortCode(random),
    id: uuidv7(),
    inviterId: user.id,
    status: 'queued',
    capturedAt: new Date().toISOString(),
    deviceId: deviceId(),
    writeId: uuidv7(),
  });
  const invitation: LocalInvitation = { ...input, orgId: user.orgId, rev: 0, createdAt: '', updatedAt: '', countedAt: '', timeSource: '', syncState: 'pending' };
  await db.invitations.insert(invitation);
  return { ok: true, invitation };
}

/**
 * Sends a refused write again: its changes are applied over the invitation as it is now, under a
 * new writeId, so the replication pushes it as a new write.
 */
export async function retryInvitation(db: PlusOneDb, id: string): Promise<void> {
  const refusal = await db.refusals.findOne(id).exec();
  const doc = await db.invitations.findOne(id).exec();
  const write = refusal?.write;
  if (doc) {
    const changes = write
      ? { recipientName: write.recipientName, message: write.message, status: write.status, recipientEmail: write.recipientEmail, relationship: write.relationship, channel: write.channel }
      : {};
    await doc.incrementalPatch({ ...changes, writeId: uuidv7(), syncState: 'pending' });
  }
  await refusal?.remove();
}

/** Gives up a refused write. A never-synced invitation is removed; a synced one returns to the server's state on the next pull. */
export async function discardInvitation(db: PlusOneDb, id: string): Promise<void> {
  const doc = await db.invitations.findOne(id).exec();
  if (doc && doc.rev === 0) await doc.remove();
  await db.refusals.findOne(id).remove().catch(() => undefined);
}

/** Cancels an invitation that was not answered yet (an edit, sent with priority P2). */
export async function cancelInvitation(db: PlusOneDb, id: string): Promise<void> {
  const doc = await db.invitations.findOne(id).exec();
  if (!doc || !canTransition(doc.status, 'cancelled')) return;
  await doc.incrementalPatch({ status: 'cancelled', writeId: uuidv7(), syncState: 'pending' });
}

/** Edits the free text of an invitation (P2). */
export async function editInvitation(db: PlusOneDb, id: string, text: { recipientName?: string; message?: string }): Promise<void> {
  const doc = await db.invitations.findOne(id).exec();
  if (!doc) return;
  await doc.incrementalPatch({ ...text, writeId: uuidv7(), syncState: 'pending' });
}

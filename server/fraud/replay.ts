/**
 * The facts of each invitation of a labelled world (server/demo/fraud.ts), computed by replaying
 * it in capture order with in-memory indexes instead of SQL: what facts.ts would have read from
 * the database just before each one. Training uses it (thousands of invitations in a second);
 * replay.test.ts checks it agrees with facts.ts on a world written to a real database.
 */
import { domainOf, mailboxOf } from '../../shared/fraud/email';
import { BULK_DOMAIN_WINDOW_HOURS, DEVICE_WINDOW_DAYS, RAPID_WINDOW_SECONDS } from '../../shared/fraud/policy';
import type { InvitationFacts } from '../../shared/fraud/rules';
import type { FraudWorld } from '../demo/fraud';
import { isDisposable } from './disposable';

const DAY = 86_400_000;

export function replayFacts(world: FraudWorld): InvitationFacts[] {
  const users = new Map(world.users.map((u) => [u.id, u]));
  const byEmail = new Map(world.users.map((u) => [u.email, u]));
  const invitersOf = new Map<string, Set<string>>();
  const deviceLog = new Map<string, { at: number; inviter: string }[]>();
  const devicesOf = new Map<string, Set<string>>();
  const captures = new Map<string, number[]>();
  const sentTo = new Map<string, Set<string>>();
  const domainsOf = new Map<string, string[]>();
  const above = (id: string): Set<string> => {
    const out = new Set<string>();
    for (let up = users.get(id)?.referredBy ?? null; up && out.size < 50 && !out.has(up); up = users.get(up)?.referredBy ?? null) out.add(up);
    return out;
  };

  return world.invitations.map((inv) => {
    const inviter = users.get(inv.inviterId)!;
    const domain = domainOf(inv.recipientEmail);
    const account = byEmail.get(inv.recipientEmail);
    const mine = captures.get(inviter.id) ?? [];
    const log = (deviceLog.get(inv.deviceId) ?? []).filter((e) => e.at > inv.capturedAt - DEVICE_WINDOW_DAYS * DAY);
    const inviters = invitersOf.get(inv.recipientEmail) ?? new Set<string>();
    const sharesDevice = account !== undefined && [...(devicesOf.get(account.id) ?? [])].some((d) => devicesOf.get(inviter.id)?.has(d) || d === inv.deviceId);
    const before = mine.filter((t) => t <= inv.capturedAt && t > inv.capturedAt - 3_600_000);
    const facts: InvitationFacts = {
      recipientEmail: inv.recipientEmail,
      recipientDomain: domain,
      relationship: inv.relationship,
      channel: inv.channel,
      inviterRole: inviter.role,
      inviterAccountDays: Math.max(0, (inv.capturedAt - inviter.createdAt) / DAY),
      disposableDomain: isDisposable(domain),
      selfReferral: mailboxOf(inv.recipientEmail) === mailboxOf(inviter.email) ? 'same_mailbox' : sharesDevice ? 'shared_device' : null,
      closesLoop: account !== undefined && above(inviter.id).has(account.id),
      reciprocal: account !== undefined && (sentTo.get(account.id)?.has(inviter.email) ?? false),
      recipientInviters: inviters.size + (inviters.has(inviter.id) ? 0 : 1),
      deviceInvitations: log.length + 1,
      deviceAccounts: new Set([...log.map((e) => e.inviter), inviter.id]).size,
      domainInvitations:
        1 + mine.filter((t, i) => t > inv.capturedAt - BULK_DOMAIN_WINDOW_HOURS * 3_600_000 && (domainsOf.get(inviter.id) ?? [])[i] === domain).length,
      burst: 1 + before.filter((t) => inv.capturedAt - t <= RAPID_WINDOW_SECONDS * 1000).length,
      gapSeconds: before.length === 0 ? null : (inv.capturedAt - Math.max(...before)) / 1000,
      followUp: inviter.followUp,
    };
    inviters.add(inviter.id);
    invitersOf.set(inv.recipientEmail, inviters);
    log.push({ at: inv.capturedAt, inviter: inviter.id });
    deviceLog.set(inv.deviceId, log);
    devicesOf.set(inviter.id, (devicesOf.get(inviter.id) ?? new Set()).add(inv.deviceId));
    mine.push(inv.capturedAt);
    captures.set(inviter.id, mine);
    domainsOf.set(inviter.id, [...(domainsOf.get(inviter.id) ?? []), domain]);
    sentTo.set(inviter.id, (sentTo.get(inviter.id) ?? new Set()).add(inv.recipientEmail));
    return facts;
  });
}

/**
 * The facts the shared rules judge (shared/fraud/rules.ts), read from the database inside the
 * write's transaction: a handful of indexed queries per push, whatever its size, and the
 * invitations earlier in the same push counted as if already written (a burst sent in one push
 * is still a burst).
 */
import { domainOf, mailboxOf } from '../../shared/fraud/email';
import {
  BULK_DOMAIN_WINDOW_HOURS,
  DEVICE_WINDOW_DAYS,
  INACTIVE_AFTER_DAYS,
  QUALIFY_ACTIVE_AFTER_HOURS,
  RAPID_WINDOW_SECONDS,
} from '../../shared/fraud/policy';
import type { AcceptanceFacts, FollowUp, InvitationFacts } from '../../shared/fraud/rules';
import type { Queryable } from '../db/db';
import type { PushUser } from '../sync/gates';
import type { NewInvitation } from '../sync/invitations';
import { isDisposable } from './disposable';

const DAY = 86_400_000;

/**
 * Did a referred user come back? A booking, an invitation of their own, an action recorded as a
 * viral event, or a sign-in, at least QUALIFY_ACTIVE_AFTER_HOURS after `since` (bookings count
 * whenever they happen). `u` is the user's alias in the surrounding query.
 */
export const activeSince = (since: string) => `(
  EXISTS (SELECT 1 FROM bookings b WHERE b.couple_id = u.id)
  OR EXISTS (SELECT 1 FROM invitations j WHERE j.inviter_id = u.id)
  OR EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id AND s.created_at > ${since} + interval '${QUALIFY_ACTIVE_AFTER_HOURS} hours')
  OR EXISTS (SELECT 1 FROM viral_events e WHERE e.actor_id = u.id AND e.type LIKE 'invitation.%' AND e.created_at > ${since} + interval '${QUALIFY_ACTIVE_AFTER_HOURS} hours'))`;

/** How an inviter's acceptances older than INACTIVE_AFTER_DAYS turned out. */
export async function followUpOf(q: Queryable, inviterId: string, now: Date): Promise<FollowUp> {
  const [row] = await q.query<FollowUp>(
    `SELECT count(*)::int AS accepted, count(*) FILTER (WHERE NOT active)::int AS inactive
       FROM (SELECT ${activeSince('u.referred_at')} AS active FROM users u
              WHERE u.referred_by = $1 AND u.referred_at < $2::timestamptz - interval '${INACTIVE_AFTER_DAYS} days') x`,
    [inviterId, now],
  );
  return row ?? { accepted: 0, inactive: 0 };
}

/** The users up a user's referral chain (their referrer, theirs, ...; at most 50 steps). */
export async function chainAbove(q: Queryable, userId: string): Promise<Set<string>> {
  const rows = await q.query<{ id: string }>(
    `WITH RECURSIVE up (id, depth) AS (
       SELECT referred_by, 1 FROM users WHERE id = $1 AND referred_by IS NOT NULL
       UNION ALL
       SELECT u.referred_by, up.depth + 1 FROM users u JOIN up ON u.id = up.id WHERE u.referred_by IS NOT NULL AND up.depth < 50)
     SELECT id FROM up`,
    [userId],
  );
  return new Set(rows.map((r) => r.id));
}

/** The ones among `others` who share a device or payment fingerprint with `userId`, and which. */
async function sharedFingerprints(q: Queryable, userId: string, others: string[]): Promise<Map<string, 'device' | 'payment'>> {
  if (others.length === 0) return new Map();
  const rows = await q.query<{ user_id: string; kind: 'device' | 'payment' }>(
    `SELECT DISTINCT o.user_id, o.kind FROM fraud_fingerprints m
       JOIN fraud_fingerprints o ON o.kind = m.kind AND o.value = m.value AND o.user_id = ANY($2::text[])
      WHERE m.user_id = $1 AND m.kind IN ('device', 'payment')`,
    [userId, others],
  );
  const out = new Map<string, 'device' | 'payment'>();
  // A shared card says more than a shared tablet.
  for (const r of rows) if (out.get(r.user_id) !== 'payment') out.set(r.user_id, r.kind);
  return out;
}

/** Facts for each new invitation of one push, in push order. */
export async function invitationFacts(q: Queryable, user: PushUser, creates: readonly NewInvitation[], now: Date): Promise<InvitationFacts[]> {
  if (creates.length === 0) return [];
  const emails = [...new Set(creates.map((c) => c.recipientEmail))];
  const devices = [...new Set(creates.map((c) => c.deviceId))];
  const captures = creates.map((c) => new Date(c.capturedAt).getTime());
  const earliest = Math.min(...captures);

  const recipients = new Map(
    (
      await q.query<{ recipient_email: string; others: number }>(
        `SELECT recipient_email, count(DISTINCT inviter_id) FILTER (WHERE inviter_id <> $2)::int AS others
           FROM invitations WHERE recipient_email = ANY($1::text[]) AND NOT deleted GROUP BY recipient_email`,
        [emails, user.id],
      )
    ).map((r) => [r.recipient_email, r.others]),
  );
  const deviceRows = new Map(
    (
      await q.query<{ device_id: string; n: number; accounts: number; mine: boolean }>(
        `SELECT device_id, count(*)::int AS n, count(DISTINCT inviter_id)::int AS accounts, bool_or(inviter_id = $2) AS mine
           FROM invitations WHERE device_id = ANY($1::text[]) AND created_at > $3::timestamptz - interval '${DEVICE_WINDOW_DAYS} days'
          GROUP BY device_id`,
        [devices, user.id, now],
      )
    ).map((r) => [r.device_id, r]),
  );
  const domains = new Map(
    (
      await q.query<{ domain: string; n: number }>(
        `SELECT split_part(recipient_email, '@', 2) AS domain, count(*)::int AS n FROM invitations
          WHERE inviter_id = $1 AND NOT deleted AND counted_at > $2::timestamptz - interval '${BULK_DOMAIN_WINDOW_HOURS} hours' GROUP BY 1`,
        [user.id, now],
      )
    ).map((r) => [r.domain, r.n]),
  );
  // Earlier captures within the hour before this push's first (for bursts and gaps).
  const earlier = (
    await q.query<{ at: Date }>(
      `SELECT captured_at AS at FROM invitations WHERE inviter_id = $1 AND NOT deleted
          AND counted_at > $2::timestamptz - interval '1 hour' AND captured_at > $2::timestamptz - interval '1 hour'
        ORDER BY captured_at DESC LIMIT 500`,
      [user.id, new Date(earliest)],
    )
  ).map((r) => r.at.getTime());
  const accounts = await q.query<{ id: string; email: string }>('SELECT id, email FROM users WHERE email = ANY($1::text[])', [emails]);
  const accountOf = new Map(accounts.map((a) => [a.email, a.id]));
  const shared = await sharedFingerprints(q, user.id, accounts.map((a) => a.id));
  const above = await chainAbove(q, user.id);
  const reciprocal = new Set(
    (
      await q.query<{ inviter_id: string }>(
        'SELECT DISTINCT inviter_id FROM invitations WHERE recipient_email = $1 AND inviter_id = ANY($2::text[]) AND NOT deleted',
        [user.email.toLowerCase(), accounts.map((a) => a.id)],
      )
    ).map((r) => r.inviter_id),
  );
  const followUp = await followUpOf(q, user.id, now);
  const accountDays = Math.max(0, (now.getTime() - user.createdAt.getTime()) / DAY);
  const myMailbox = mailboxOf(user.email);

  const seen: number[] = [...earlier];
  const perDevice = new Map<string, number>();
  const perDomain = new Map<string, number>();
  const perRecipient = new Set<string>();
  return creates.map((c, i) => {
    const at = captures[i]!;
    const domain = domainOf(c.recipientEmail);
    perDevice.set(c.deviceId, (perDevice.get(c.deviceId) ?? 0) + 1);
    perDomain.set(domain, (perDomain.get(domain) ?? 0) + 1);
    const dev = deviceRows.get(c.deviceId);
    const before = seen.filter((t) => t <= at);
    const gap = before.length === 0 ? null : (at - Math.max(...before)) / 1000;
    const burst = 1 + before.filter((t) => at - t <= RAPID_WINDOW_SECONDS * 1000).length;
    seen.push(at);
    const account = accountOf.get(c.recipientEmail);
    const sharing = account ? shared.get(account) : undefined;
    perRecipient.add(c.recipientEmail);
    return {
      recipientEmail: c.recipientEmail,
      recipientDomain: domain,
      relationship: c.relationship,
      channel: c.channel,
      inviterRole: user.role === 'couple' ? 'couple' : 'supplier',
      inviterAccountDays: accountDays,
      disposableDomain: isDisposable(domain),
      selfReferral: mailboxOf(c.recipientEmail) === myMailbox || account === user.id ? 'same_mailbox' : sharing ? 'shared_device' : null,
      closesLoop: account !== undefined && above.has(account),
      reciprocal: account !== undefined && reciprocal.has(account),
      recipientInviters: (recipients.get(c.recipientEmail) ?? 0) + 1,
      deviceInvitations: (dev?.n ?? 0) + perDevice.get(c.deviceId)!,
      deviceAccounts: (dev?.accounts ?? 0) + (dev?.mine ? 0 : 1),
      domainInvitations: (domains.get(domain) ?? 0) + perDomain.get(domain)!,
      burst,
      gapSeconds: gap,
      followUp,
    } satisfies InvitationFacts;
  });
}

export interface AcceptanceSignals {
  /** The accepting device's id (pushed events carry it). */
  deviceId?: string | null;
  /** The network prefix the acceptance came from (networkOf(ip)), when public. */
  network?: string | null;
}

/** An IP's network for fingerprints: /24 of IPv4, /48 of IPv6; null for private and loopback ones (a proxy or a LAN, not a person). */
export function networkOf(ip: string | undefined | null): string | null {
  if (!ip) return null;
  const v4 = ip.replace(/^::ffff:/, '');
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(v4);
  if (m) {
    const [a, b] = [Number(m[1]), Number(m[2])];
    if (a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254)) return null;
    return `${m[1]}.${m[2]}.${m[3]}.0/24`;
  }
  if (ip === '::1' || /^f[cd]/i.test(ip) || /^fe80/i.test(ip) || !ip.includes(':')) return null;
  return `${ip.split(':').slice(0, 3).join(':')}::/48`;
}

/** Facts about `acceptor` accepting invitation `inv`, read after their fingerprints were recorded. */
export async function acceptanceFacts(
  q: Queryable,
  inv: { inviterId: string; createdAt: Date },
  acceptor: { id: string; email: string },
  signals: AcceptanceSignals,
  now: Date,
): Promise<AcceptanceFacts> {
  const [inviter] = await q.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [inv.inviterId]);
  const shared = await sharedFingerprints(q, inv.inviterId, [acceptor.id]);
  const values = [signals.deviceId, signals.network].filter((v): v is string => !!v);
  const [farm] = await q.query<{ n: number }>(
    `SELECT coalesce(max(n), 0)::int AS n FROM (
       SELECT count(DISTINCT user_id) AS n FROM fraud_fingerprints
        WHERE via = 'accept' AND kind IN ('device', 'network') AND value = ANY($1::text[]) AND last_seen > $2::timestamptz - interval '${DEVICE_WINDOW_DAYS} days'
        GROUP BY kind, value) x`,
    [values, now],
  );
  const sharing = shared.get(acceptor.id);
  return {
    acceptorEmail: acceptor.email,
    disposableDomain: isDisposable(domainOf(acceptor.email)),
    selfReferral:
      inviter && mailboxOf(inviter.email) === mailboxOf(acceptor.email) ? 'same_mailbox' : sharing === 'payment' ? 'shared_payment' : sharing === 'device' ? 'shared_device' : null,
    closesLoop: (await chainAbove(q, inv.inviterId)).has(acceptor.id),
    acceptorsOnDevice: farm?.n ?? 0,
    secondsToAccept: (now.getTime() - inv.createdAt.getTime()) / 1000,
    followUp: await followUpOf(q, inv.inviterId, now),
  };
}

/** Records that `userId` was seen with these fingerprints, inviting or accepting. */
export async function recordFingerprints(q: Queryable, userId: string, via: 'invite' | 'accept', prints: { kind: 'device' | 'network' | 'payment'; value: string }[], now: Date): Promise<void> {
  if (prints.length === 0) return;
  await q.query(
    `INSERT INTO fraud_fingerprints (kind, value, user_id, via, first_seen, last_seen)
     SELECT p.kind, p.value, $1, $2, $3, $3 FROM json_to_recordset($4::json) AS p(kind text, value text)
     ON CONFLICT (kind, value, via, user_id) DO UPDATE SET last_seen = greatest(fraud_fingerprints.last_seen, EXCLUDED.last_seen)`,
    [userId, via, now, JSON.stringify(prints)],
  );
}

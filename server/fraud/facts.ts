/**
 * The facts the shared rules judge (shared/fraud/rules.ts), read from the database inside the
 * write's transaction: one statement of indexed reads per push, whatever its size, and one per
 * acceptance (each round trip costs every push; the load tool showed the server's time going
 * to sending statements). The invitations earlier in the same push count as if already written
 * (a burst sent in one push is still a burst).
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
import { prepared } from '../db/prepared';

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

/** How an inviter's acceptances older than INACTIVE_AFTER_DAYS turned out: one row (accepted, inactive). */
const followUpSql = (inviter: string, now: string) => `
  SELECT count(*)::int AS accepted, count(*) FILTER (WHERE NOT active)::int AS inactive
    FROM (SELECT ${activeSince('u.referred_at')} AS active FROM users u
           WHERE u.referred_by = ${inviter} AND u.referred_at < ${now}::timestamptz - interval '${INACTIVE_AFTER_DAYS} days') x`;

/** The users up a user's referral chain (their referrer, theirs, ...; at most 50 steps), as a json array. */
const chainAboveSql = (user: string) => `(
  WITH RECURSIVE up (id, depth) AS (
    SELECT referred_by, 1 FROM users WHERE id = ${user} AND referred_by IS NOT NULL
    UNION ALL
    SELECT u.referred_by, up.depth + 1 FROM users u JOIN up ON u.id = up.id WHERE u.referred_by IS NOT NULL AND up.depth < 50)
  SELECT json_agg(id) FROM up)`;

/** The ones of `others` (a subquery of ids) who share a device or payment fingerprint with `user`, and which, as a json array. */
const sharedSql = (user: string, others: string) => `(
  SELECT json_agg(json_build_object('user', s.user_id, 'kind', s.kind)) FROM (
    SELECT DISTINCT o.user_id, o.kind FROM fraud_fingerprints m
      JOIN fraud_fingerprints o ON o.kind = m.kind AND o.value = m.value AND o.user_id IN (${others})
     WHERE m.user_id = ${user} AND m.kind IN ('device', 'payment')) s)`;

/** Who shares what: a shared card says more than a shared tablet. */
function sharingOf(rows: { user: string; kind: 'device' | 'payment' }[] | null): Map<string, 'device' | 'payment'> {
  const out = new Map<string, 'device' | 'payment'>();
  for (const r of rows ?? []) if (out.get(r.user) !== 'payment') out.set(r.user, r.kind);
  return out;
}

/** What one push's facts are made of, read in one statement (json arrays are null when empty). */
interface PushReads {
  recipients: { email: string; others: number }[] | null;
  devices: { device: string; n: number; accounts: number; mine: boolean }[] | null;
  domains: { domain: string; n: number }[] | null;
  earlier: number[] | null;
  accounts: { id: string; email: string }[] | null;
  shared: { user: string; kind: 'device' | 'payment' }[] | null;
  above: string[] | null;
  reciprocal: string[] | null;
  accepted: number;
  inactive: number;
}

/**
 * $1 recipient emails, $2 the inviter, $3 devices, $4 now, $5 this push's first capture, $6 the
 * inviter's email: other inviters of each recipient; each device's recent invitations and
 * accounts; the inviter's recent sends per domain; their captures in the hour before this push
 * (for bursts and gaps); the recipients' accounts, which of them share a fingerprint with the
 * inviter, are up their referral chain, or invited them before; and the inviter's follow-up.
 */
const PUSH_READS = prepared(`
  WITH acc AS MATERIALIZED (SELECT id, email FROM users WHERE email = ANY($1::text[]))
  SELECT
    (SELECT json_agg(json_build_object('email', recipient_email, 'others', others)) FROM (
       SELECT recipient_email, count(DISTINCT inviter_id) FILTER (WHERE inviter_id <> $2) AS others
         FROM invitations WHERE recipient_email = ANY($1::text[]) AND NOT deleted GROUP BY recipient_email) x) AS recipients,
    (SELECT json_agg(json_build_object('device', device_id, 'n', n, 'accounts', accounts, 'mine', mine)) FROM (
       SELECT device_id, count(*) AS n, count(DISTINCT inviter_id) AS accounts, bool_or(inviter_id = $2) AS mine
         FROM invitations WHERE device_id = ANY($3::text[]) AND created_at > $4::timestamptz - interval '${DEVICE_WINDOW_DAYS} days'
        GROUP BY device_id) x) AS devices,
    (SELECT json_agg(json_build_object('domain', domain, 'n', n)) FROM (
       SELECT split_part(recipient_email, '@', 2) AS domain, count(*) AS n FROM invitations
        WHERE inviter_id = $2 AND NOT deleted AND counted_at > $4::timestamptz - interval '${BULK_DOMAIN_WINDOW_HOURS} hours' GROUP BY 1) x) AS domains,
    (SELECT json_agg(at) FROM (
       SELECT (extract(epoch FROM captured_at) * 1000)::float8 AS at FROM invitations WHERE inviter_id = $2 AND NOT deleted
          AND counted_at > $5::timestamptz - interval '1 hour' AND captured_at > $5::timestamptz - interval '1 hour'
        ORDER BY captured_at DESC LIMIT 500) x) AS earlier,
    (SELECT json_agg(json_build_object('id', id, 'email', email)) FROM acc) AS accounts,
    ${sharedSql('$2', 'SELECT id FROM acc')} AS shared,
    ${chainAboveSql('$2')} AS above,
    (SELECT json_agg(DISTINCT inviter_id) FROM invitations
      WHERE recipient_email = $6 AND inviter_id IN (SELECT id FROM acc) AND NOT deleted) AS reciprocal,
    f.accepted, f.inactive
  FROM (${followUpSql('$2', '$4')}) f`);

/** Facts for each new invitation of one push, in push order (one statement, whatever the push's size). */
export async function invitationFacts(q: Queryable, user: PushUser, creates: readonly NewInvitation[], now: Date): Promise<InvitationFacts[]> {
  if (creates.length === 0) return [];
  const emails = [...new Set(creates.map((c) => c.recipientEmail))];
  const devices = [...new Set(creates.map((c) => c.deviceId))];
  const captures = creates.map((c) => new Date(c.capturedAt).getTime());
  const earliest = Math.min(...captures);
  const [reads] = await q.query<PushReads>(PUSH_READS, [emails, user.id, devices, now, new Date(earliest), user.email.toLowerCase()]);
  const r = reads!;
  const recipients = new Map((r.recipients ?? []).map((x) => [x.email, x.others]));
  const deviceRows = new Map((r.devices ?? []).map((x) => [x.device, x]));
  const domains = new Map((r.domains ?? []).map((x) => [x.domain, x.n]));
  const accountOf = new Map((r.accounts ?? []).map((a) => [a.email, a.id]));
  const shared = sharingOf(r.shared);
  const above = new Set(r.above ?? []);
  const reciprocal = new Set(r.reciprocal ?? []);
  const followUp: FollowUp = { accepted: r.accepted, inactive: r.inactive };
  const accountDays = Math.max(0, (now.getTime() - user.createdAt.getTime()) / DAY);
  const myMailbox = mailboxOf(user.email);

  const seen: number[] = [...(r.earlier ?? [])];
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
/**
 * For each acceptance (inviter $1[i], acceptor $2[i], the acceptance's device $3[i] and network
 * $4[i]; $5 now): the inviter's email, the fingerprints they share with the acceptor, how many
 * accounts accepted from that device or network lately, the inviter's referral chain, and their
 * follow-up. One statement for a whole push.
 */
const ACCEPTANCE_READS = prepared(`
  SELECT (SELECT email FROM users WHERE id = a.inviter) AS inviter_email,
    ${sharedSql('a.inviter', 'a.acceptor')} AS shared,
    (SELECT coalesce(max(n), 0)::int FROM (
       SELECT count(DISTINCT user_id) AS n FROM fraud_fingerprints
        WHERE via = 'accept' AND kind IN ('device', 'network') AND value = ANY(array_remove(ARRAY[a.device, a.network], NULL))
          AND last_seen > $5::timestamptz - interval '${DEVICE_WINDOW_DAYS} days'
        GROUP BY kind, value) x) AS farm,
    ${chainAboveSql('a.inviter')} AS above,
    f.accepted, f.inactive
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS a (inviter, acceptor, device, network, ord)
  CROSS JOIN LATERAL (${followUpSql('a.inviter', '$5')}) f
  ORDER BY a.ord`);

export interface AcceptanceItem {
  inv: { inviterId: string; createdAt: Date };
  acceptor: { id: string; email: string };
  signals: AcceptanceSignals;
}

/** Facts about each acceptance, read after the acceptors' fingerprints were recorded (one statement). */
export async function acceptanceFactsOf(q: Queryable, items: readonly AcceptanceItem[], now: Date): Promise<AcceptanceFacts[]> {
  if (items.length === 0) return [];
  const rows = await q.query<{ inviter_email: string | null; shared: PushReads['shared']; farm: number; above: string[] | null; accepted: number; inactive: number }>(
    ACCEPTANCE_READS,
    [items.map((i) => i.inv.inviterId), items.map((i) => i.acceptor.id), items.map((i) => i.signals.deviceId ?? null), items.map((i) => i.signals.network ?? null), now],
  );
  return items.map(({ inv, acceptor }, i) => {
    const r = rows[i]!;
    const sharing = sharingOf(r.shared).get(acceptor.id);
    return {
      acceptorEmail: acceptor.email,
      disposableDomain: isDisposable(domainOf(acceptor.email)),
      selfReferral:
        r.inviter_email && mailboxOf(r.inviter_email) === mailboxOf(acceptor.email) ? 'same_mailbox' : sharing === 'payment' ? 'shared_payment' : sharing === 'device' ? 'shared_device' : null,
      closesLoop: (r.above ?? []).includes(acceptor.id),
      acceptorsOnDevice: r.farm,
      secondsToAccept: (now.getTime() - inv.createdAt.getTime()) / 1000,
      followUp: { accepted: r.accepted, inactive: r.inactive },
    };
  });
}

/** Records that `userId` was seen with these fingerprints, inviting or accepting. */
export async function recordFingerprints(q: Queryable, userId: string, via: 'invite' | 'accept', prints: { kind: 'device' | 'network' | 'payment'; value: string }[], now: Date): Promise<void> {
  if (prints.length === 0) return;
  await q.query(
    prepared(`INSERT INTO fraud_fingerprints (kind, value, user_id, via, first_seen, last_seen)
     SELECT p.kind, p.value, $1, $2, $3, $3 FROM json_to_recordset($4::json) AS p(kind text, value text)
     ON CONFLICT (kind, value, via, user_id) DO UPDATE SET last_seen = greatest(fraud_fingerprints.last_seen, EXCLUDED.last_seen)`),
    [userId, via, now, JSON.stringify(prints)],
  );
}

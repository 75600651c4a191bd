/**
 * Personal data rules (DESIGN §6, issue 8 points 7–8): how long an invitation keeps who it was
 * for, what an anonymised or erased record holds instead, and what is scrubbed from free data.
 * Pure: the anonymisation job, account erasure and their tests call these. Suppression of small
 * aggregates is the other half of privacy and lives in shared/analytics/privacy.ts.
 *
 * - An invitation older than ANONYMISE_AFTER_DAYS loses the recipient's name, phone, the
 *   message and its codes. Its email becomes a placeholder, `anon-<token>@anonymised.invalid`,
 *   where the token is random, made once per (inviter, recipient) pair and written to every
 *   invitation of that pair at once: one supplier's repeated invitations to one person stay one
 *   connection (the super-connector counters do not move), while nothing links the placeholder
 *   back to the person or to another inviter's invitations (no hash of the address is kept, so
 *   it cannot be tested against a guess). A pair is replaced only when all of its invitations are
 *   old; until then its old rows keep the address (the newer invitation holds it anyway) but lose
 *   everything else.
 * - `.invalid` is reserved (RFC 2606): a placeholder can never be delivered to anyone.
 * - An erased account keeps its id, role and organisation (the counters are keyed by them) and
 *   nothing that names the person.
 */

export const ANONYMISE_AFTER_DAYS = 365;
export const ANONYMISED_DOMAIN = 'anonymised.invalid';
export const ERASED_DOMAIN = 'erased.invalid';
export const ERASED_NAME = 'Erased account';

const DAY_MS = 86_400_000;

/** Invitations created before this moment are due for anonymisation. */
export function anonymiseCutoff(now: Date, days = ANONYMISE_AFTER_DAYS): Date {
  return new Date(now.getTime() - days * DAY_MS);
}

/** The placeholder address for one (inviter, recipient) pair, from a random token. */
export function anonymisedEmail(token: string): string {
  if (!/^[a-z0-9]{8,64}$/.test(token)) throw new RangeError('an anonymisation token is 8–64 lower-case letters or digits');
  return `anon-${token}@${ANONYMISED_DOMAIN}`;
}

export function isPlaceholderEmail(email: string): boolean {
  const lower = email.toLowerCase();
  return lower.endsWith(`@${ANONYMISED_DOMAIN}`) || lower.endsWith(`@${ERASED_DOMAIN}`);
}

/** The address an erased account keeps (users.email is unique and required). */
export function erasedEmail(token: string): string {
  if (!/^[a-z0-9]{8,64}$/.test(token)) throw new RangeError('an erasure token is 8–64 lower-case letters or digits');
  return `erased-${token}@${ERASED_DOMAIN}`;
}

/** Keys whose values name or reach a person, wherever they sit in an event's data. */
export const PERSONAL_KEYS: ReadonlySet<string> = new Set([
  'recipientEmail',
  'recipientName',
  'recipientPhone',
  'message',
  'inviteCode',
  'shortCode',
  'email',
  'phone',
  'name',
  'address',
]);

export const REDACTED = '[removed]';

// An address or a phone number inside free text (a provider's bounce reason quotes them).
const EMAIL_IN_TEXT = /[^\s<>"'(),;:]+@[^\s<>"'(),;:]+\.[a-z]{2,}/gi;
// Only international numbers (as stored, E.164): a bare run of digits is as likely a date or an id.
const PHONE_IN_TEXT = /\+\d[\d ()\-.]{6,}\d/g;

/** Free text with any address or phone number replaced. */
export function redactText(text: string): string {
  return text.replace(EMAIL_IN_TEXT, REDACTED).replace(PHONE_IN_TEXT, REDACTED);
}

/**
 * A copy of `value` without personal data: PERSONAL_KEYS are removed at any depth, strings
 * have addresses and phone numbers redacted; ids, counts, statuses and dates stay (the
 * figures and the audit trail need them).
 */
export function scrubPersonal(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(scrubPersonal);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!PERSONAL_KEYS.has(k)) out[k] = scrubPersonal(v);
    return out;
  }
  return value;
}

/** Whether `scrubPersonal` would change `value` (the job rewrites only what it must). */
export function holdsPersonal(value: unknown): boolean {
  return JSON.stringify(scrubPersonal(value)) !== JSON.stringify(value);
}

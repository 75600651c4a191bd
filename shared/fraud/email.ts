/**
 * Email address facts the fraud rules need, pure: the domain, an identity that sees through
 * aliases (dots and +tags), addresses the shared schema lets through but no mailbox has, and
 * whether a domain (or a parent of it) is on a list of disposable-address services. The list
 * itself is data (the maintained `disposable-email-domains` package, loaded by the server), so
 * this module stays small enough for any client.
 */

/** Mailbox providers where many unrelated people have addresses: many sends there are not "bulk". */
export const MAILBOX_PROVIDERS: ReadonlySet<string> = new Set([
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'hotmail.co.uk', 'live.com', 'msn.com',
  'yahoo.com', 'yahoo.co.uk', 'icloud.com', 'me.com', 'aol.com', 'proton.me', 'protonmail.com', 'gmx.com',
  'btinternet.com', 'sky.com', 'mail.com',
]);

/** Providers that ignore dots in the local part (so j.o.e@ and joe@ are one mailbox). */
const DOTLESS = new Set(['gmail.com', 'googlemail.com']);

export function domainOf(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? '' : email.slice(at + 1).toLowerCase();
}

export function localOf(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? email.toLowerCase() : email.slice(0, at).toLowerCase();
}

/** The mailbox behind an address: lower case, +tag dropped, dots dropped where the provider ignores them. */
export function mailboxOf(email: string): string {
  let domain = domainOf(email);
  if (domain === 'googlemail.com') domain = 'gmail.com';
  let local = localOf(email).split('+')[0]!;
  if (DOTLESS.has(domain)) local = local.replace(/\./g, '');
  return `${local}@${domain}`;
}

/** Why an address cannot be a real mailbox although it parses, or null. */
export function malformedReason(email: string): string | null {
  const local = localOf(email);
  const domain = domainOf(email);
  if (!local || !domain) return 'it has no @';
  if (local.length > 64) return 'its name part is longer than 64 characters';
  const labels = domain.split('.');
  if (labels.some((l) => l.length === 0 || l.length > 63)) return 'its domain has an empty or over-long part';
  if (labels.some((l) => l.startsWith('-') || l.endsWith('-'))) return 'a part of its domain starts or ends with a hyphen';
  const tld = labels[labels.length - 1]!;
  if (labels.length < 2 || !/^([a-z]{2,}|xn--[a-z0-9-]+)$/.test(tld)) return 'its top-level domain is not a real one';
  if (/^[.-]|[.-]$/.test(local) || local.includes('..')) return 'its name part starts, ends or repeats a dot or hyphen';
  return null;
}

/** An address that looks machine-made: a long run of digits, or a name with no vowel at all. */
export function looksGenerated(email: string): boolean {
  const name = localOf(email).split('+')[0]!.replace(/[._-]/g, '');
  return /\d{6,}/.test(name) || (name.length >= 8 && !/[aeiouy]/.test(name));
}

/** The domain and each parent with at least two labels: mail.foo.example → mail.foo.example, foo.example. */
export function domainAndParents(domain: string): string[] {
  const labels = domain.toLowerCase().split('.');
  const out: string[] = [];
  for (let i = 0; i + 2 <= labels.length; i++) out.push(labels.slice(i).join('.'));
  return out;
}

/** Is this domain, or one it sits under, a disposable-address service on the list? */
export function isDisposableDomain(domain: string, list: { has(domain: string): boolean }): boolean {
  return domain !== '' && domainAndParents(domain).some((d) => list.has(d));
}

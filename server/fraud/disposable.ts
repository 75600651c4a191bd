/**
 * The disposable-address domains: the maintained `disposable-email-domains` package (its list,
 * and its wildcard list whose every subdomain is disposable too), loaded once per process into
 * one set. shared/fraud/email.ts checks a domain and its parents against it.
 */
import { createRequire } from 'node:module';
import { isDisposableDomain } from '../../shared/fraud/email';

const require = createRequire(import.meta.url);
let domains: ReadonlySet<string> | null = null;

export function disposableDomains(): ReadonlySet<string> {
  domains ??= new Set<string>([
    ...(require('disposable-email-domains') as string[]),
    ...(require('disposable-email-domains/wildcard.json') as string[]),
  ]);
  return domains;
}

export const isDisposable = (domain: string): boolean => isDisposableDomain(domain, disposableDomains());

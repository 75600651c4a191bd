/**
 * The sign-in throttle (shared/access.ts SIGN_IN_THROTTLE): failed sign-ins per account and per
 * client address, counted in the shared limiter store (server/limits/store.ts), so every server
 * process counts together. A point is taken before the password is checked, so parallel
 * guesses cannot slip past the count, and given back when the password was right: only
 * failures add up. A success clears the account's count. Once an account is over its count,
 * even the right password waits: the answer never tells a guesser they found it.
 */
import { SIGN_IN_THROTTLE } from '../../shared/access';
import { ErrorCode } from '../../shared/errors';
import { HttpError } from '../http/errors';
import { take, type LimiterStore, type LimitRule } from '../limits/store';

export interface SignInThrottle {
  /** Counts an attempt; throws 429 RATE_LIMITED (with Retry-After) when either count is spent. */
  attempt(account: string, address: string): Promise<void>;
  /** The password was right: the attempt is given back and the account's failures forgotten. */
  succeeded(account: string, address: string): Promise<void>;
}

const minutes = (s: number) => (s < 90 ? `${s} seconds` : `${Math.ceil(s / 60)} minutes`);

export function signInThrottle(limits: LimiterStore, policy: { perAccount: LimitRule; perAddress: LimitRule } = SIGN_IN_THROTTLE): SignInThrottle {
  const account = limits.limiter('sign-in-account', policy.perAccount);
  const address = limits.limiter('sign-in-address', policy.perAddress);
  return {
    async attempt(email, ip) {
      const byAddress = await take(address, ip);
      if (!byAddress.ok) {
        throw new HttpError(ErrorCode.RATE_LIMITED, `Too many failed sign-ins from this network: try again in ${minutes(byAddress.retryAfterS)}.`, undefined, { 'Retry-After': String(byAddress.retryAfterS) });
      }
      const byAccount = await take(account, email);
      if (!byAccount.ok) {
        await address.reward(ip, 1); // refused before any password was tried: not a failure from here
        throw new HttpError(ErrorCode.RATE_LIMITED, `Too many failed sign-ins for this account: try again in ${minutes(byAccount.retryAfterS)}.`, undefined, { 'Retry-After': String(byAccount.retryAfterS) });
      }
    },
    async succeeded(email, ip) {
      await Promise.all([account.delete(email), address.reward(ip, 1)]);
    },
  };
}

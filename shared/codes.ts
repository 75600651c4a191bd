/**
 * Invitation codes, made on the inviting device so they work offline (a QR code of the link at
 * a venue with no signal, or a short code read aloud).
 *  - The invite code is 128 bits of randomness (22 base64url characters): unguessable, it is
 *    the bearer of the link `/invite/<code>`.
 *  - The short code is 8 characters from an alphabet with no look-alikes (no 0/O, 1/I/L, U/V),
 *    shown as `ABCD-EFGH`; about 39 bits, so the server only lets it attribute a sign-up, makes
 *    it expire, and limits guesses.
 * Randomness is passed in (crypto.getRandomValues on both sides), so this module stays pure.
 */
export const SHORT_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTWXYZ';
export const SHORT_CODE_LENGTH = 8;
export const INVITE_CODE_RE = /^[A-Za-z0-9_-]{22}$/;
export const SHORT_CODE_RE = new RegExp(`^[${SHORT_CODE_ALPHABET}]{${SHORT_CODE_LENGTH}}$`);

export type RandomBytes = (n: number) => Uint8Array;

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** 22 base64url characters carrying 132 random bits (≥ 128). */
export function newInviteCode(random: RandomBytes): string {
  const bytes = random(22);
  return Array.from(bytes, (b) => BASE64URL[b & 63]).join('');
}

/** 8 characters of the unambiguous alphabet, without modulo bias (rejection sampling). */
export function newShortCode(random: RandomBytes): string {
  const n = SHORT_CODE_ALPHABET.length;
  const limit = 256 - (256 % n);
  let out = '';
  while (out.length < SHORT_CODE_LENGTH) {
    for (const b of random(SHORT_CODE_LENGTH * 2)) {
      if (b < limit && out.length < SHORT_CODE_LENGTH) out += SHORT_CODE_ALPHABET[b % n];
    }
  }
  return out;
}

/** `ABCD-EFGH`, for reading aloud. */
export const formatShortCode = (code: string): string => `${code.slice(0, 4)}-${code.slice(4)}`;

/**
 * What a person typed, as a short code: case, spaces and dashes do not matter; a character
 * outside the alphabet (0, 1, I, L, O, U, V…) means it is not a code. Null then.
 */
export function parseShortCode(typed: string): string | null {
  const cleaned = typed.toUpperCase().replace(/[\s-]/g, '');
  return SHORT_CODE_RE.test(cleaned) ? cleaned : null;
}

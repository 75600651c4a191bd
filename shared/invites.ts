/**
 * The invite link and the short code, as the couple's phone and the server speak them.
 *  - `/invite/<inviteCode>`: the 128-bit code is the bearer of one invitation. It shows who
 *    invited them; a signed-in person accepts it, a new person signs up and accepts in one go.
 *    It expires and is single-use: a second acceptance is refused (CODE_USED).
 *  - `/join` with the 8-character short code: it only attributes a new sign-up to the inviter
 *    (it never signs anyone in and shows nothing but the inviter's name). It expires too, and
 *    the server limits guesses per address and overall (RATE_LIMITED with Retry-After).
 * Pure: schemas and types only.
 */
import { z } from 'zod';
import { INVITE_CODE_RE } from './codes';

export const InviteCode = z.string().regex(INVITE_CODE_RE, 'is not an invitation code');

/** What the invite page shows before anyone signs in. */
export const InviteInfo = z.object({
  inviterName: z.string(),
  /** The inviter's organisation (the venue), when they have one. */
  venue: z.string().nullable(),
  recipientName: z.string(),
  status: z.string(),
  expiresAt: z.string(),
  /** False once accepted, declined, cancelled or expired; `reason` says which. */
  open: z.boolean(),
  reason: z.string().nullable(),
});
export type InviteInfo = z.infer<typeof InviteInfo>;

export const SignupRequest = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(120),
  email: z.string().trim().toLowerCase().max(254).pipe(z.email()),
  password: z.string().min(8, 'must be at least 8 characters').max(200),
});
export type SignupRequest = z.infer<typeof SignupRequest>;

/** A typed short code: case, spaces and dashes do not matter (parseShortCode). */
export const ShortCodeRequest = z.strictObject({ shortCode: z.string().max(20) });
export const ShortCodeSignupRequest = z.strictObject({ ...SignupRequest.shape, shortCode: z.string().max(20) });

/** What a short code reveals: the inviter's name, nothing more. */
export const ShortCodeInfo = z.object({ inviterName: z.string(), expiresAt: z.string() });
export type ShortCodeInfo = z.infer<typeof ShortCodeInfo>;

/**
 * Guesses at short codes allowed (every /join check or sign-up counts): per client address, and
 * for the whole server. With ~29^8 ≈ 5·10^11 codes, the global cap keeps the chance of hitting
 * any live code negligible, and a hit only attributes a sign-up.
 */
export const SHORT_CODE_GUESSES = {
  perAddress: { points: 10, seconds: 15 * 60 },
  global: { points: 300, seconds: 60 },
} as const;

export const AcceptResult = z.object({ invitationId: z.string(), inviterName: z.string(), userId: z.string() });
export type AcceptResult = z.infer<typeof AcceptResult>;

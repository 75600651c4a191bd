/**
 * The signatures real providers put on their status callbacks, computed the way they document
 * them, so our routes can check them and our local peers can make them:
 *  - Twilio, `X-Twilio-Signature`: base64 HMAC-SHA1, keyed with the auth token, of the full URL
 *    Twilio called followed by each POST parameter's name and value, sorted by name.
 *  - Meta (WhatsApp Cloud API), `X-Hub-Signature-256`: `sha256=` + hex HMAC-SHA256 of the raw
 *    request body, keyed with the app secret.
 * Comparisons are constant-time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = url + Object.keys(params).sort().map((k) => k + params[k]).join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function metaSignature(appSecret: string, rawBody: Buffer | string): string {
  return 'sha256=' + createHmac('sha256', appSecret).update(rawBody).digest('hex');
}

export function sameSignature(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The one contract every delivery channel implements (STYLE §4): email over SMTP, SMS through a
 * Twilio-shaped API, WhatsApp through Meta's Cloud API. `channels/contract.test.ts` runs the
 * same suite against each.
 *
 * Contract:
 *  - C1 `send` resolves (never rejects) with the provider's message id, or a failure that says
 *    whether trying again may help (`retryable`) and why, in words a supplier can read.
 *  - C2 the message's `deliveryId` goes to the provider as its idempotency key (email: the
 *    Message-ID; Twilio: `I-Twilio-Idempotency-Token`; WhatsApp: `biz_opaque_callback_data`),
 *    so sending the same delivery twice makes one message where the provider honours the key
 *    (our local peers all do; see server/delivery/README.md for the real providers).
 *  - C3 a recipient the provider will never reach (bad number, rejected mailbox) is a failure
 *    that is not retryable; a provider that is down, slow or rate-limiting is retryable.
 *  - C4 every message carries the unsubscribe link.
 *  - C5 `close` releases the adapter's connections to the provider at once; a closed adapter
 *    sends nothing: `send` answers `closedFailure` (retryable: another worker sends it later).
 */
import type { Channel } from '../../../shared/invitation';

export interface OutgoingMessage {
  /** The outbox row's id: the idempotency key. */
  deliveryId: string;
  /** An email address or an E.164 phone number. */
  to: string;
  /** Email only. */
  subject: string;
  body: string;
  unsubscribeUrl: string;
  /** Where the provider posts status changes (SMS; WhatsApp's is set in Meta's app settings). */
  statusCallbackUrl?: string;
}

export type SendResult =
  | { ok: true; providerId: string }
  | { ok: false; retryable: boolean; reason: string; code?: string; optedOut?: boolean };

export interface ChannelAdapter {
  readonly channel: Channel;
  send(message: OutgoingMessage): Promise<SendResult>;
  close(): Promise<void>;
}

/** A failure from an exception (a refused connection, a timeout): worth trying again. */
export function networkFailure(err: unknown): SendResult {
  const e = err as { code?: string; message?: string; name?: string };
  const what = e.name === 'TimeoutError' ? 'the provider did not answer in time' : `the provider could not be reached (${e.code ?? e.message ?? 'error'})`;
  return { ok: false, retryable: true, reason: what, code: e.code };
}

/** What a closed adapter answers (C5): the message is fine, this adapter is gone. */
export const closedFailure = (): SendResult => ({ ok: false, retryable: true, reason: 'sending stopped on this server (shutting down); the message waits for the next try' });

/** HTTP statuses worth another try: throttling and the provider's own trouble. */
export const retryableStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500;

/** How long one send may take; well under the claim lease, so a slow send never overlaps a re-claim. */
export const SEND_TIMEOUT_MS = 15_000;

/**
 * WhatsApp through Meta's Cloud API: POST /v{n}/{phone-number-id}/messages with a JSON body
 * (`messaging_product: "whatsapp"`, `to`, `type: "text"`), bearer token. Success is 200 with
 * `{ messages: [{ id: "wamid..." }] }`; errors are `{ error: { message, type, code,
 * error_subcode, error_data, fbtrace_id } }` (131026 undeliverable, 131030 not on the allowed
 * list, 100 bad parameter, 130429 / 131056 / 4 / 80007 throttled, 131000 / 131016 / 2 on
 * Meta's side, 190 expired token). The delivery id goes in `biz_opaque_callback_data`, which
 * Meta echoes in status webhooks.
 */
import type { ChannelAdapter, OutgoingMessage, SendResult } from './channel';
import { closedFailure, networkFailure, retryableStatus } from './channel';
import { providerHttp, type ProviderResponse } from './http';

export interface WhatsAppOptions {
  apiUrl: string;
  phoneNumberId: string;
  token: string;
}

interface MetaError {
  error?: { message?: string; type?: string; code?: number; error_subcode?: number; error_data?: { details?: string } };
}

const unreachable = new Set([100, 131008, 131009, 131026, 131030, 131051]);
const tryLater = new Set([2, 4, 80007, 130429, 131000, 131016, 131056, 190]);

export function whatsappAdapter({ apiUrl, phoneNumberId, token }: WhatsAppOptions): ChannelAdapter {
  const endpoint = `${apiUrl.replace(/\/$/, '')}/${encodeURIComponent(phoneNumberId)}/messages`;
  const client = providerHttp();
  return {
    channel: 'whatsapp',
    async send(m: OutgoingMessage): Promise<SendResult> {
      if (client.closed) return closedFailure();
      let res: ProviderResponse;
      try {
        res = await client.post(
          endpoint,
          { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          JSON.stringify({
            messaging_product: 'whatsapp',
            recipient_type: 'individual',
            to: m.to.replace(/^\+/, ''),
            type: 'text',
            text: { preview_url: true, body: `${m.body}\n\nOpt out: ${m.unsubscribeUrl}` },
            biz_opaque_callback_data: m.deliveryId,
          }),
        );
      } catch (err) {
        return networkFailure(err);
      }
      const body = (await res.json().catch(() => ({}))) as MetaError & { messages?: { id: string }[] };
      const id = body.messages?.[0]?.id;
      if (res.ok && id) return { ok: true, providerId: id };
      const code = body.error?.code ?? res.status;
      const detail = body.error?.error_data?.details ?? body.error?.message ?? res.statusText;
      const reason = `WhatsApp error ${code}: ${detail}`;
      if (unreachable.has(code)) return { ok: false, retryable: false, reason, code: String(code) };
      return { ok: false, retryable: tryLater.has(code) || retryableStatus(res.status), reason, code: String(code) };
    },
    async close() {
      client.close();
    },
  };
}

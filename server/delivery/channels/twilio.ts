/**
 * SMS through Twilio's Messages API: POST /2010-04-01/Accounts/{AccountSid}/Messages.json,
 * form-encoded (To, From, Body, StatusCallback), HTTP basic auth (AccountSid:AuthToken).
 * Success is 201 with `{ sid, status, ... }`; errors are `{ code, message, more_info, status }`
 * (21211 invalid 'To', 21610 recipient replied STOP, 20429 too many requests, 20003 bad
 * credentials). The delivery id goes as `I-Twilio-Idempotency-Token`.
 */
import type { ChannelAdapter, OutgoingMessage, SendResult } from './channel';
import { closedFailure, networkFailure, retryableStatus } from './channel';
import { providerHttp, type ProviderResponse } from './http';

export interface TwilioOptions {
  apiUrl: string;
  accountSid: string;
  authToken: string;
  from: string;
}

interface TwilioError {
  code?: number;
  message?: string;
  more_info?: string;
  status?: number;
}

/** Error codes that mean this recipient will not be reached, whatever we do. */
const unreachable = new Set([21211, 21214, 21408, 21610, 21612, 21614]);

export function twilioAdapter({ apiUrl, accountSid, authToken, from }: TwilioOptions): ChannelAdapter {
  const endpoint = `${apiUrl.replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
  const auth = 'Basic ' + Buffer.from(`${accountSid}:${authToken}`).toString('base64');
  const client = providerHttp();
  return {
    channel: 'sms',
    async send(m: OutgoingMessage): Promise<SendResult> {
      const form = new URLSearchParams({ To: m.to, From: from, Body: `${m.body}\nOpt out: ${m.unsubscribeUrl}` });
      if (m.statusCallbackUrl) form.set('StatusCallback', m.statusCallbackUrl);
      if (client.closed) return closedFailure();
      let res: ProviderResponse;
      try {
        res = await client.post(endpoint, { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', 'I-Twilio-Idempotency-Token': m.deliveryId }, form.toString());
      } catch (err) {
        return networkFailure(err);
      }
      const body = (await res.json().catch(() => ({}))) as TwilioError & { sid?: string };
      if (res.ok && body.sid) return { ok: true, providerId: body.sid };
      const code = body.code ?? res.status;
      const reason = `SMS provider error ${code}: ${body.message ?? res.statusText}`;
      if (unreachable.has(code)) return { ok: false, retryable: false, reason, code: String(code), optedOut: code === 21610 };
      return { ok: false, retryable: retryableStatus(res.status) || res.status === 401, reason, code: String(code) };
    },
    async close() {
      client.close();
    },
  };
}

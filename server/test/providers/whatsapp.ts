/**
 * A local HTTP peer that speaks Meta's WhatsApp Cloud API for tests and the demo:
 * POST /v{n}/{phone-number-id}/messages (JSON, bearer token) answers 200 with
 * `{ messaging_product, contacts, messages: [{ id: "wamid..." }] }`, or Meta's error JSON
 * `{ error: { message, type, code, error_subcode, error_data, fbtrace_id } }` (190 bad token,
 * 100 bad parameter; for a number `rejectNumber` names, Meta's answer for it: 131030 not on the
 * test number's allowed list, 131047 outside the 24-hour window, 131026 undeliverable; and
 * whatever `failNext` sets). It keeps one message
 * per `biz_opaque_callback_data`. After a send it posts status webhooks to `webhookUrl` like
 * Meta (sent, delivered; or failed with 131026 for an `undeliverable` number), signed with
 * X-Hub-Signature-256.
 */
import { randomBytes } from 'node:crypto';
import { metaSignature } from '../../delivery/signatures';
import { closeServer, listen, post, reply } from './http';

export interface SentWhatsApp {
  id: string;
  to: string;
  body: string;
  opaque: string | null;
}

export interface MetaFailure {
  status: number;
  code: number;
  message: string;
}

export interface WhatsAppPeer {
  url: string;
  phoneNumberId: string;
  token: string;
  appSecret: string;
  /** Where status webhooks go (Meta's app setting); set once the receiver listens. */
  webhookUrl: string | null;
  messages: SentWhatsApp[];
  duplicates: number;
  callbackStatuses: number[];
  failNext(count: number, failure?: MetaFailure): void;
  /** The API refuses sends to this number with Meta's error `code` (131030, 131047 or 131026). */
  rejectNumber(number: string, code?: MetaRefusal): void;
  undeliverable(number: string): void;
  sendStatus(id: string, status: 'sent' | 'delivered' | 'read' | 'failed', errorCode?: number): Promise<number>;
  /** TCP connections open to the peer now. */
  openConnections(): number;
  close(): Promise<void>;
}

const metaError = (code: number, message: string, type = 'OAuthException', details = message) => ({
  error: { message, type, code, error_data: { messaging_product: 'whatsapp', details }, fbtrace_id: randomBytes(8).toString('hex') },
});

/** Meta's answers when a send names a number it will not message (title, details). */
const refusals = {
  131030: ['Recipient phone number not in allowed list', 'Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again.'],
  131047: ['Re-engagement message', 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.'],
  131026: ['Message undeliverable', 'Message Undeliverable.'],
} as const;
export type MetaRefusal = keyof typeof refusals;

export async function startWhatsAppPeer({ phoneNumberId = '106540352242922', token = 'whatsapp-test-token', appSecret = 'whatsapp-app-secret', autoStatus = true, callbackDelayMs = 10 } = {}): Promise<WhatsAppPeer> {
  const byOpaque = new Map<string, SentWhatsApp>();
  const lost = new Set<string>();
  const refused = new Map<string, MetaRefusal>();
  let failures = { left: 0, failure: { status: 503, code: 131016, message: 'Service unavailable' } as MetaFailure };

  const sendStatus: WhatsAppPeer['sendStatus'] = async (id, status, errorCode) => {
    const m = peer.messages.find((x) => x.id === id);
    if (!m || !peer.webhookUrl) return 0;
    const entry = {
      id: id, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: m.to,
      ...(m.opaque ? { biz_opaque_callback_data: m.opaque } : {}),
      ...(errorCode ? { errors: [{ code: errorCode, title: 'Message undeliverable.', message: 'Message undeliverable.', error_data: { details: 'Message could not be delivered.' } }] } : {}),
    };
    const body = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: 'WABA_LOCAL', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550000000', phone_number_id: phoneNumberId }, statuses: [entry] } }] }],
    });
    const code = await post(peer.webhookUrl, body, { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(appSecret, body) });
    peer.callbackStatuses.push(code);
    return code;
  };

  const { server, url, openConnections } = await listen(async (req, raw, res) => {
    const path = new URL(req.url ?? '/', 'http://peer').pathname;
    const match = /^\/v\d+\.\d+\/([^/]+)\/messages$/.exec(path);
    if (req.method !== 'POST' || !match) return reply(res, 404, metaError(100, 'Unsupported post request.', 'GraphMethodException'));
    if (req.headers.authorization !== `Bearer ${token}`) return reply(res, 401, metaError(190, 'Invalid OAuth access token - Cannot parse access token'));
    if (match[1] !== phoneNumberId) return reply(res, 400, metaError(100, `Unsupported post request. Object with ID '${match[1]}' does not exist`, 'GraphMethodException'));
    if (failures.left > 0) {
      failures.left -= 1;
      return reply(res, failures.failure.status, metaError(failures.failure.code, failures.failure.message));
    }
    let msg: { messaging_product?: string; to?: string; type?: string; text?: { body?: string }; biz_opaque_callback_data?: string };
    try {
      msg = JSON.parse(raw.toString('utf8'));
    } catch {
      return reply(res, 400, metaError(100, '(#100) Invalid parameter'));
    }
    if (msg.messaging_product !== 'whatsapp' || !/^\+?[1-9]\d{6,14}$/.test(msg.to ?? '') || msg.type !== 'text' || !msg.text?.body) {
      return reply(res, 400, metaError(100, '(#100) Invalid parameter'));
    }
    const to = msg.to!.replace(/^\+/, '');
    const refusal = refused.get(to);
    if (refusal) {
      const [title, details] = refusals[refusal];
      return reply(res, 400, metaError(refusal, `(#${refusal}) ${title}`, 'OAuthException', details));
    }
    const opaque = msg.biz_opaque_callback_data ?? null;
    const seen = opaque ? byOpaque.get(opaque) : undefined;
    const answer = (m: SentWhatsApp) => reply(res, 200, { messaging_product: 'whatsapp', contacts: [{ input: msg.to, wa_id: to }], messages: [{ id: m.id }] });
    if (seen) {
      peer.duplicates += 1;
      return answer(seen);
    }
    const m: SentWhatsApp = { id: 'wamid.' + randomBytes(24).toString('base64url'), to, body: msg.text.body, opaque };
    peer.messages.push(m);
    if (opaque) byOpaque.set(opaque, m);
    answer(m);
    if (autoStatus) {
      setTimeout(async () => {
        if (lost.has(to)) return void (await sendStatus(m.id, 'failed', 131026));
        await sendStatus(m.id, 'sent');
        await sendStatus(m.id, 'delivered');
      }, callbackDelayMs);
    }
  });

  const peer: WhatsAppPeer = {
    url: `${url}/v21.0`,
    phoneNumberId,
    token,
    appSecret,
    webhookUrl: null,
    messages: [],
    duplicates: 0,
    callbackStatuses: [],
    failNext(count, failure = { status: 503, code: 131016, message: 'Service unavailable' }) {
      failures = { left: count, failure };
    },
    rejectNumber(number, code = 131030) {
      refused.set(number.replace(/^\+/, ''), code);
    },
    undeliverable(number) {
      lost.add(number.replace(/^\+/, ''));
    },
    sendStatus,
    openConnections,
    close: () => closeServer(server),
  };
  return peer;
}

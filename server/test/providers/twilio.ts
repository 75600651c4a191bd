/**
 * A local HTTP peer that speaks Twilio's Messages API for tests and the demo:
 * POST /2010-04-01/Accounts/{Sid}/Messages.json (form-encoded, basic auth) answers 201 with a
 * message resource, or Twilio's error JSON `{ code, message, more_info, status }` (20003 bad
 * credentials, 21211 invalid 'To', 21602 no body, 21610 unsubscribed, and whatever `failNext`
 * sets). It keeps one message per `I-Twilio-Idempotency-Token`. After a send it posts the
 * StatusCallback like Twilio (sent, then delivered, or undelivered with ErrorCode 30003 for a
 * number marked `undeliverable`), signed with X-Twilio-Signature.
 */
import { randomBytes } from 'node:crypto';
import { twilioSignature } from '../../delivery/signatures';
import { closeServer, listen, post, reply } from './http';

export interface SentSms {
  sid: string;
  to: string;
  from: string;
  body: string;
  statusCallback: string | null;
  idempotencyToken: string | null;
}

export interface TwilioFailure {
  status: number;
  code: number;
  message: string;
}

export interface TwilioPeer {
  url: string;
  accountSid: string;
  authToken: string;
  from: string;
  messages: SentSms[];
  duplicates: number;
  /** Callback answers the receiver gave (HTTP statuses), in order. */
  callbackStatuses: number[];
  failNext(count: number, failure?: TwilioFailure): void;
  rejectNumber(number: string, code?: number): void;
  /** Takes a number `rejectNumber` refused back. */
  allowNumber(number: string): void;
  undeliverable(number: string): void;
  /** Posts a signed status callback for a message now. */
  sendStatus(sid: string, status: string, errorCode?: string): Promise<number>;
  /** TCP connections open to the peer now. */
  openConnections(): number;
  close(): Promise<void>;
}

const twilioError = (status: number, code: number, message: string) => ({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

export async function startTwilioPeer({ accountSid = 'AC' + 'f'.repeat(32), authToken = 'twilio-test-token', autoStatus = true, callbackDelayMs = 10 } = {}): Promise<TwilioPeer> {
  const byToken = new Map<string, SentSms>();
  const rejected = new Map<string, number>();
  const lost = new Set<string>();
  let failures = { left: 0, failure: { status: 503, code: 20503, message: 'Service unavailable' } as TwilioFailure };

  const resource = (m: SentSms, status = 'queued') => ({
    sid: m.sid, account_sid: accountSid, to: m.to, from: m.from, body: m.body, status, num_segments: '1',
    direction: 'outbound-api', api_version: '2010-04-01', date_created: new Date().toUTCString(), error_code: null,
    error_message: null, uri: `/2010-04-01/Accounts/${accountSid}/Messages/${m.sid}.json`,
  });

  const sendStatus = async (sid: string, status: string, errorCode?: string) => {
    const m = peer.messages.find((x) => x.sid === sid);
    if (!m?.statusCallback) return 0;
    const params: Record<string, string> = { MessageSid: sid, SmsSid: sid, AccountSid: accountSid, From: m.from, To: m.to, MessageStatus: status, SmsStatus: status, ApiVersion: '2010-04-01' };
    if (errorCode) params.ErrorCode = errorCode;
    const code = await post(m.statusCallback, new URLSearchParams(params).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(authToken, m.statusCallback, params),
    });
    peer.callbackStatuses.push(code);
    return code;
  };

  const { server, url, openConnections } = await listen(async (req, raw, res) => {
    const path = new URL(req.url ?? '/', 'http://peer').pathname;
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(path);
    if (req.method !== 'POST' || !match) return reply(res, 404, twilioError(404, 20404, 'The requested resource was not found'));
    const expected = 'Basic ' + Buffer.from(`${accountSid}:${authToken}`).toString('base64');
    if (req.headers.authorization !== expected || match[1] !== accountSid) return reply(res, 401, twilioError(401, 20003, 'Authenticate'));
    if (failures.left > 0) {
      failures.left -= 1;
      const f = failures.failure;
      return reply(res, f.status, twilioError(f.status, f.code, f.message));
    }
    const form = new URLSearchParams(raw.toString('utf8'));
    const to = form.get('To') ?? '';
    if (!/^\+[1-9]\d{6,14}$/.test(to)) return reply(res, 400, twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`));
    if (!form.get('Body')) return reply(res, 400, twilioError(400, 21602, 'Message body is required.'));
    const code = rejected.get(to);
    if (code === 21610) return reply(res, 400, twilioError(400, 21610, 'Attempt to send to unsubscribed recipient'));
    if (code) return reply(res, 400, twilioError(400, code, `The 'To' number ${to} cannot receive this message.`));
    const token = (req.headers['i-twilio-idempotency-token'] as string | undefined) ?? null;
    const seen = token ? byToken.get(token) : undefined;
    if (seen) {
      peer.duplicates += 1;
      return reply(res, 201, resource(seen));
    }
    const m: SentSms = { sid: 'SM' + randomBytes(16).toString('hex'), to, from: form.get('From') ?? '', body: form.get('Body') ?? '', statusCallback: form.get('StatusCallback'), idempotencyToken: token };
    peer.messages.push(m);
    if (token) byToken.set(token, m);
    reply(res, 201, resource(m));
    if (autoStatus && m.statusCallback) {
      setTimeout(async () => {
        await sendStatus(m.sid, 'sent');
        if (lost.has(to)) await sendStatus(m.sid, 'undelivered', '30003');
        else await sendStatus(m.sid, 'delivered');
      }, callbackDelayMs);
    }
  });

  const peer: TwilioPeer = {
    url,
    accountSid,
    authToken,
    from: '+15005550006',
    messages: [],
    duplicates: 0,
    callbackStatuses: [],
    failNext(count, failure = { status: 503, code: 20503, message: 'Service unavailable' }) {
      failures = { left: count, failure };
    },
    rejectNumber(number, code = 21211) {
      rejected.set(number, code);
    },
    allowNumber(number) {
      rejected.delete(number);
    },
    undeliverable(number) {
      lost.add(number);
    },
    sendStatus,
    openConnections,
    close: () => closeServer(server),
  };
  return peer;
}

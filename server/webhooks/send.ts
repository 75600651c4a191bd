/**
 * One webhook attempt: the CloudEvent as the body (structured mode), signed per the Standard
 * Webhooks spec with the endpoint's secret (`webhook-id`: the event id, the same on every retry
 * and replay so receivers can deduplicate; `webhook-timestamp`: seconds; `webhook-signature`:
 * `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`). Any 2xx is a success; anything else, a
 * redirect, a timeout or a connection error is a failure. The answer is kept as a bounded
 * excerpt for the delivery log.
 */
import http from 'node:http';
import https from 'node:https';
import { Webhook } from 'standardwebhooks';
import { CLOUDEVENTS_CONTENT_TYPE, type CloudEvent } from '../../shared/integrations/cloudEvents';
import { RESPONSE_EXCERPT_CHARS } from '../../shared/integrations/webhooks';

export const USER_AGENT = 'PlusOne-Webhooks/1';

export interface AttemptResult {
  ok: boolean;
  status: number | null;
  latencyMs: number;
  error: string | null;
  excerpt: string | null;
}

const signers = new Map<string, Webhook>();
function signer(secret: string): Webhook {
  let s = signers.get(secret);
  if (!s) {
    if (signers.size > 10_000) signers.clear();
    s = new Webhook(secret);
    signers.set(secret, s);
  }
  return s;
}

/** The headers and body of a signed delivery (also what a receiver's test verifies). */
export function signedRequest(secret: string, event: CloudEvent, at = new Date()): { headers: Record<string, string>; body: string } {
  const body = JSON.stringify(event);
  return {
    body,
    headers: {
      'content-type': CLOUDEVENTS_CONTENT_TYPE,
      'user-agent': USER_AGENT,
      'webhook-id': event.id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': signer(secret).sign(event.id, at, body),
    },
  };
}

// Connections to receivers are kept open between deliveries (node:http is about twice as fast
// as fetch here: npm run bench -- webhooks).
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

class TimeoutError extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/** POSTs `body`; resolves with the status and at most RESPONSE_EXCERPT_CHARS of the answer. */
function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<{ status: number; excerpt: string | null }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const lib = target.protocol === 'https:' ? https : http;
    const req = lib.request(
      target,
      { method: 'POST', agent: agents[target.protocol as 'http:' | 'https:'], headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        let text = '';
        const done = () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, excerpt: text.length > 0 ? text.slice(0, RESPONSE_EXCERPT_CHARS) : null });
        };
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          // Enough for the log: the rest of a long answer is not read.
          if (text.length >= RESPONSE_EXCERPT_CHARS) {
            done();
            res.destroy();
          }
        });
        res.on('end', done);
        res.on('error', (err) => (clearTimeout(timer), reject(err)));
      },
    );
    const timer = setTimeout(() => req.destroy(new TimeoutError(timeoutMs)), timeoutMs);
    req.on('error', (err) => (clearTimeout(timer), reject(err)));
    req.end(body);
  });
}

function describe(err: unknown): string {
  const code = (err as { code?: string })?.code;
  const message = err instanceof Error ? err.message : String(err);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

export async function sendWebhook(url: string, secret: string, event: CloudEvent, timeoutMs: number): Promise<AttemptResult> {
  const { headers, body } = signedRequest(secret, event);
  const started = performance.now();
  try {
    const { status, excerpt } = await post(url, headers, body, timeoutMs);
    const ok = status >= 200 && status < 300;
    return { ok, status, latencyMs: Math.round(performance.now() - started), error: ok ? null : `HTTP ${status}`, excerpt };
  } catch (err) {
    return { ok: false, status: null, latencyMs: Math.round(performance.now() - started), error: describe(err).slice(0, 500), excerpt: null };
  }
}

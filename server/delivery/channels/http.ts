/**
 * The HTTP client of the SMS and WhatsApp adapters: keep-alive connections of their own (node's
 * http/https agents), so `close` releases them at once (contract C5). The global `fetch` keeps
 * its connections in a pool shared by the whole process, which an adapter cannot release, and
 * would let a closed adapter go on sending. A call is bounded by SEND_TIMEOUT_MS in all
 * (a `TimeoutError`, as `AbortSignal.timeout` would throw), and after `close` it fails at once.
 */
import http from 'node:http';
import https from 'node:https';
import { SEND_TIMEOUT_MS } from './channel';

export interface ProviderResponse {
  ok: boolean;
  status: number;
  statusText: string;
  /** The body as JSON; `{}` when it is not JSON. */
  json(): Promise<unknown>;
}

export interface ProviderHttp {
  post(url: string, headers: Record<string, string>, body: string): Promise<ProviderResponse>;
  readonly closed: boolean;
  close(): void;
}

export function providerHttp(timeoutMs = SEND_TIMEOUT_MS): ProviderHttp {
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  let closed = false;
  return {
    get closed() {
      return closed;
    },
    post(url, headers, body) {
      if (closed) return Promise.reject(new Error('the adapter is closed'));
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      return new Promise((resolve, reject) => {
        const req = (secure ? https : http).request(
          target,
          { method: 'POST', agent: secure ? agents.https : agents.http, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('error', fail);
            res.on('end', () => {
              clearTimeout(timer);
              const text = Buffer.concat(chunks).toString('utf8');
              const status = res.statusCode ?? 0;
              resolve({
                ok: status >= 200 && status < 300,
                status,
                statusText: res.statusMessage ?? '',
                json: async () => {
                  try {
                    return JSON.parse(text) as unknown;
                  } catch {
                    return {};
                  }
                },
              });
            });
          },
        );
        function fail(err: Error) {
          clearTimeout(timer);
          reject(err);
        }
        const timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' })), timeoutMs);
        req.on('error', fail);
        req.end(body);
      });
    },
    close() {
      closed = true;
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

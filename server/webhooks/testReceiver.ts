/**
 * A real webhook receiver for tests and the benchmark: an HTTP server on port 0 that keeps every
 * request, checks its Standard Webhooks signature with the package's own `Webhook.verify` when it
 * knows the path's secret, and answers as each path is told to: `ok` (200 always), `down` (500
 * always) or `flaky:<k>` (500 for the first k requests, then 200).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Null when the path's secret is not known yet; else whether the signature verified. */
  verified: boolean | null;
  status: number;
  at: number;
}

export interface Receiver {
  url(path: string): string;
  /** Verify this path's requests with `secret` from now on. */
  trust(path: string, secret: string): void;
  received: Received[];
  /** Requests to `path` that verified, as parsed JSON, in arrival order. */
  payloads(path: string): any[];
  close(): Promise<void>;
}

export async function startReceiver(behaviour: (path: string) => 'ok' | 'down' | `flaky:${number}`, options: { keep?: boolean } = {}): Promise<Receiver> {
  const secrets = new Map<string, Webhook>();
  const counts = new Map<string, number>();
  const received: Received[] = [];
  const keep = options.keep ?? true;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      const mode = behaviour(path);
      const status = mode === 'ok' ? 200 : mode === 'down' ? 500 : n <= Number(mode.slice('flaky:'.length)) ? 500 : 200;
      let verified: boolean | null = null;
      const hook = secrets.get(path);
      if (hook) {
        try {
          hook.verify(body, req.headers as Record<string, string>);
          verified = true;
        } catch {
          verified = false;
        }
      }
      if (keep) received.push({ path, headers: req.headers, body, verified, status, at: Date.now() });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? `thanks for ${n}` : `failing on purpose (${n})`);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (path) => base + path,
    trust: (path, secret) => void secrets.set(path, new Webhook(secret)),
    received,
    payloads: (path) => received.filter((r) => r.path === path && r.verified && r.status === 200).map((r) => JSON.parse(r.body)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Resolves with `check()`'s value once it is truthy; fails after `ms` with `what`. */
export async function eventually<T>(what: string, check: () => Promise<T> | T, ms = 20_000): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value as Exclude<T, false | null | undefined | 0 | ''>;
    if (Date.now() > deadline) throw new Error(`still waiting for ${what} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

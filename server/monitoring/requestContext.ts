/**
 * What every HTTP request carries from its first middleware to its last log line: a request id
 * (the caller's well-formed `x-request-id`, else a new UUID; answered in `x-request-id`), a child
 * logger with it (`req.log`), and, once answered, its RED metrics under the route pattern it
 * matched. The id travels on with the request's writes (sync routes hand it to the socket
 * events), so one id finds the request, its logs and the live change it caused.
 */
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { syncCollections } from '../../shared/sync/protocol';
import type { Logger } from '../log';
import type { AppMetrics } from './metrics';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** This request's id (also in `x-request-id` and on every log line of `req.log`). */
      id: string;
      log: Logger;
    }
  }
}

export const REQUEST_ID_HEADER = 'x-request-id';
/** An incoming id is kept only when it is short and plain (it ends up in logs and headers). */
const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestIdOf(req: Request): string {
  const sent = req.get(REQUEST_ID_HEADER);
  return sent && WELL_FORMED.test(sent) ? sent : randomUUID();
}

/** API latency since the monitor last asked (its evaluation window). */
export class LatencyWindow {
  private sumMs = 0;
  private count = 0;
  add(ms: number): void {
    this.sumMs += ms;
    this.count += 1;
  }
  /** The window's average and size, and a new window. */
  take(): { averageMs: number; requests: number } {
    const out = { averageMs: this.count ? this.sumMs / this.count : 0, requests: this.count };
    this.sumMs = this.count = 0;
    return out;
  }
}

/**
 * Express sets `req.route` when a route matches, with `req.baseUrl` the router's mount path at
 * that moment; an error leaving the router resets `baseUrl` before the response is written. So
 * the pattern is taken when `req.route` is set, not when the response finishes.
 */
const patterns = new WeakMap<Request, () => string | null>();

/** The route pattern the request matched (`/api/sync/:collection/push`), or null. */
export const routePattern = (req: Request): string | null => patterns.get(req)?.() ?? null;

function capturePattern(req: Request): () => string | null {
  let route: unknown;
  let pattern: string | null = null;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: { path?: unknown } | undefined) {
      route = value;
      if (value?.path !== undefined) pattern = `${req.baseUrl}${String(value.path)}`;
    },
  });
  const read = () => pattern;
  patterns.set(req, read);
  return read;
}

const SYNC_PATH = /^\/api\/sync\/([a-z_]+)\/(push|pull)$/;
const collections: readonly string[] = syncCollections;

/** Counts a sync request and its rows from the JSON it answers. */
function watchSync(req: Request, res: Response, metrics: AppMetrics): void {
  const m = SYNC_PATH.exec(req.path);
  if (!m || req.method !== 'POST' || !collections.includes(m[1]!)) return;
  const [, collection, op] = m as unknown as [string, string, 'push' | 'pull'];
  const json = res.json.bind(res);
  res.json = (body: unknown) => {
    if (res.statusCode < 300 && body && typeof body === 'object') {
      const b = body as { results?: { outcome?: string }[]; documents?: unknown[] };
      if (op === 'push') for (const r of b.results ?? []) metrics.syncRows.inc({ op, collection, outcome: r.outcome ?? 'unknown' });
      else if (b.documents?.length) metrics.syncRows.inc({ op, collection, outcome: 'pulled' }, b.documents.length);
    }
    return json(body);
  };
  res.once('finish', () => {
    const outcome = res.statusCode < 400 ? 'ok' : res.statusCode < 500 ? 'refused' : 'error';
    metrics.syncRequests.inc({ op, collection, outcome });
  });
}

/** Paths whose requests are not API latency: probes, scrapes and files. */
const isApi = (path: string) => path.startsWith('/api/');

export function requestContext(log: Logger, metrics: AppMetrics, latency: LatencyWindow): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    const id = requestIdOf(req);
    req.id = id;
    req.log = log.child({ reqId: id });
    res.setHeader(REQUEST_ID_HEADER, id);
    const pattern = capturePattern(req);
    watchSync(req, res, metrics);
    res.once('finish', () => {
      const ms = performance.now() - started;
      const route = pattern() ?? (res.statusCode === 404 || isApi(req.path) ? 'unmatched' : 'static');
      const labels = { method: req.method, route, status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, ms / 1000);
      if (isApi(req.path)) latency.add(ms);
      req.log.info({ method: req.method, route, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request done');
    });
    next();
  };
}

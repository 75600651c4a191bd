/**
 * A load-tool child holding many real Socket.IO clients (WebSocket transport only: no polling,
 * so two server processes need no sticky sessions). In 'app' mode each socket signs in with a
 * user's session cookie and the server joins it to that user's rooms. Every
 * `invitation:changed` document is timed against the row's `updatedAt` (PostgreSQL's now() in
 * the writing transaction: at or before its commit, on this machine's clock, so the figure is
 * an upper bound); each change (id and rev) keeps its first arrival anywhere, which is after
 * its commit. Dashboard sockets keep each platform K snapshot's `computedAt` with its arrival.
 * In 'bare' mode sockets time `tick` broadcasts from a plain Socket.IO server (the floor).
 */
import { io as connect, type Socket } from 'socket.io-client';
import { answer } from './processes';

export interface ClientSpec {
  url: string;
  cookie?: string;
  dashboard?: boolean;
}

export interface DashboardTrace {
  /** When each K snapshot received was computed (server clock = this machine's), in arrival order. */
  computedAt: Float64Array;
  recv: Float64Array;
}

/** Each change seen: `<id>:<rev>`, its transaction's start, its first arrival on any socket here. */
export interface ChangesSeen {
  keys: string[];
  updatedAt: Float64Array;
  firstSeen: Float64Array;
}

export interface Collected {
  changeMs: Float64Array;
  changes: ChangesSeen;
  tickMs: Float64Array;
  dashboards: DashboardTrace[];
  /** Sockets that dropped while the run was on. */
  dropped: number;
  /** Bytes of one metrics:updated event as received (for the floor's payload). */
  metricsBytes: number;
}

const now = () => performance.timeOrigin + performance.now();

let sockets: Socket[] = [];
let changeMs: number[] = [];
let tickMs: number[] = [];
let traces: { computedAt: number[]; recv: number[] }[] = [];
let seen = new Map<string, { updatedAt: number; first: number }>();
let dropped = 0;
let closing = false;
let metricsBytes = 0;

function open(spec: ClientSpec): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(spec.url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: spec.cookie ? { cookie: spec.cookie } : {} });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

function listen(socket: Socket, spec: ClientSpec): void {
  socket.on('disconnect', () => void (closing || dropped++));
  socket.on('tick', (m: { sentAt: number }) => void tickMs.push(now() - m.sentAt));
  socket.on('invitation:changed', (e: { documents: { id: string; rev: number; updatedAt: string }[] }) => {
    const at = now();
    for (const d of e.documents) {
      const updatedAt = Date.parse(d.updatedAt);
      changeMs.push(at - updatedAt);
      const key = `${d.id}:${d.rev}`;
      if (!seen.has(key)) seen.set(key, { updatedAt, first: at });
    }
  });
  if (!spec.dashboard) return;
  const trace = { computedAt: [] as number[], recv: [] as number[] };
  traces.push(trace);
  socket.on('metrics:updated', (e: { documents: { id: string; computedAt: string }[] }) => {
    const at = now();
    const k = e.documents.find((d) => d.id.startsWith('platform:'));
    if (!k) return;
    metricsBytes ||= JSON.stringify(e).length;
    trace.computedAt.push(Date.parse(k.computedAt));
    trace.recv.push(at);
  });
}

answer({
  /** Opens every socket, `concurrency` handshakes at a time. */
  async open({ specs, concurrency }: { specs: ClientSpec[]; concurrency: number }) {
    closing = false;
    let nextIndex = 0;
    let failed = 0;
    let firstError = '';
    await Promise.all(
      Array.from({ length: Math.min(concurrency, specs.length) }, async () => {
        while (nextIndex < specs.length) {
          const spec = specs[nextIndex++]!;
          try {
            const socket = await open(spec);
            listen(socket, spec);
            sockets.push(socket);
          } catch (err) {
            failed++;
            firstError ||= (err as Error).message;
          }
        }
      }),
    );
    return { opened: sockets.length, failed, firstError };
  },
  /** Hands over what was measured since the last collect, and starts afresh. */
  async collect(): Promise<Collected> {
    const entries = [...seen];
    const out: Collected = {
      changeMs: Float64Array.from(changeMs),
      changes: { keys: entries.map(([k]) => k), updatedAt: Float64Array.from(entries, ([, v]) => v.updatedAt), firstSeen: Float64Array.from(entries, ([, v]) => v.first) },
      tickMs: Float64Array.from(tickMs),
      dashboards: traces.map((t) => ({ computedAt: Float64Array.from(t.computedAt), recv: Float64Array.from(t.recv) })),
      dropped,
      metricsBytes,
    };
    changeMs = [];
    tickMs = [];
    for (const t of traces) t.computedAt = t.recv = [];
    seen = new Map();
    dropped = 0;
    return out;
  },
  async close() {
    closing = true;
    for (const s of sockets) s.close();
    sockets = [];
    traces = [];
    return null;
  },
});

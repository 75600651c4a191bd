/**
 * A real PlusOne server on port 0 over a fresh test database, with helpers to sign in and call
 * the API as a browser would (cookie in, JSON out) and to open real Socket.IO clients.
 */
import { randomBytes } from 'node:crypto';
import { newInviteCode, newShortCode } from '../../shared/codes';
import { io as connect, type Socket } from 'socket.io-client';
import { v7 as uuidv7 } from 'uuid';
import type { InvitationInput } from '../../shared/invitation';
import { CSRF_HEADER, CSRF_VALUE } from '../../shared/access';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../shared/sync/protocol';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/sync/socket';
import { createApp, type PlusOneApp } from '../app';
import { loadConfig } from '../config';
import { DEMO_PASSWORD, seedDemo } from '../demo/seed';
import { createLogger } from '../log';
import { openRedis } from '../redis';
import { freshDb, type Engine, type TestDb } from './databases';

export interface TestServer {
  url: string;
  plusone: PlusOneApp;
  testDb: TestDb;
  /** Signs in and returns a client bound to that session. */
  as(email: string, password?: string): Promise<ApiClient>;
  anonymous(): ApiClient;
  close(): Promise<void>;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface ApiClient {
  cookie: string | null;
  get<T = any>(path: string): Promise<ApiResponse<T>>;
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  pull<T = any>(collection: string, checkpoint: unknown, batchSize?: number): Promise<ApiResponse<T>>;
  push<T = any>(collection: string, rows: unknown[]): Promise<ApiResponse<T>>;
  socket(): Promise<Socket<ServerToClientEvents, ClientToServerEvents>>;
}

/** `sharing`: a second server process on the first one's database (already seeded; dropped by the first one's close). */
export async function startTestServer({ engine, demo = true, env = {}, sharing }: { engine?: Engine; demo?: boolean; env?: Record<string, string>; sharing?: TestServer } = {}): Promise<TestServer> {
  // Delivery workers and rate limits only where a test asks for them (they move statuses on their own; limits refuse).
  const config = loadConfig({ LOG_LEVEL: 'silent', STATIC_DIR: '/nonexistent', METRICS_COALESCE_MS: '20', METRICS_EVERYONE_MS: '200', DELIVERY_WORKERS: '0', TEST_RATE_LIMITS: 'off', MONITOR_INTERVAL_S: '0', ...env });
  const testDb = sharing?.testDb ?? (await freshDb(engine));
  const redis = config.REDIS_URL ? await openRedis(config.REDIS_URL) : undefined;
  const plusone = createApp({ config, db: testDb.db, log: createLogger('silent'), redis });
  let port: number;
  try {
    if (demo && !sharing) await seedDemo(testDb.db, { scale: 0.1 });
    port = await plusone.listen(0, '127.0.0.1');
  } catch (err) {
    // A failed start must not leave its database behind on the shared PostgreSQL.
    await plusone.close();
    await redis?.quit();
    if (!sharing) await testDb.drop();
    throw err;
  }
  const url = `http://127.0.0.1:${port}`;
  const sockets: Socket[] = [];

  const client = (cookie: string | null): ApiClient => {
    const request = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(url + path, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(cookie ? { cookie } : {}),
          // What the PWA sends on every call that changes something (server/http/security.ts).
          ...(method !== 'GET' ? { [CSRF_HEADER]: CSRF_VALUE } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed as any, headers: res.headers };
    };
    const sync = { [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) };
    return {
      cookie,
      get: (path) => request('GET', path),
      post: (path, body, headers) => request('POST', path, body ?? {}, headers),
      pull: (collection, checkpoint, batchSize = 100) =>
        request('POST', `/api/sync/${collection}/pull`, { checkpoint, batchSize }, sync),
      push: (collection, rows) => request('POST', `/api/sync/${collection}/push`, { rows }, sync),
      socket: () =>
        new Promise((resolve, reject) => {
          const s = connect(url, { transports: ['websocket'], extraHeaders: cookie ? { cookie } : {}, reconnection: false });
          sockets.push(s);
          s.once('connect', () => resolve(s));
          s.once('connect_error', reject);
        }),
    };
  };

  return {
    url,
    plusone,
    testDb,
    anonymous: () => client(null),
    async as(email, password = DEMO_PASSWORD) {
      const res = await client(null).post('/api/auth/login', { email, password });
      if (res.status !== 200) throw new Error(`sign-in as ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
      const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
      return client(cookie);
    },
    async close() {
      for (const s of sockets) s.close();
      await plusone.close();
      await redis?.quit();
      if (!sharing) await testDb.drop();
    },
  };
}

/** A new invitation as a client would write it. */
export function newInvitation(inviterId: string, overrides: Partial<InvitationInput> = {}): InvitationInput {
  return {
    id: uuidv7(),
    inviterId,
    recipientEmail: `guest.${Math.random().toString(36).slice(2, 10)}@example.com`,
    recipientName: 'A Guest',
    relationship: 'past_client',
    channel: 'email',
    status: 'queued',
    message: '',
    capturedAt: new Date().toISOString(),
    deviceId: 'test-device',
    writeId: uuidv7(),
    recipientPhone: null,
    variant: 'control',
    inviteCode: newInviteCode((n) => randomBytes(n)),
    shortCode: newShortCode((n) => randomBytes(n)),
    ...overrides,
  };
}

/**
 * Bad input, everywhere (issue 8 point 11). One real server over the demo data, a session per
 * role; for every route of shared/access.ts and each caller it allows (and anonymous), fast-check
 * throws generated and mutated requests (requests.ts): arbitrary and malformed JSON, mutations of
 * a valid body, wrong content types, bad queries and path parameters. Each must be refused with
 * a 4xx and `{ error: { code, message } }` (never a 2xx to garbage, never a 5xx), and after each
 * route's batch the server still answers /healthz and the database is as it was (every table's
 * row count and checksum, dbState.ts). Then the sockets: handshakes without a session,
 * signed-in sockets emitting anything, raw frames.
 *
 * Budget and seed from the environment: FUZZ_RUNS generated runs per property (default 100,
 * about half a minute on a 2-core machine; fixed cases run before them), FUZZ_SEED to replay
 * (a failure prints fast-check's seed and path; the last line says how many inputs were tried):
 *   FUZZ_SEED=123 FUZZ_RUNS=2000 npx vitest run server/fuzz
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessTable, type AccessRow, type Who } from '../../shared/access';
import { roles } from '../../shared/roles';
import { qualifyRewards } from '../fraud/rewards';
import { apiInput } from '../http/input';
import { nextEvent } from '../test/fixtures';
import { newInvitation, startTestServer, type ApiClient, type TestServer } from '../test/server';
import { differences, readState, type DbState } from './dbState';
import { bodyExamples, queryExamples, requestKey } from './examples';
import { send } from './rawHttp';
import { badRequests, bodySweep, pathSweep, problemWith, querySweep, withCaller, type BadRequest } from './requests';
import { eventArgs, eventName, garbageAuth, garbageCookie, handshake, rawFrame, rawPacket, readUpTo, websocketOf, type ClientSocket } from './sockets';

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`FUZZ_RUNS must be a positive integer, not ${process.env.FUZZ_RUNS}`);
if (!Number.isInteger(SEED)) throw new Error(`FUZZ_SEED must be an integer, not ${process.env.FUZZ_SEED}`);
const budget = { numRuns: RUNS, seed: SEED };

const demoUser: Record<Exclude<Who, 'anonymous'>, string> = {
  supplier: 'ritz@demo.plusone',
  couple: 'couple@demo.plusone',
  coordinator: 'coordinator@demo.plusone',
  owner: 'owner@demo.plusone',
};

let server: TestServer;
const clients = new Map<Who, ApiClient | null>([['anonymous', null]]);
let tried = 0;
const prototypes = () => [Object.prototype, Array.prototype, Function.prototype].map((p) => Object.getOwnPropertyNames(p).sort().join());
let cleanPrototypes: string[];
/** The signed-in socket that emitted garbage events (checked for a real change at the end). */
let garbageSender: ClientSocket | undefined;
/** The database as the last batch left it (each batch's "after" is the next one's "before"). */
let last: DbState;

beforeAll(async () => {
  server = await startTestServer();
  for (const role of roles) clients.set(role, await server.as(demoUser[role]));
  // Rewards the sign-ins above made due are granted now, not by the minute's job mid-batch.
  await qualifyRewards(server.testDb.db, new Date());
  // Snapshot recomputes rewrite derived tables on their own schedule (every 5 minutes,
  // viral/jobs.ts): held while the fuzz runs, so a long run compares like with like.
  server.plusone.metrics.markDirty = () => {};
  cleanPrototypes = prototypes();
  last = await readState(server.testDb.db);
});

afterAll(async () => {
  console.info(`fuzz: ${tried} inputs tried (FUZZ_RUNS=${RUNS}, FUZZ_SEED=${SEED})`);
  await server?.close();
});

/** Runs `batch`, then checks the server still answers and nothing was written or polluted. */
async function unchanged(batch: () => Promise<void>): Promise<void> {
  let failed: { err: unknown } | null = null;
  await batch().catch((err: unknown) => (failed = { err }));
  // Read even after a failed batch: what it wrote is its own failure, not the next batch's.
  const [before, after] = [last, await readState(server.testDb.db)];
  last = after;
  if (failed) throw (failed as { err: unknown }).err;
  expect(differences(before, after), 'tables changed by refused input').toEqual([]);
  expect((await send(server.url, { method: 'GET', path: '/healthz' })).status).toBe(200);
  expect(prototypes(), 'built-in prototypes gained properties').toEqual(cleanPrototypes);
}

const callersOf = (row: AccessRow): Who[] => {
  const allowed = row.who.filter((w) => w !== 'anonymous');
  // A route nobody may call still gets a signed-in caller, to reach its own refusal.
  return ['anonymous', ...(allowed.length ? allowed : (['supplier'] as const))];
};

const clip = (s: string | Buffer | undefined, n = 300) => (s === undefined ? '' : String(s).length > n ? `${String(s).slice(0, n)}… (${String(s).length} chars)` : String(s));

describe('what the fuzz knows of the routes', () => {
  it('each route listed as taking a query or a body is a route of the access table, with a valid example its schema accepts', () => {
    const routes = new Set(accessTable.map((r) => r.route));
    expect([...apiInput.query, ...apiInput.body].filter((r) => !routes.has(r))).toEqual([]);
    const bodyRows = accessTable.filter((r) => (apiInput.body as readonly string[]).includes(r.route)).map(requestKey);
    expect(Object.keys(bodyExamples).sort()).toEqual([...bodyRows].sort());
    for (const [key, { schema, body }] of Object.entries(bodyExamples)) expect(schema.safeParse(body).error?.issues, key).toBeUndefined();
    expect(Object.keys(queryExamples).filter((r) => r.startsWith('GET /api/')).sort()).toEqual([...apiInput.query].sort());
  });
});

describe('the strict edge, by example (http/input.ts, http/errors.ts)', () => {
  const owner = () => clients.get('owner')!.cookie!;
  const call = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    send(server.url, { method, path, headers: { cookie: owner(), 'x-plusone-csrf': '1', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, body });
  const error = async (...args: Parameters<typeof call>) => {
    const answer = await call(...args);
    return [answer.status, (answer.json as { error?: unknown }).error];
  };

  it('a query or a body sent to a route that takes none is refused, naming the route; an empty query or {} is no input', async () => {
    expect(await error('GET', '/api/auth/me?debug=1')).toEqual([400, { code: 'INVALID_INPUT', message: 'GET /api/auth/me takes no query parameters' }]);
    expect(await error('POST', '/api/privacy/runs', '{"now":true}')).toEqual([400, { code: 'INVALID_INPUT', message: 'POST /api/privacy/runs takes no request body' }]);
    expect(await error('POST', '/api/privacy/runs', 'now', { 'content-type': 'text/plain' })).toEqual([400, { code: 'INVALID_INPUT', message: 'POST /api/privacy/runs takes no request body' }]);
    expect((await call('GET', '/api/auth/me?')).status).toBe(200);
    expect((await call('GET', '/api/schemas', '{}')).status).toBe(200);
    // A route that takes a query still refuses a key it does not know (its own strict schema).
    expect(await error('GET', '/api/viral/coefficient?windowDays=30&debug=1')).toEqual([400, expect.objectContaining({ code: 'INVALID_INPUT' })]);
  });

  it('text holding NUL is refused anywhere: path, query or body', async () => {
    const nul = [400, { code: 'INVALID_INPUT', message: 'text may not contain the NUL character (U+0000)' }];
    expect(await error('GET', '/api/segments/a%00b/members')).toEqual(nul);
    expect(await error('GET', '/api/viral/k?dim=channel&val=a%00')).toEqual(nul);
    expect(await error('POST', '/api/segments', JSON.stringify({ name: 'x\u0000', rule: { combinator: 'and', conditions: [{ field: 'tier', operator: 'exists', value: null }] } }))).toEqual(nul);
  });

  it("the body parser's and the router's refusals are INVALID_INPUT in plain words", async () => {
    const invalid = (message: string) => [400, { code: 'INVALID_INPUT', message }];
    expect(await error('POST', '/api/auth/login', '{"email":')).toEqual(invalid('request body is not valid JSON'));
    expect(await error('POST', '/api/auth/login', '{}', { 'content-type': 'application/json; charset=latin1' })).toEqual(invalid('request body is in a charset this server does not read (send UTF-8)'));
    expect(await error('POST', '/api/auth/login', '{}', { 'content-encoding': 'bogus' })).toEqual(invalid('request body is in a content encoding this server does not read'));
    expect(await error('GET', '/api/segments/%E0%A4%A/members')).toEqual(invalid('the path is not valid percent-encoding'));
  });
});

describe('garbage at every route of the access table: a 4xx with an error code, nothing written', () => {
  for (const row of accessTable) {
    it(requestKey(row), async () => {
      await unchanged(async () => {
        // Nine times in ten with the headers a real client sends, so the garbage reaches the route's own parsing.
        const mostly = fc.nat(9).map((n) => n > 0);
        const property = fc.asyncProperty(badRequests(row), fc.constantFrom(...callersOf(row)), mostly, mostly, async (bad, who, csrf, protocol) => {
          const req = withCaller(row, bad, clients.get(who)?.cookie ?? null, { csrf, protocol });
          tried++;
          const answer = await send(server.url, req);
          const problem = problemWith(row, req, answer);
          if (problem) throw new Error(`${problem} for ${bad.how} as ${who}: ${req.method} ${clip(req.path)} body ${clip(req.body)} → ${clip(answer.text)}`);
        });
        // Fixed cases first (each nasty path segment, fixed mutations of the body, query edges), as the route's most privileged caller.
        const sweep = [...pathSweep(row), ...bodySweep(row), ...querySweep(row)].map((bad): [BadRequest, Who, boolean, boolean] => [bad, callersOf(row).at(-1)!, true, true]);
        // fast-check counts examples in numRuns: FUZZ_RUNS generated ones come after them.
        await fc.assert(property, { ...budget, numRuns: RUNS + sweep.length, examples: sweep });
      });
    });
  }
});

describe('sockets: garbage handshakes and events', () => {
  it('a handshake without a valid session is refused with UNAUTHENTICATED, whatever the cookie and auth', async () => {
    await unchanged(async () => {
      await fc.assert(
        fc.asyncProperty(garbageCookie, garbageAuth, fc.constantFrom('websocket' as const, 'polling' as const), async (cookie, auth, transport) => {
          tried++;
          expect(await handshake(server.url, cookie, auth, transport)).toEqual({ refused: true, message: 'UNAUTHENTICATED' });
        }),
        budget,
      );
    });
  });

  it("a signed-in socket's events of any name and payload are ignored: nothing written, the socket still open", async () => {
    const socket = (await clients.get('supplier')!.socket()) as ClientSocket;
    await unchanged(async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(eventName, eventArgs), { minLength: 1, maxLength: 5 }), async (events) => {
          const read = readUpTo(server.plusone.live.io, socket, 'fuzz:marker');
          for (const [name, args] of events) socket.emit(name, ...args);
          tried += events.length;
          socket.emit('fuzz:marker');
          expect(await read).toBe('read');
        }),
        budget,
      );
    });
    expect(socket.connected).toBe(true);
    garbageSender = socket;
  });

  it('raw packets and frames outside the protocol close at most that socket; the server goes on and delivers changes', async () => {
    await unchanged(async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.oneof(rawPacket.map((p) => ({ packet: p })), rawFrame.map((f) => ({ frame: f }))), { minLength: 1, maxLength: 4 }), async (sent) => {
          const socket = (await clients.get('couple')!.socket()) as ClientSocket;
          const done = readUpTo(server.plusone.live.io, socket, 'fuzz:marker');
          for (const s of sent) {
            if ('packet' in s) socket.io.engine.send(s.packet);
            else websocketOf(socket).send(s.frame);
          }
          tried += sent.length;
          socket.emit('fuzz:marker');
          expect(['read', 'closed']).toContain(await done);
          socket.close();
        }),
        budget,
      );
    });
  });

  // Last: it writes (and the counters it moves are compacted on a schedule).
  it('after all of it a real change still reaches the socket that sent garbage events, and a new one', async () => {
    const fresh = (await clients.get('supplier')!.socket()) as ClientSocket;
    const invitation = newInvitation('u-ritz');
    const seen = (socket: ClientSocket) => nextEvent(socket, 'invitation:changed', (e) => e.documents.some((d) => d.id === invitation.id));
    const live = [seen(garbageSender!), seen(fresh)];
    expect((await clients.get('supplier')!.push('invitations', [{ newDocumentState: invitation }])).status).toBe(200);
    await Promise.all(live);
  });
});

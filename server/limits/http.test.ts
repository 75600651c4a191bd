/**
 * Rate limits over real HTTP (SPEC LIM1, LIM2): analytics reads 60 a minute per user, exports 1
 * an hour; a refusal is 429 RATE_LIMITED with Retry-After, and every limited answer carries the
 * IETF RateLimit and RateLimit-Policy fields; the push answers 200 with per-row refusals.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/errors';
import { parseRateLimitField } from '../../shared/limits';
import { loadConfig } from '../config';
import { addUser, TEST_PASSWORD } from '../test/fixtures';
import { newInvitation, startTestServer, type ApiClient, type ApiResponse, type TestServer } from '../test/server';

/** The two fields of an answer, read as the draft defines them (throws if they do not parse). */
function fields(res: ApiResponse) {
  const read = (name: string) => Object.fromEntries(parseRateLimitField(res.headers.get(name) ?? '').map((i) => [i.name, i.params]));
  return { policy: read('RateLimit-Policy'), limit: read('RateLimit') };
}

async function supplierOn(server: TestServer): Promise<{ id: string; client: ApiClient }> {
  const id = `lim-${randomUUID()}`;
  await addUser(server.testDb.db, { id, email: `${id}@example.com`, role: 'supplier' });
  return { id, client: await server.as(`${id}@example.com`, TEST_PASSWORD) };
}

describe('rate limits over HTTP', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { TEST_RATE_LIMITS: 'on' } });
  });
  afterAll(() => server.close());

  it('LIM2: the 61st analytics read within a minute is 429 with Retry-After; every answer carries RateLimit and RateLimit-Policy', async () => {
    const reader = await server.as('coordinator@demo.plusone');
    const answers: ApiResponse[] = [];
    for (let i = 0; i < 61; i++) answers.push(await reader.get(i % 2 ? '/api/viral/coefficient' : '/api/viral/k?windowDays=7'));
    expect(answers.slice(0, 60).map((a) => a.status)).toEqual(Array(60).fill(200));
    expect(fields(answers[0]!)).toEqual({ policy: { minute: { q: 60, w: 60 }, hour: { q: 500, w: 3600 } }, limit: { minute: { r: 59, t: expect.any(Number) }, hour: { r: 499, t: expect.any(Number) } } });
    expect(fields(answers[59]!).limit.minute!.r).toBe(0);

    const refused = answers[60]!;
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe(ErrorCode.RATE_LIMITED);
    expect(refused.body.error.message).toContain('60 analytics reads a minute');
    const retryAfter = Number(refused.headers.get('Retry-After'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    const { policy, limit } = fields(refused);
    expect(policy.minute).toEqual({ q: 60, w: 60 });
    expect(limit.minute).toEqual({ r: 0, t: retryAfter });
    // The refused read spent nothing of the hour.
    expect(limit.hour!.r).toBe(440);

    // Per user: someone else still reads, and the owner's segment reads count as analytics too.
    const owner = await server.as('owner@demo.plusone');
    const segments = await owner.get('/api/segments');
    expect(segments.status).toBe(200);
    expect(fields(segments).limit.minute!.r).toBe(59);
    // Writes are not reads: creating a segment carries no limit.
    expect((await owner.post('/api/segments', { name: 'x', rule: {} })).headers.get('RateLimit')).toBeNull();
  });

  it('LIM2: exports go 1 an hour per user, a segment export counting with the others; the 2nd is 429', async () => {
    const owner = await server.as('owner@demo.plusone');
    const first = await owner.get('/api/export/invitations?format=json');
    expect(first.status).toBe(200);
    expect(fields(first)).toEqual({ policy: { hour: { q: 1, w: 3600 }, day: { q: 5, w: 86400 } }, limit: { hour: { r: 0, t: 3600 }, day: { r: 4, t: 86400 } } });
    const second = await owner.get('/api/segments/super-connectors/export?format=csv');
    expect(second.status).toBe(429);
    expect(second.body.error.code).toBe(ErrorCode.RATE_LIMITED);
    expect(Number(second.headers.get('Retry-After'))).toBeGreaterThan(3500);
    expect(fields(second).limit).toMatchObject({ hour: { r: 0 }, day: { r: 4 } });
  });

  it("LIM1: the push answers 200 with the 11th of a regular supplier's invitations refused, and the first 10 written", async () => {
    const { id, client } = await supplierOn(server);
    const rows = Array.from({ length: 11 }, () => ({ newDocumentState: newInvitation(id), assumedMasterState: null }));
    const res = await client.push('invitations', rows);
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { outcome: string }) => r.outcome)).toEqual([...Array(10).fill('applied'), 'refused']);
    const refused = res.body.results[10];
    expect(refused.error.code).toBe(ErrorCode.RATE_LIMITED);
    expect(new Date(refused.error.retryAt).getTime() - Date.now()).toBeGreaterThan(3_500_000);
  });
});

describe('rate limits lifted for suites about something else (TEST_RATE_LIMITS=off)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ demo: false });
  });
  afterAll(() => server.close());

  it('no refusal and no RateLimit fields', async () => {
    const { id, client } = await supplierOn(server);
    const rows = Array.from({ length: 11 }, () => ({ newDocumentState: newInvitation(id), assumedMasterState: null }));
    expect((await client.push('invitations', rows)).body.results.every((r: { outcome: string }) => r.outcome === 'applied')).toBe(true);
    expect((await client.get('/api/viral/coefficient')).headers.get('RateLimit')).toBeNull();
  });

  it('limits are on by default and cannot be lifted in production', () => {
    expect(loadConfig({}).TEST_RATE_LIMITS).toBe('on');
    expect(() => loadConfig({ NODE_ENV: 'production', TEST_RATE_LIMITS: 'off' })).toThrow(/TEST_RATE_LIMITS/);
  });
});

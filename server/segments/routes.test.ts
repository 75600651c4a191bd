/**
 * /api/segments over real HTTP: the owner lists segments, writes a custom rule and gets its
 * members at once, exports them as CSV and JSON, and is told in words why a bad rule is refused;
 * built-ins cannot be deleted; nobody else gets in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db';
import { TEST_PASSWORD } from '../test/fixtures';
import { startTestServer, type ApiClient, type TestServer } from '../test/server';
import { exportColumns } from './export';
import { refreshSegments } from './service';
import { booking, daysAgo, invite, person, referredBy, segmentEvents } from './segmentsFixtures';

let server: TestServer;
let db: Db;
let owner: ApiClient;
const now = new Date();

beforeAll(async () => {
  // No demo data: the people are made here, so each segment's members are known.
  server = await startTestServer({ demo: false });
  db = server.testDb.db;
  for (const role of ['owner', 'supplier', 'coordinator', 'couple'] as const) await person(db, `u-${role}`, role);
  owner = await server.as('u-owner@segments.test', TEST_PASSWORD);
  // Two "big referrers" (referred revenue ≥ $1,000), one below.
  for (const [id, dollars] of [['u-big-1', 1500], ['u-big-2', 1000], ['u-small', 400]] as const) {
    await person(db, id);
    await invite(db, id, now, [{ ageDays: 2 }]);
    const couple = await person(db, `${id}-couple`, 'couple');
    await referredBy(db, couple, id, daysAgo(now, 10));
    await booking(db, couple, dollars, daysAgo(now, 5));
  }
  await person(db, 'u-formula', 'supplier');
  await db.query(`UPDATE users SET name = '=HYPERLINK("http://evil")' WHERE id = 'u-formula'`);
  await refreshSegments(db, now);
});
afterAll(() => server?.close());

/** RFC 4180 records as objects keyed by the header row (quoted cells may hold commas, quotes, newlines). */
function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\n') row.push(cell), records.push(row), (row = []), (cell = '');
    else cell += ch;
  }
  if (cell !== '' || row.length > 0) row.push(cell), records.push(row);
  const [header = [], ...body] = records;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

const del = async (client: ApiClient | null, path: string) => {
  const res = await fetch(server.url + path, { method: 'DELETE', headers: { 'x-plusone-csrf': '1', ...(client?.cookie ? { cookie: client.cookie } : {}) } });
  return { status: res.status, body: await res.json() };
};

const bigReferrers = {
  name: 'Big Referrers',
  rule: {
    combinator: 'and',
    conditions: [
      { field: 'referredRevenue', operator: 'gte', value: 1000 },
      { field: 'role', operator: 'eq', value: 'supplier' },
    ],
  },
};

describe('GET /api/segments', () => {
  it('lists the four built-ins with their member counts and rules', async () => {
    const res = await owner.get('/api/segments');
    expect(res.status).toBe(200);
    expect(res.body.segments.slice(0, 4).map((s: { name: string }) => s.name)).toEqual([
      'Super-Connectors',
      'High Viral Activity',
      'Dormant Inviters',
      'Newly Referred',
    ]);
    const [row] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM segment_members WHERE segment_id = 'newly-referred'");
    expect(res.body.segments[3]).toMatchObject({ id: 'newly-referred', builtIn: true, members: row!.n, rule: { combinator: 'and' } });
  });

  it('is the owner’s only: 401 without a session, 403 FORBIDDEN for everyone else', async () => {
    expect((await server.anonymous().get('/api/segments')).status).toBe(401);
    for (const role of ['supplier', 'coordinator', 'couple']) {
      const email = `u-${role}@segments.test`;
      const client = await server.as(email, TEST_PASSWORD);
      for (const res of [
        await client.get('/api/segments'),
        await client.post('/api/segments', bigReferrers),
        await client.get('/api/segments/super-connectors/members'),
        await client.get('/api/segments/super-connectors/export?format=csv'),
        await del(client, '/api/segments/super-connectors'),
      ]) {
        expect([res.status, res.body.error?.code], email).toEqual([403, 'FORBIDDEN']);
      }
    }
  });
});

describe('a custom segment', () => {
  let id: string;

  it('is created from a rule and has its members at once, each with one segment.joined event', async () => {
    const res = await owner.post('/api/segments', bigReferrers);
    expect(res.status).toBe(201);
    id = res.body.segment.id;
    expect(id).toMatch(/^big-referrers-[a-z0-9]+$/);
    expect(res.body.segment).toMatchObject({ name: 'Big Referrers', builtIn: false, members: 2, rule: bigReferrers.rule });

    const members = await owner.get(`/api/segments/${id}/members`);
    expect(members.status).toBe(200);
    expect(members.body.members.map((m: { userId: string }) => m.userId)).toEqual(['u-big-1', 'u-big-2']);
    expect(members.body.members[0]).toMatchObject({ email: 'u-big-1@segments.test', role: 'supplier', referredRevenue: 1500, invitations30d: 1 });
    expect((await segmentEvents(db, 'u-big-2')).filter((e) => e.segmentId === id).map((e) => e.type)).toEqual(['segment.joined']);
    expect((await owner.get('/api/segments')).body.segments.map((s: { id: string }) => s.id)).toContain(id);
  });

  it('exports its members as CSV, one row each with the profile columns, as an attachment', async () => {
    const res = await fetch(`${server.url}/api/segments/${id}/export?format=csv`, { headers: { cookie: owner.cookie! } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="?${id}-\\d{4}-\\d\\d-\\d\\d\\.csv"?$`));
    const rows: Record<string, string>[] = parseCsv(await res.text());
    expect(rows.map((r) => r.userId)).toEqual(['u-big-1', 'u-big-2']);
    expect(Object.keys(rows[0]!)).toEqual([...exportColumns]);
    expect(rows[1]).toMatchObject({ email: 'u-big-2@segments.test', referredRevenue: '1000', tier: '', daysSinceReferred: '' });
  });

  it('exports as JSON with the segment and the same people', async () => {
    const res = await owner.get(`/api/segments/${id}/export?format=json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?.+\.json"?$/);
    expect(res.body.segment).toEqual({ id, name: 'Big Referrers', builtIn: false, rule: bigReferrers.rule });
    expect(res.body.members.map((m: { userId: string }) => m.userId)).toEqual(['u-big-1', 'u-big-2']);
    expect(Date.parse(res.body.exportedAt)).not.toBeNaN();
    expect((await owner.get(`/api/segments/${id}/export?format=xml`)).body.error.code).toBe('INVALID_INPUT');
  });

  it('a cell that a spreadsheet would run as a formula is escaped in the CSV', async () => {
    const created = await owner.post('/api/segments', {
      name: 'Quiet suppliers',
      rule: { combinator: 'and', conditions: [{ field: 'daysSinceLastInvitation', operator: 'missing', value: null }, { field: 'role', operator: 'in', value: ['supplier'] }] },
    });
    expect(created.status).toBe(201);
    const csv = (await owner.get(`/api/segments/${created.body.segment.id}/export?format=csv`)).body as string;
    const row = parseCsv(csv).find((r) => r.userId === 'u-formula')!;
    expect(row.name!.startsWith('=')).toBe(false);
    expect(row.name).toContain('HYPERLINK');
  });

  it('is deleted by the owner: its members leave it (one event each) and it is gone', async () => {
    const res = await del(owner, `/api/segments/${id}`);
    expect(res).toEqual({ status: 200, body: { deleted: id, left: 2 } });
    expect((await segmentEvents(db, 'u-big-1')).filter((e) => e.segmentId === id).map((e) => e.type)).toEqual(['segment.joined', 'segment.left']);
    expect((await owner.get(`/api/segments/${id}/members`)).status).toBe(404);
    expect((await del(owner, `/api/segments/${id}`)).body.error.code).toBe('NOT_FOUND');
    expect(await refreshSegments(db, now)).toEqual({ changed: 0 });
  });
});

describe('refusals', () => {
  const refused = async (body: unknown) => {
    const res = await owner.post('/api/segments', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_INPUT');
    return res.body.error.message as string;
  };
  const one = (field: string, operator: string, value: unknown) => ({ name: 'Bad one', rule: { combinator: 'and', conditions: [{ field, operator, value }] } });

  it('a rule that cannot mean anything is refused with a message that names the problem', async () => {
    expect(await refused(one('connections', 'gt', 'many'))).toMatch(/connections needs a number for gt/);
    expect(await refused(one('role', 'gt', 3))).toMatch(/role is text, so gt cannot compare it/);
    expect(await refused(one('tier', 'eq', 'diamond'))).toMatch(/tier must be one of .*\(got diamond\)/);
    expect(await refused(one('shoeSize', 'eq', 3))).toMatch(/^rule\.conditions\.0\.field/);
    expect(await refused({ name: 'Empty', rule: { combinator: 'and', conditions: [] } })).toMatch(/^rule\.conditions/);
    expect(await refused({ name: 'Xor', rule: { ...bigReferrers.rule, combinator: 'xor' } })).toMatch(/^rule\.combinator/);
    expect(await refused({ rule: bigReferrers.rule })).toMatch(/^name/);
    expect(await refused({ ...bigReferrers, extra: true })).toMatch(/extra/);
  });

  it('a name already taken (a built-in’s too, in any case) is refused', async () => {
    expect(await refused({ ...bigReferrers, name: 'super-connectors' })).toMatch(/already exists/);
    expect(await refused({ ...bigReferrers, name: 'Newly referred' })).toMatch(/a segment named "Newly referred" already exists/);
    expect((await owner.post('/api/segments', { ...bigReferrers, name: 'Twice' })).status).toBe(201);
    expect(await refused({ ...bigReferrers, name: 'TWICE' })).toMatch(/already exists/);
  });

  it('a built-in segment cannot be deleted', async () => {
    const res = await del(owner, '/api/segments/super-connectors');
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'INVALID_INPUT', message: 'Super-Connectors is a built-in segment and cannot be deleted' });
    expect((await owner.get('/api/segments/nope/members')).status).toBe(404);
  });
});

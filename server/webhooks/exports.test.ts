/**
 * Exports and published schemas over real HTTP, on data made here so each privacy rule has a
 * case: a day with 2 inviters (and its complement), a segment of 3, a referral chain of 5, a
 * delivery failure whose reason quotes the recipient's address.
 * Exports are streamed (chunked, in batches of EXPORT_BATCH rows); every JSON row and every
 * stored snapshot validates against its published JSON Schema.
 */
import Ajv2020 from 'ajv/dist/2020';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedSchemas } from '../../shared/integrations/catalog';
import { exportRows } from '../../shared/integrations/exports';
import { webhookEventTypes } from '../../shared/integrations/webhooks';
import { invite, person, referredBy, daysAgo } from '../segments/segmentsFixtures';
import { recordEvent } from '../sync/events';
import { TEST_PASSWORD } from '../test/fixtures';
import { startTestServer, type ApiClient, type TestServer } from '../test/server';
import { EXPORT_BATCH } from './exports';

let server: TestServer;
let owner: ApiClient;
const now = new Date();
/** A fresh validator each time (Ajv refuses a second schema with the same $id). */
const compile = (schema: object) => new Ajv2020({ strict: false, validateFormats: false }).compile(schema);

async function download(path: string) {
  const res = await fetch(server.url + path, { headers: { cookie: owner.cookie! } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function schemaOf(name: string) {
  const res = await fetch(`${server.url}/api/schemas/${name}`);
  expect(res.status, name).toBe(200);
  return compile(await res.json());
}

beforeAll(async () => {
  server = await startTestServer({ demo: false, env: { WEBHOOK_WORKERS: '0', DELIVERY_WORKERS: '0' } });
  const db = server.testDb.db;
  await person(db, 'u-owner', 'owner');
  owner = await server.as('u-owner@segments.test', TEST_PASSWORD);
  // Inviters by day: 6 ten days ago, 2 twenty days ago, 7 thirty days ago (one of them with many).
  for (const [day, n] of [[10, 6], [20, 2], [30, 7]] as const) {
    for (let i = 0; i < n; i++) {
      const id = await person(db, `u-d${day}-${i}`);
      await invite(db, id, now, Array.from({ length: day === 30 && i === 0 ? EXPORT_BATCH + 50 : 1 }, () => ({ ageDays: day })));
    }
  }
  // A chain of five: each referred by the one before.
  for (let i = 1; i <= 5; i++) {
    await person(db, `u-chain-${i}`, 'couple');
    if (i > 1) await referredBy(db, `u-chain-${i}`, `u-chain-${i - 1}`, daysAgo(now, 6 - i));
  }
  for (const [name, condition] of [
    ['Couples', { field: 'role', operator: 'eq', value: 'couple' }],
    ['Deep referrals', { field: 'referralDepth', operator: 'gte', value: 2 }],
  ] as const) {
    expect((await owner.post('/api/segments', { name, rule: { combinator: 'and', conditions: [condition] } })).status).toBe(201);
  }
  await server.plusone.metrics.refresh();
});
afterAll(() => server?.close());

describe('exports', () => {
  it('invitations stream as CSV in batches, with no recipient details', async () => {
    const res = await download('/api/export/invitations');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?plusone-invitations-\d{4}-\d\d-\d\d\.csv"?$/);
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const [header, ...lines] = res.text.trimEnd().split('\n');
    expect(header).toBe(Object.keys(exportRows.invitations.shape).join(','));
    expect(lines.length).toBe(EXPORT_BATCH + 50 + 6 + 2 + 6);
    expect(res.text).not.toMatch(/@example\.com|A Guest/);
  });

  it('events stream as JSON whose rows match the published row schema; a type filter applies', async () => {
    const res = await download('/api/export/events?format=json&type=segment.joined');
    const body = JSON.parse(res.text);
    expect(body).toMatchObject({ dataset: 'events', schema: 'urn:plusone:schema:export.events:v1' });
    expect(body.rows.length).toBeGreaterThan(0);
    expect(body.rows.every((r: { type: string }) => r.type === 'segment.joined')).toBe(true);
    const validate = await schemaOf('export.events');
    for (const row of body.rows) expect(validate(row), JSON.stringify(validate.errors)).toBe(true);
  });

  it('events carry only the data keys their type allows, with addresses and numbers scrubbed from a provider’s reason', async () => {
    const db = server.testDb.db;
    const address = 'bella.rossi@guests.example';
    const reason = `550 5.1.1 <${address}>: Recipient address rejected; also tried +44 7911 123456`;
    const base = { actorId: null, invitationId: null, inviterId: 'u-d10-0', orgId: null, capturedAt: now, countedAt: now, timeSource: 'server' as const };
    const failed = await recordEvent(db, { ...base, type: 'invitation.delivery_failed', data: { channel: 'email', deliveryId: 'd-1', attempts: 8, reason, to: address } });
    const conflict = await recordEvent(db, {
      ...base, type: 'sync.conflict_resolved', data: { rule: 'status-lattice', client: { recipientEmail: address }, server: { recipientPhone: '+447911123456' } },
    });
    // The oracle: the database still holds the details, so their absence below is the export's doing.
    const [stored] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM viral_events WHERE id = ANY($1::uuid[]) AND data::text LIKE '%' || $2 || '%'`, [[failed.id, conflict.id], address]);
    expect(stored!.n).toBe(2);

    const json = await download('/api/export/events?format=json');
    expect(json.text).not.toContain(address);
    expect(json.text).not.toMatch(/7911 ?123 ?456/);
    const rows = JSON.parse(json.text).rows as { id: string; data: Record<string, unknown> }[];
    expect(rows.find((r) => r.id === failed.id)!.data).toEqual({
      channel: 'email', deliveryId: 'd-1', attempts: 8, reason: '550 5.1.1 <[email]>: Recipient address rejected; also tried [phone]',
    });
    expect(rows.find((r) => r.id === conflict.id)!.data).toEqual({ rule: 'status-lattice' });
    const validate = await schemaOf('export.events');
    for (const row of rows) expect(validate(row), JSON.stringify(validate.errors)).toBe(true);
    const csv = await download('/api/export/events?type=invitation.delivery_failed');
    expect(csv.text).toContain('[email]');
    expect(csv.text).not.toContain(address);
  });

  it('K by day hides a day with fewer than 5 inviters, and its complement, so neither can be worked out', async () => {
    const body = JSON.parse((await download('/api/export/k-by-day?format=json')).text);
    const day = (ago: number) => body.rows.find((r: { day: string }) => r.day === daysAgo(now, ago).toISOString().slice(0, 10));
    expect(day(20)).toMatchObject({ inviters: null, invited: null, accepted: null, k: null, suppressed: true });
    expect(day(10)).toMatchObject({ inviters: null, suppressed: true });
    expect(day(30)).toMatchObject({ inviters: 7, invited: EXPORT_BATCH + 50 + 6, accepted: 0, k: 0, suppressed: false });
    const validate = await schemaOf('export.k-by-day.v1');
    for (const row of body.rows) expect(validate(row), JSON.stringify(validate.errors)).toBe(true);
  });

  it('segments: a segment of fewer than 5 people has its counts suppressed', async () => {
    const csv = (await download('/api/export/segments')).text;
    expect(csv.split('\n')[0]).toBe(Object.keys(exportRows.segments.shape).join(','));
    const body = JSON.parse((await download('/api/export/segments?format=json')).text);
    const named = (name: string) => body.rows.find((r: { name: string }) => r.name === name);
    expect(named('Couples')).toMatchObject({ members: 5, joinedLast30Days: 5, leftLast30Days: null, suppressed: false });
    expect(named('Deep referrals')).toMatchObject({ members: null, joinedLast30Days: null, suppressed: true });
    expect(await server.testDb.db.query("SELECT count(*)::int AS n FROM segment_members m JOIN segments s ON s.id = m.segment_id WHERE s.name = 'Deep referrals'")).toEqual([{ n: 3 }]);
  });

  it('referrals show at most 3 referrers up a chain, and say when it goes deeper', async () => {
    const body = JSON.parse((await download('/api/export/referrals?format=json')).text);
    const row = (id: string) => body.rows.find((r: { userId: string }) => r.userId === id);
    expect(row('u-chain-5')).toMatchObject({ depth: 3, referrer1: 'u-chain-4', referrer2: 'u-chain-3', referrer3: 'u-chain-2', deeper: true });
    expect(row('u-chain-4')).toMatchObject({ depth: 3, referrer3: 'u-chain-1', deeper: false });
    expect(row('u-chain-2')).toMatchObject({ depth: 1, referrer1: 'u-chain-1', referrer2: null, deeper: false });
    expect(JSON.stringify(body.rows)).not.toMatch(/"u-chain-1"[^}]*"u-chain-5"|referrer4/);
    const validate = await schemaOf('export.referrals');
    for (const r of body.rows) expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
  });

  it('an unknown dataset is 404, a bad format 400', async () => {
    expect((await download('/api/export/passwords')).status).toBe(404);
    expect((await download('/api/export/events?format=xml')).status).toBe(400);
  });
});

describe('published schemas', () => {
  it('the index lists one versioned schema per webhook event, snapshot kind and export, each a valid JSON Schema', async () => {
    const { schemas } = await (await fetch(`${server.url}/api/schemas`)).json();
    expect(schemas.map((s: { name: string }) => s.name)).toEqual(publishedSchemas.map((s) => s.name));
    for (const type of webhookEventTypes) expect(schemas).toContainEqual(expect.objectContaining({ name: type, kind: 'event', version: 1, url: `/api/schemas/${type}.v1` }));
    for (const s of schemas) {
      const doc = await (await fetch(server.url + s.url)).json();
      expect(doc).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', $id: s.id, title: `${s.name} v1`, description: s.description });
      expect(() => compile(doc), s.name).not.toThrow();
    }
    expect((await fetch(`${server.url}/api/schemas/invitation.accepted.v2`)).status).toBe(404);
  });

  it('every snapshot the server stored validates against its snapshot schema', async () => {
    const rows = await server.testDb.db.query<{ id: string; kind: string; doc: { computedAt: string; data: unknown } }>('SELECT id, kind, doc FROM metrics');
    expect(rows.some((r) => r.kind === 'platform') && rows.some((r) => r.kind === 'segments')).toBe(true);
    for (const r of rows) {
      const validate = await schemaOf(`snapshot.${r.kind}`);
      const doc = { id: r.id, kind: r.kind, computedAt: r.doc.computedAt, data: r.doc.data };
      expect(validate(doc), `${r.id}: ${JSON.stringify(validate.errors)}`).toBe(true);
      if (r.kind === 'platform') expect(validate({ ...doc, data: { ...(doc.data as object), k: -1 } })).toBe(false);
    }
  });
});

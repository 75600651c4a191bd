/**
 * The owner's integration routes over real HTTP: only the owner gets in (401 without a session,
 * 403 for anyone else), an endpoint's secret is shown once, bad input is refused naming the field.
 */
import { CSRF_HEADER, CSRF_VALUE } from '../../shared/access';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET_PATTERN, type EndpointView } from '../../shared/integrations/webhooks';
import { addUser, TEST_PASSWORD } from '../test/fixtures';
import { startTestServer, type ApiClient, type TestServer } from '../test/server';

let server: TestServer;
let owner: ApiClient;
let supplier: ApiClient;

beforeAll(async () => {
  server = await startTestServer({ demo: false, env: { WEBHOOK_WORKERS: '0', DELIVERY_WORKERS: '0' } });
  await addUser(server.testDb.db, { id: 'u-owner', email: 'owner@routes.test', role: 'owner' });
  await addUser(server.testDb.db, { id: 'u-sup', email: 'sup@routes.test', role: 'supplier', orgId: 'org-sup' });
  owner = await server.as('owner@routes.test', TEST_PASSWORD);
  supplier = await server.as('sup@routes.test', TEST_PASSWORD);
});
afterAll(() => server?.close());

const request = async (client: ApiClient | null, method: string, path: string, body?: unknown) => {
  const res = await fetch(server.url + path, {
    method,
    headers: {
      ...(client?.cookie ? { cookie: client.cookie } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(method !== 'GET' ? { [CSRF_HEADER]: CSRF_VALUE } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, text, body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null };
};

const hook = { url: 'https://crm.example/hooks/plusone', eventTypes: ['invitation.accepted', 'referral.attributed'] };

describe('who may manage integrations', () => {
  const id = '0190a5a0-0000-7000-8000-000000000000';
  it.each([
    ['GET', '/api/webhooks/endpoints'],
    ['POST', '/api/webhooks/endpoints'],
    ['GET', `/api/webhooks/endpoints/${id}`],
    ['DELETE', `/api/webhooks/endpoints/${id}`],
    ['POST', `/api/webhooks/endpoints/${id}/enable`],
    ['GET', `/api/webhooks/endpoints/${id}/attempts`],
    ['POST', `/api/webhooks/endpoints/${id}/replay`],
    ['GET', '/api/webhooks/notices'],
    ['GET', '/api/marketing/feed'],
    ['GET', '/api/export/events'],
    ['GET', '/api/export/k-by-day?format=json'],
  ])('%s %s: 401 without a session, 403 for a supplier', async (method, path) => {
    // /enable takes no body (one would be refused before anything else).
    const body = method === 'POST' && !path.endsWith('/enable') ? hook : undefined;
    const anonymous = await request(null, method, path, body);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
    const other = await request(supplier, method, path, body);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('FORBIDDEN');
  });

  it('the schemas are public: they describe data, they hold none', async () => {
    expect((await request(null, 'GET', '/api/schemas')).status).toBe(200);
    expect((await request(null, 'GET', '/api/schemas/invitation.accepted')).status).toBe(200);
  });
});

describe('endpoints', () => {
  it('are created with a whsec_ secret shown once: never in a list or a read', async () => {
    const created = await request(owner, 'POST', '/api/webhooks/endpoints', { ...hook, description: 'CRM' });
    expect(created.status).toBe(201);
    const secret = created.body.secret as string;
    expect(secret).toMatch(SECRET_PATTERN);
    const endpoint = created.body.endpoint as EndpointView;
    expect(endpoint).toMatchObject({ url: hook.url, description: 'CRM', eventTypes: hook.eventTypes, segmentIds: null, status: 'active', failingSince: null });
    const list = await request(owner, 'GET', '/api/webhooks/endpoints');
    const one = await request(owner, 'GET', `/api/webhooks/endpoints/${endpoint.id}`);
    expect(list.body.endpoints.map((e: EndpointView) => e.id)).toContain(endpoint.id);
    expect(one.body.endpoint).toEqual(endpoint);
    for (const text of [list.text, one.text]) expect(text).not.toContain(secret.slice(6));
    // Each endpoint has its own secret.
    const second = await request(owner, 'POST', '/api/webhooks/endpoints', hook);
    expect(second.body.secret).not.toBe(secret);
  });

  it.each([
    ['url', { ...hook, url: 'ftp://crm.example/x' }],
    ['url', { ...hook, url: 'not a url' }],
    ['eventTypes', { ...hook, eventTypes: [] }],
    ['eventTypes.0', { ...hook, eventTypes: ['invitation.declined'] }],
    ['body', { ...hook, secret: 'whsec_mine' }],
  ])('bad input is refused naming %s', async (field, body) => {
    const res = await request(owner, 'POST', '/api/webhooks/endpoints', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_INPUT');
    expect(res.body.error.message.startsWith(`${field}: `) || res.body.error.message.includes(field)).toBe(true);
  });

  it('an unknown or malformed id is 404; a removed endpoint is gone with its log', async () => {
    expect((await request(owner, 'GET', '/api/webhooks/endpoints/not-a-uuid')).status).toBe(404);
    expect((await request(owner, 'GET', '/api/webhooks/endpoints/0190a5a0-0000-7000-8000-000000000000/attempts')).status).toBe(404);
    const created = await request(owner, 'POST', '/api/webhooks/endpoints', hook);
    const id = created.body.endpoint.id as string;
    expect((await request(owner, 'DELETE', `/api/webhooks/endpoints/${id}`)).body).toEqual({ deleted: id });
    expect((await request(owner, 'GET', `/api/webhooks/endpoints/${id}`)).status).toBe(404);
    expect((await request(owner, 'DELETE', `/api/webhooks/endpoints/${id}`)).status).toBe(404);
  });

  it('a subscription to segment changes can be limited to some segments', async () => {
    const created = await request(owner, 'POST', '/api/webhooks/endpoints', { url: 'http://127.0.0.1:9/x', eventTypes: ['segment.membership_changed'], segmentIds: ['super-connectors'] });
    expect(created.body.endpoint.segmentIds).toEqual(['super-connectors']);
    const feed = await request(owner, 'GET', '/api/marketing/feed');
    const endpointsOf = (id: string) => feed.body.segments.find((s: { segmentId: string }) => s.segmentId === id).endpoints.map((e: { id: string }) => e.id);
    expect(endpointsOf('super-connectors')).toEqual([created.body.endpoint.id]);
    expect(endpointsOf('high-viral-activity')).toEqual([]);
  });
});

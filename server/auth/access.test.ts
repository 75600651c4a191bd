/**
 * Walks shared/access.ts against a real server: every route the app declares has a row, every
 * row names a route the app has, and for every row and every role the server answers as the
 * table says (allowed: neither 401 nor 403; forbidden: 401 without a session, else 403). Then
 * the scopes: what each role pulls, and which socket rooms an organisation's changes reach.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessMarkdown, accessTable, audiences, roomsMarkdown, type AccessRow, type Who } from '../../shared/access';
import type { InvitationDoc } from '../../shared/invitation';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../shared/sync/protocol';
import { addUser, nextEvent, pullAll, TEST_PASSWORD } from '../test/fixtures';
import { newInvitation, startTestServer, type ApiClient, type TestServer } from '../test/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await addUser(server.testDb.db, { id: 'u-lumen-coord', email: 'coordinator@lumen.example', role: 'coordinator', orgId: 'org-lumen' });
});
afterAll(() => server?.close());

const demoUser: Record<Exclude<Who, 'anonymous'>, string> = {
  supplier: 'ritz@demo.plusone',
  couple: 'couple@demo.plusone',
  coordinator: 'coordinator@demo.plusone',
  owner: 'owner@demo.plusone',
};

interface Layer {
  route?: { path: string | RegExp; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: string | RegExp;
}

/** `METHOD /path` of every route in the app's router, mounted routers included. */
function declaredRoutes(stack: Layer[], prefix = ''): string[] {
  const out: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      const path = layer.route.path instanceof RegExp ? '*' : (prefix + layer.route.path).replace(/(.)\/$/, '$1');
      for (const method of Object.keys(layer.route.methods)) out.push(`${method.toUpperCase()} ${path}`);
    } else if (layer.handle?.stack) {
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      out.push(...declaredRoutes(layer.handle.stack, prefix + mount));
    }
  }
  return out;
}

const samples: Record<string, string> = { code: 'AAAAAAAAAAAAAAAAAAAAAA', token: 'not-a-token', name: 'invitation' };
/** The request a row stands for: its path, or the route with a harmless value per parameter. */
function requestOf(row: AccessRow): { method: string; path: string } {
  const [method, pattern] = row.route.split(' ') as [string, string];
  return { method, path: row.path ?? pattern.replace(/:(\w+)/g, (_m, p: string) => samples[p] ?? randomUUID()) };
}

async function call(client: ApiClient | null, method: string, path: string): Promise<number> {
  const sync = path.startsWith('/api/sync/');
  const body = method === 'GET' ? undefined : sync && path.endsWith('/pull') ? { checkpoint: null, batchSize: 5 } : sync ? { rows: [] } : {};
  const headers = {
    ...(body !== undefined ? { 'content-type': 'application/json', 'x-plusone-csrf': '1' } : {}),
    ...(sync ? { [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) } : {}),
    ...(client?.cookie ? { cookie: client.cookie } : {}),
  };
  const res = await fetch(server.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' });
  await res.arrayBuffer();
  return res.status;
}

describe('who may do what (shared/access.ts)', () => {
  it('every route the app declares has a row in the table, and every row is a route of the app', () => {
    const app = server.plusone.app as unknown as { router: { stack: Layer[] } };
    const declared = new Set(declaredRoutes(app.router.stack));
    const tabled = new Set(accessTable.map((r) => r.route));
    const missing = [...declared].filter((r) => !tabled.has(r));
    expect(missing, 'routes with no row in shared/access.ts').toEqual([]);
    // The PWA fallback exists only when a build is served (not in this test server).
    const stale = [...tabled].filter((r) => !declared.has(r) && r !== 'GET *');
    expect(stale, 'rows of shared/access.ts for routes the app does not have').toEqual([]);
  });

  it('each row answers each role as the table says', async () => {
    const clients = new Map<Who, ApiClient | null>([['anonymous', null]]);
    for (const [role, email] of Object.entries(demoUser)) clients.set(role as Who, await server.as(email));
    const wrong: string[] = [];
    for (const row of accessTable) {
      const { method, path } = requestOf(row);
      for (const who of audiences) {
        // Signing out ends the session: that row gets a session of its own.
        const client = who !== 'anonymous' && row.route === 'POST /api/auth/logout' ? await server.as(demoUser[who]) : clients.get(who)!;
        const status = await call(client, method, path);
        const allowed = row.who.includes(who) && !row.proof;
        const ok = allowed ? status !== 401 && status !== 403 : status === (who === 'anonymous' && !row.proof ? 401 : 403);
        if (!ok) wrong.push(`${method} ${path} as ${who}: ${status}, expected ${allowed ? 'neither 401 nor 403' : who === 'anonymous' && !row.proof ? 401 : 403}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('README.md shows the table as it is in shared/access.ts', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(accessMarkdown());
    expect(readme).toContain(roomsMarkdown());
  });
});

describe('scopes: what each role sees', () => {
  it('sync pulls: suppliers and couples their own (and addressed to them), a coordinator only their organisation, the owner no invitations', async () => {
    const supplier = await pullAll<InvitationDoc>(await server.as('ritz@demo.plusone'), 'invitations');
    expect(supplier.documents.length).toBeGreaterThan(0);
    expect(supplier.documents.filter((d) => d.inviterId !== 'u-ritz' && d.recipientEmail !== 'ritz@demo.plusone')).toEqual([]);
    const couple = await pullAll<InvitationDoc>(await server.as('couple@demo.plusone'), 'invitations');
    expect(couple.documents.length).toBeGreaterThan(0);
    expect(couple.documents.filter((d) => d.inviterId !== 'u-couple' && d.recipientEmail !== 'couple@demo.plusone')).toEqual([]);

    const ritz = await server.as('coordinator@demo.plusone');
    const lumen = await server.as('coordinator@lumen.example', TEST_PASSWORD);
    for (const [client, org] of [[ritz, 'org-ritz'], [lumen, 'org-lumen']] as const) {
      const invitations = await pullAll<InvitationDoc>(client, 'invitations');
      expect(invitations.documents.length, org).toBeGreaterThan(0);
      expect(new Set(invitations.documents.map((d) => d.orgId))).toEqual(new Set([org]));
      const events = await pullAll<{ orgId: string | null }>(client, 'viral_events');
      expect(new Set(events.documents.map((d) => d.orgId))).toEqual(new Set([org]));
    }
    expect((await pullAll(await server.as('owner@demo.plusone'), 'invitations')).documents).toEqual([]);
  });

  it("socket rooms: a coordinator gets their organisation's changes live, never another organisation's", async () => {
    const ritzCoordinator = await (await server.as('coordinator@demo.plusone')).socket();
    const lumenCoordinator = await (await server.as('coordinator@lumen.example', TEST_PASSWORD)).socket();
    const seenByLumen: string[] = [];
    lumenCoordinator.on('invitation:changed', ({ documents }) => seenByLumen.push(...documents.map((d) => d.id)));

    const ritzInvite = newInvitation('u-ritz');
    const ritzLive = nextEvent(ritzCoordinator, 'invitation:changed', (e) => e.documents.some((d) => d.id === ritzInvite.id));
    expect((await (await server.as('ritz@demo.plusone')).push('invitations', [{ newDocumentState: ritzInvite }])).status).toBe(200);
    await ritzLive;
    // Emitted after the Ritz's: once the Lumen coordinator has it, the Ritz's would have come first.
    const lumenInvite = newInvitation('u-photo');
    const lumenLive = nextEvent(lumenCoordinator, 'invitation:changed', (e) => e.documents.some((d) => d.id === lumenInvite.id));
    expect((await (await server.as('photo@demo.plusone')).push('invitations', [{ newDocumentState: lumenInvite }])).status).toBe(200);
    await lumenLive;
    expect(seenByLumen).toContain(lumenInvite.id);
    expect(seenByLumen).not.toContain(ritzInvite.id);
  });
});

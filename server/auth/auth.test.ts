import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows } from '../test/fixtures';
import { startTestServer, type TestServer } from '../test/server';
import { SESSION_COOKIE } from './sessions';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const login = (body: unknown) => server.anonymous().post('/api/auth/login', body);

describe('sign-in', () => {
  it('the right password answers the user and sets an httpOnly, SameSite=Lax session cookie', async () => {
    const res = await login({ email: '  RITZ@demo.plusone ', password: 'plusone-demo' });
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({
      id: 'u-ritz',
      email: 'ritz@demo.plusone',
      name: 'Rita Castell',
      role: 'supplier',
      orgId: 'org-ritz',
      orgName: 'The Ritz London',
    });
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43};`));
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect(cookie).toMatch(/;\s*Path=\//i);
    expect(cookie).toMatch(/;\s*Max-Age=2592000/i); // SESSION_DAYS 30
    expect(cookie).not.toMatch(/;\s*Secure/i); // plain http on 127.0.0.1
  });

  it('the session token is stored only as its hash', async () => {
    const me = await server.as('photo@demo.plusone');
    const token = decodeURIComponent(me.cookie!.split('=')[1]!);
    expect(await countRows(server.testDb.db, 'sessions', 'token_hash = $1', [token])).toBe(0);
    expect(await countRows(server.testDb.db, 'sessions', "user_id = 'u-photo'")).toBeGreaterThan(0);
  });

  it.each([
    ['a wrong password', { email: 'ritz@demo.plusone', password: 'plusone-dem0' }],
    ['an unknown email', { email: 'nobody@demo.plusone', password: 'plusone-demo' }],
    ['an account without a password', { email: 'supplier0@suppliers.example', password: 'plusone-demo' }],
  ])('%s answers 401 BAD_CREDENTIALS and sets no cookie', async (_name, body) => {
    const res = await login(body);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'BAD_CREDENTIALS', message: expect.any(String) } });
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it.each([
    ['a malformed email', { email: 'ritz', password: 'plusone-demo' }],
    ['a missing password', { email: 'ritz@demo.plusone' }],
    ['an unknown key', { email: 'ritz@demo.plusone', password: 'plusone-demo', admin: true }],
    ['a body that is not JSON', '{"email": '],
  ])('%s answers 400 INVALID_INPUT', async (_name, body) => {
    const res = await login(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_INPUT');
  });
});

describe('the session', () => {
  it('/api/auth/me without a cookie, or with an unknown one, answers 401 UNAUTHENTICATED', async () => {
    const anonymous = await server.anonymous().get('/api/auth/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
    const forged = await fetch(`${server.url}/api/auth/me`, { headers: { cookie: `${SESSION_COOKIE}=forged` } });
    expect(forged.status).toBe(401);
  });

  it('/api/auth/me answers the signed-in user', async () => {
    const couple = await server.as('couple@demo.plusone');
    const me = await couple.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: 'u-couple', role: 'couple', orgId: null });
  });

  it('logout ends the session on the server and clears the cookie', async () => {
    const owner = await server.as('owner@demo.plusone');
    const sessionsBefore = await countRows(server.testDb.db, 'sessions', "user_id = 'u-owner'");
    const out = await owner.post('/api/auth/logout');
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Expires=Thu, 01 Jan 1970`, 'i'));
    expect(await countRows(server.testDb.db, 'sessions', "user_id = 'u-owner'")).toBe(sessionsBefore - 1);
    // The old cookie, replayed, no longer opens anything.
    expect((await owner.get('/api/auth/me')).status).toBe(401);
  });

  it('signing in again with a session cookie replaces that session', async () => {
    const first = await server.as('coordinator@demo.plusone');
    const again = await first.post('/api/auth/login', { email: 'coordinator@demo.plusone', password: 'plusone-demo' });
    expect(again.status).toBe(200);
    expect((await first.get('/api/auth/me')).status).toBe(401);
  });
});

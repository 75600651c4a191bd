/**
 * Browser-facing protections on a real server: security headers and the CSP, CSRF refused on
 * state-changing API calls, cross-origin websockets refused, sessions closed live when they
 * end, Secure cookies, and the sign-in throttle (per account, per address, atomic).
 */
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSRF_HEADER, SIGN_IN_THROTTLE } from '../../shared/access';
import { startTestServer, type TestServer } from '../test/server';
import { sameOrigin } from '../http/security';
import { isSecure } from './routes';
import type { Request } from 'express';

let server: TestServer;
// Behind a (pretend) proxy, so each test signs in from addresses of its own (X-Forwarded-For).
beforeAll(async () => {
  server = await startTestServer({ env: { TRUST_PROXY: 'true' } });
});
afterAll(() => server?.close());

const raw = (method: string, path: string, headers: Record<string, string> = {}, body: unknown = {}) =>
  fetch(server.url + path, { method, headers: { 'content-type': 'application/json', ...headers }, body: method === 'GET' ? undefined : JSON.stringify(body) });

describe('security headers', () => {
  it('every answer carries a CSP the PWA runs under (own scripts, data: images for the QR code, its own websocket) and helmet’s headers', async () => {
    for (const path of ['/healthz', '/api/auth/me', '/dashboard/viral']) {
      const res = await fetch(server.url + path);
      const csp = res.headers.get('content-security-policy')!;
      const host = new URL(server.url).host;
      expect(csp, path).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("img-src 'self' data:");
      expect(csp).toContain(`connect-src 'self' ws://${host} wss://${host}`);
      expect(csp).toContain("worker-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });
});

describe('CSRF', () => {
  const code = 'AAAAAAAAAAAAAAAAAAAAAA';
  const stateChanging: [string, string][] = [
    ['POST', '/api/auth/login'],
    ['POST', '/api/sync/invitations/push'],
    ['POST', `/api/invites/${code}/accept`],
    ['POST', `/api/invites/${code}/signup`],
    ['POST', '/api/join/signup'],
    ['DELETE', '/api/segments/x'],
  ];

  it.each(stateChanging)('%s %s without the anti-forgery header is refused before anything else', async (method, path) => {
    const res = await raw(method, path);
    expect(res.status).toBe(403);
    expect((await res.json()).error).toEqual({ code: 'FORBIDDEN', message: expect.stringContaining('cross-site') });
  });

  it('with the header, a request from another origin or another site is refused; from this origin it passes', async () => {
    const login = { email: 'photo@demo.plusone', password: 'plusone-demo' };
    const csrf = { [CSRF_HEADER]: '1', 'x-forwarded-for': '198.51.100.1' };
    expect((await raw('POST', '/api/auth/login', { ...csrf, origin: 'https://evil.example' }, login)).status).toBe(403);
    expect((await raw('POST', '/api/auth/login', { ...csrf, 'sec-fetch-site': 'cross-site' }, login)).status).toBe(403);
    expect((await raw('POST', '/api/auth/login', { ...csrf, 'sec-fetch-site': 'same-site' }, login)).status).toBe(403);
    expect((await raw('POST', '/api/auth/login', { ...csrf, origin: 'null' }, login)).status).toBe(403);
    expect((await raw('POST', '/api/auth/login', { [CSRF_HEADER]: 'yes' }, login)).status).toBe(403);
    const ok = await raw('POST', '/api/auth/login', { ...csrf, origin: server.url, 'sec-fetch-site': 'same-origin' }, login);
    expect(ok.status).toBe(200);
  });

  it('reads need no header; provider callbacks and the unsubscribe link are outside /api and judged by their own proof', async () => {
    expect((await raw('GET', '/api/schemas')).status).toBe(200);
    const twilio = await fetch(`${server.url}/hooks/twilio/status/x`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'MessageStatus=delivered' });
    expect(await twilio.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'bad X-Twilio-Signature' } });
    const unsubscribe = await fetch(`${server.url}/unsubscribe/unknown-token`, { method: 'POST' });
    expect(unsubscribe.status).toBe(404);
  });

  it('an Origin matches this server by host, or PUBLIC_URL by origin', () => {
    expect(sameOrigin(undefined, 'a.example')).toBe(true);
    expect(sameOrigin('https://a.example', 'a.example')).toBe(true);
    expect(sameOrigin('https://a.example:444', 'a.example')).toBe(false);
    expect(sameOrigin('https://plusone.example', 'internal:3000', 'https://plusone.example/')).toBe(true);
    expect(sameOrigin('http://plusone.example', 'internal:3000', 'https://plusone.example')).toBe(false);
    expect(sameOrigin('not a url', 'a.example')).toBe(false);
    expect(sameOrigin('https://a.example', null)).toBe(false);
  });
});

describe('live sockets', () => {
  const open = (cookie: string, origin?: string) =>
    new Promise<ReturnType<typeof connect>>((resolve, reject) => {
      const s = connect(server.url, { transports: ['websocket'], reconnection: false, extraHeaders: { cookie, ...(origin ? { origin } : {}) } });
      s.once('connect', () => resolve(s));
      s.once('connect_error', (err) => {
        s.close();
        reject(err);
      });
    });

  it('a websocket opened from another origin is refused; from this origin it connects', async () => {
    const { cookie } = await server.as('couple@demo.plusone');
    await expect(open(cookie!, 'https://evil.example')).rejects.toThrow();
    const s = await open(cookie!, server.url);
    expect(s.connected).toBe(true);
    s.close();
  });

  it('signing out, or signing in again over the session, closes that session’s sockets and no other', async () => {
    const first = await server.as('photo@demo.plusone');
    const second = await server.as('photo@demo.plusone');
    const [a, b] = [await open(first.cookie!), await open(second.cookie!)];
    const closed = new Promise<string>((resolve) => a.once('disconnect', resolve));
    expect((await first.post('/api/auth/logout')).status).toBe(200);
    expect(await closed).toBe('io server disconnect');
    expect(b.connected).toBe(true);

    const rotated = new Promise<string>((resolve) => b.once('disconnect', resolve));
    expect((await second.post('/api/auth/login', { email: 'photo@demo.plusone', password: 'plusone-demo' })).status).toBe(200);
    expect(await rotated).toBe('io server disconnect');
  });
});

describe('session cookies', () => {
  const req = (over: { secure?: boolean; hostname?: string; proto?: string }) =>
    ({ secure: over.secure ?? false, hostname: over.hostname ?? 'plusone.example', get: (h: string) => (h === 'x-forwarded-proto' ? over.proto : undefined) }) as unknown as Request;

  it('SECURE_COOKIES=auto: Secure on HTTPS (direct, forwarded, or an https PUBLIC_URL), not on plain http or on localhost', () => {
    const auto = { secureCookies: 'auto' as const };
    expect(isSecure(req({ secure: true }), auto)).toBe(true);
    expect(isSecure(req({ proto: 'https' }), auto)).toBe(true);
    expect(isSecure(req({}), { ...auto, publicUrl: 'https://plusone.example' })).toBe(true);
    expect(isSecure(req({ hostname: 'localhost' }), { ...auto, publicUrl: 'https://plusone.example' })).toBe(false);
    expect(isSecure(req({}), auto)).toBe(false);
    expect(isSecure(req({}), { secureCookies: 'true' })).toBe(true);
    expect(isSecure(req({ secure: true }), { secureCookies: 'false' })).toBe(false);
  });

  it('a sign-in over a proxy that says https sets a Secure, httpOnly, SameSite=Lax cookie', async () => {
    const res = await server.anonymous().post('/api/auth/login', { email: 'couple@demo.plusone', password: 'plusone-demo' }, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.2' });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly.*Secure.*SameSite=Lax|HttpOnly.*SameSite=Lax.*Secure/i);
  });
});

describe('sign-in throttle', () => {
  const signIn = (address: string, email: string, password = 'wrong-password') =>
    server.anonymous().post('/api/auth/login', { email, password }, { 'x-forwarded-for': address });
  const { perAccount, perAddress } = SIGN_IN_THROTTLE;

  it(`after ${perAccount.points} failures an account waits (429, Retry-After), even with the right password; others do not`, async () => {
    for (let i = 0; i < perAccount.points; i++) expect((await signIn('203.0.113.1', 'ritz@demo.plusone')).status).toBe(401);
    const locked = await signIn('203.0.113.2', 'ritz@demo.plusone', 'plusone-demo');
    expect(locked.status).toBe(429);
    expect(locked.body.error).toEqual({ code: 'RATE_LIMITED', message: expect.stringMatching(/^Too many failed sign-ins for this account: try again in \d+ minutes\.$/) });
    const wait = Number(locked.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(perAccount.seconds - 60);
    expect(wait).toBeLessThanOrEqual(perAccount.seconds);
    expect(locked.headers.get('set-cookie')).toBeNull();
    expect((await signIn('203.0.113.1', 'owner@demo.plusone', 'plusone-demo')).status).toBe(200);
  });

  it('a successful sign-in forgets the account’s failures', async () => {
    for (let i = 0; i < perAccount.points - 1; i++) expect((await signIn('203.0.113.3', 'couple@demo.plusone')).status).toBe(401);
    expect((await signIn('203.0.113.3', 'couple@demo.plusone', 'plusone-demo')).status).toBe(200);
    for (let i = 0; i < perAccount.points - 1; i++) expect((await signIn('203.0.113.3', 'couple@demo.plusone')).status).toBe(401);
  });

  it('guesses sent all at once cannot slip past the count', async () => {
    const answers = await Promise.all(Array.from({ length: perAccount.points * 2 }, () => signIn('203.0.113.4', 'nobody@demo.plusone')));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(perAccount.points);
    expect(statuses.filter((s) => s === 429)).toHaveLength(perAccount.points);
  });

  it(`after ${perAddress.points} failures from one address, that address waits; another address does not`, async () => {
    for (let i = 0; i < perAddress.points; i++) expect((await signIn('203.0.113.5', `spray${i}@example.com`)).status).toBe(401);
    const blocked = await signIn('203.0.113.5', 'coordinator@demo.plusone', 'plusone-demo');
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.message).toMatch(/from this network/);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await signIn('203.0.113.6', 'coordinator@demo.plusone', 'plusone-demo')).status).toBe(200);
  });
});

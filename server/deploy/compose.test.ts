/**
 * docker-compose.yml and deploy/nginx.conf, parsed: PostgreSQL, Redis, two app replicas sharing
 * them and a reverse proxy in front that passes WebSockets; every variable of server/config.ts
 * on the replicas with values the server accepts; healthchecks everywhere. No Docker engine is
 * needed (nor run): the files are read as compose and nginx read them.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configKeys, loadConfig } from '../config';
import { findAll, parseNginx, type NginxDirective } from './configFiles';

interface Service {
  image?: string;
  build?: string;
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: Record<string, { condition: string }> | string[];
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] | string };
}

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
// `merge`: the replicas share one definition through a YAML merge key (`<<: *app`), as compose reads it.
const compose = parse(readFileSync(root('docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const { postgres, redis, proxy } = compose.services;
const replicas = Object.entries(compose.services).filter(([, s]) => s.build === '.');
const nginx = parseNginx(readFileSync(root('deploy/nginx.conf'), 'utf8'));

/** A service's environment as the process sees it: names to strings, list or map form. */
function envOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((line) => [line.split('=')[0]!, line.slice(line.indexOf('=') + 1)]));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

const app = replicas[0]![1];
const config = loadConfig(envOf(app));

describe('docker-compose.yml', () => {
  it('runs postgres 15, redis 7, two replicas of the app built from this folder and nginx, each with a healthcheck', () => {
    expect(postgres?.image).toBe('postgres:15');
    expect(redis?.image).toBe('redis:7');
    // Two or more, each addressable by name (the proxy lists them; docs/operations.md § Scale adds one).
    expect(replicas.map(([name]) => name).slice(0, 2)).toEqual(['app1', 'app2']);
    expect(proxy?.image).toMatch(/^nginx:/);
    for (const [name, service] of Object.entries(compose.services)) expect(service.healthcheck?.test, name).toBeTruthy();
  });

  it("each replica's environment names exactly the variables server/config.ts reads, the same on both", () => {
    for (const [name, service] of replicas) {
      const names = Object.keys(envOf(service));
      expect(names.filter((n) => !(configKeys as string[]).includes(n)), `${name}: not in server/config.ts`).toEqual([]);
      expect(configKeys.filter((k) => !names.includes(k)), `${name}: add to docker-compose.yml`).toEqual([]);
    }
    expect(envOf(replicas[1]![1])).toEqual(envOf(app));
  });

  it('the server accepts the values; both replicas share the postgres and redis services once they are healthy', () => {
    const db = new URL(config.DATABASE_URL!);
    const pgEnv = envOf(postgres!);
    expect(db.hostname).toBe('postgres');
    expect(decodeURIComponent(db.username)).toBe(pgEnv.POSTGRES_USER);
    expect(decodeURIComponent(db.password)).toBe(pgEnv.POSTGRES_PASSWORD);
    expect(db.pathname).toBe(`/${pgEnv.POSTGRES_DB}`);
    expect(new URL(config.REDIS_URL!).hostname).toBe('redis');
    for (const [, service] of replicas) {
      expect(service.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
      expect(JSON.stringify(service.healthcheck?.test)).toContain(`:${config.PORT}/readyz`);
      // Only the proxy is published: a replica reached directly would skip its X-Forwarded-For.
      expect(service.ports ?? []).toEqual([]);
    }
  });

  it('the proxy publishes the port of PUBLIC_URL, mounts deploy/nginx.conf and starts after the replicas', () => {
    const published = new URL(config.PUBLIC_URL!).port || '80';
    const listen = findAll(nginx, 'listen')[0]!.args[0];
    expect(proxy!.ports).toContain(`${published}:${listen}`);
    expect(proxy!.volumes).toContainEqual(expect.stringMatching(/^\.\/deploy\/nginx\.conf:\/etc\/nginx\/conf\.d\/default\.conf(:ro)?$/));
    expect(Object.keys(proxy!.depends_on ?? {}).sort()).toEqual(replicas.map(([name]) => name));
    expect(JSON.stringify(proxy!.healthcheck?.test)).toContain(`127.0.0.1/healthz`);
  });
});

describe('deploy/nginx.conf', () => {
  const upstreams = findAll(nginx, 'upstream');
  const locations = findAll(nginx, 'location');
  const main = locations.find((l) => l.args.join(' ') === '/')!;
  const header = (loc: NginxDirective, name: string) =>
    findAll(loc.block ?? [], 'proxy_set_header').find((d) => d.args[0]!.toLowerCase() === name.toLowerCase())?.args[1];

  it('sends every request to an upstream of both replicas on the app port', () => {
    expect(upstreams).toHaveLength(1);
    const servers = findAll(upstreams[0]!.block!, 'server').map((s) => s.args[0]);
    expect(servers).toEqual(replicas.map(([name]) => `${name}:${config.PORT}`));
    expect(locations.map((l) => l.args.join(' '))).toEqual(['= /metrics', '/']);
    expect(findAll(main.block!, 'proxy_pass')[0]!.args).toEqual([`http://${upstreams[0]!.args[0]}`]);
  });

  it('keeps /metrics off the public side: each replica is scraped on its own', () => {
    const metrics = locations.find((l) => l.args.join(' ') === '= /metrics')!;
    expect(findAll(metrics.block!, 'proxy_pass')).toEqual([]);
    expect(findAll(metrics.block!, 'return')[0]?.args).toEqual(['404']);
  });

  it('passes WebSocket upgrades: HTTP/1.1 upstream, Upgrade forwarded, Connection "upgrade" when one is asked for', () => {
    const loc = main;
    expect(findAll(loc.block!, 'proxy_http_version')[0]?.args).toEqual(['1.1']);
    expect(header(loc, 'Upgrade')).toBe('$http_upgrade');
    const connection = header(loc, 'Connection')!;
    if (connection !== 'upgrade') {
      // Through a map on $http_upgrade: "upgrade" for a handshake, empty (keep-alive) otherwise.
      const map = findAll(nginx, 'map').find((m) => m.args[1] === connection);
      expect(map?.args[0]).toBe('$http_upgrade');
      expect(map!.block!.find((d) => d.name === 'default')?.args).toEqual(['upgrade']);
    }
    // Longer than Socket.IO's 25 s ping interval, or idle sockets are cut.
    const timeout = findAll(loc.block!, 'proxy_read_timeout')[0]?.args[0] ?? '60s';
    expect(Number.parseInt(timeout, 10)).toBeGreaterThan(25);
  });

  it('replaces X-Forwarded-For with the peer address, which the replicas trust (TRUST_PROXY)', () => {
    expect(config.TRUST_PROXY).toBe(true);
    // "$proxy_add_x_forwarded_for" would keep whatever the client sent in front of it.
    expect(header(main, 'X-Forwarded-For')).toBe('$remote_addr');
    expect(header(main, 'X-Forwarded-Proto')).toBe('$scheme');
  });

  it('passes the host with its port, which the app checks Origin against (CSRF, websockets, CSP)', () => {
    // $host drops the port: a page at localhost:3000 would look cross-origin to the app.
    expect(header(main, 'Host')).toBe('$http_host');
    expect(header(main, 'X-Forwarded-Host')).toBe('$http_host');
  });

  it('without sticky sessions, the PWA socket is WebSocket-only (Socket.IO long-polling needs one replica per client)', () => {
    const sticky = findAll(upstreams[0]!.block!, 'ip_hash').length > 0 || findAll(upstreams[0]!.block!, 'hash').length > 0;
    if (!sticky) {
      const socket = readFileSync(root('client/sync/socket.ts'), 'utf8');
      const transports = [...socket.matchAll(/transports:\s*\[([^\]]*)\]/g)].map((m) => m[1]!.replace(/\s/g, ''));
      expect(transports.length).toBeGreaterThan(0);
      for (const t of transports) expect(t).toBe("'websocket'");
    }
  });

  it('re-resolves replica addresses only on an nginx that can (upstream `resolve`: 1.27.3 or newer)', () => {
    const resolving = findAll(upstreams[0]!.block!, 'server').some((s) => s.args.includes('resolve'));
    if (!resolving) return;
    expect(findAll(nginx, 'resolver')[0]?.args[0]).toBe('127.0.0.11'); // Docker's DNS
    expect(findAll(upstreams[0]!.block!, 'zone')).toHaveLength(1);
    const [major = 0, minor = 0, patch = 0] = (/^nginx:(\d+)\.(\d+)(?:\.(\d+))?/.exec(proxy!.image!) ?? []).slice(1).map((v) => Number(v ?? 0));
    expect(major * 1e6 + minor * 1e3 + patch, proxy!.image).toBeGreaterThanOrEqual(1_027_003);
  });
});

describe('the deployment file readers', () => {
  it('nginx: nested blocks, quoted words and comments; a missing ; or } is an error', () => {
    expect(parseNginx('a 1; # c\nb "x y" { c; d { e \'f\'; } }')).toEqual([
      { name: 'a', args: ['1'] },
      { name: 'b', args: ['x y'], block: [{ name: 'c', args: [] }, { name: 'd', args: [], block: [{ name: 'e', args: ['f'] }] }] },
    ]);
    expect(() => parseNginx('a { b; ')).toThrow('a block is not closed');
    expect(() => parseNginx('a b')).toThrow('"a b" is missing its ;');
    expect(() => parseNginx('a { b }')).toThrow('"b" is missing its ;');
    expect(() => parseNginx('}')).toThrow('an unmatched }');
    expect(() => parseNginx('{ a; }')).toThrow('a block without a directive');
  });
});

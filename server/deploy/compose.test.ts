import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configKeys, loadConfig } from '../config';

interface Service {
  image?: string;
  build?: string;
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: Record<string, { condition: string }> | string[];
  ports?: string[];
  healthcheck?: { test: string[] | string };
}

const file = fileURLToPath(new URL('../../docker-compose.yml', import.meta.url));
const compose = parse(readFileSync(file, 'utf8')) as { services: Record<string, Service> };
const { postgres, redis, app } = compose.services;

/** A service's environment as the process sees it: names to strings, list or map form. */
function envOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) return Object.fromEntries(env.map((line) => [line.split('=')[0]!, line.slice(line.indexOf('=') + 1)]));
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

describe('docker-compose.yml', () => {
  it('runs postgres 15, redis 7 and the app built from this folder, each with a healthcheck', () => {
    expect(postgres?.image).toBe('postgres:15');
    expect(redis?.image).toBe('redis:7');
    expect(app?.build).toBe('.');
    for (const [name, service] of Object.entries(compose.services)) expect(service.healthcheck?.test, name).toBeTruthy();
  });

  it('the app\'s environment names exactly the variables server/config.ts reads', () => {
    const names = Object.keys(envOf(app!));
    expect(names.filter((n) => !(configKeys as string[]).includes(n))).toEqual([]);
    expect(configKeys.filter((k) => !names.includes(k))).toEqual([]);
  });

  it('the server accepts the app\'s values, and they point at the postgres service once it is healthy', () => {
    const config = loadConfig(envOf(app!));
    const db = new URL(config.DATABASE_URL!);
    const pgEnv = envOf(postgres!);
    expect(db.hostname).toBe('postgres');
    expect(decodeURIComponent(db.username)).toBe(pgEnv.POSTGRES_USER);
    expect(decodeURIComponent(db.password)).toBe(pgEnv.POSTGRES_PASSWORD);
    expect(db.pathname).toBe(`/${pgEnv.POSTGRES_DB}`);
    expect(app!.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' } });
    expect(app!.ports).toContain(`${config.PORT}:${config.PORT}`);
    expect(JSON.stringify(app!.healthcheck?.test)).toContain(`:${config.PORT}/readyz`);
  });
});

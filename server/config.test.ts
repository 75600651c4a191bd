import { describe, expect, it } from 'vitest';
import { ConfigError, configKeys, loadConfig } from './config';

describe('configuration from the environment', () => {
  it('an empty environment gives the documented defaults (embedded database)', () => {
    const defaults = {
      PORT: 3000,
      HOST: '0.0.0.0',
      DATABASE_URL: undefined,
      REDIS_URL: undefined,
      METRICS_TOKEN: undefined,
      OPS_WEBHOOK_URL: undefined,
      OPS_WEBHOOK_SECRET: undefined,
      DATA_DIR: './data',
      PG_POOL_MAX: 10,
      SLOW_QUERY_MS: 200,
      DEMO_DATA: 'auto',
      STATIC_DIR: 'dist',
      SECURE_COOKIES: 'auto',
      SESSION_DAYS: 30,
      LOG_LEVEL: 'info',
      METRICS_COALESCE_MS: 250,
      METRICS_EVERYONE_MS: 3000,
      MONITOR_INTERVAL_S: 15,
      TRUST_PROXY: false,
      NODE_ENV: 'development',
      PUBLIC_URL: undefined,
      DELIVERY_WORKERS: 2,
      DELIVERY_POLL_MS: 250,
      DELIVERY_BATCH: 50,
      DELIVERY_LEASE_MS: 60_000,
      DELIVERY_MAX_ATTEMPTS: 6,
      DELIVERY_RETRY_BASE_MS: 30_000,
      DELIVERY_RETRY_MAX_MS: 3_600_000,
      DELIVERY_LOCAL_PEERS: 'auto',
      SMTP_URL: undefined,
      SMTP_FROM: 'PlusOne <invitations@plusone.local>',
      TWILIO_API_URL: 'https://api.twilio.com',
      TWILIO_ACCOUNT_SID: undefined,
      TWILIO_AUTH_TOKEN: undefined,
      TWILIO_FROM: undefined,
      WHATSAPP_API_URL: 'https://graph.facebook.com/v21.0',
      WHATSAPP_PHONE_NUMBER_ID: undefined,
      WHATSAPP_TOKEN: undefined,
      WHATSAPP_APP_SECRET: undefined,
      WHATSAPP_VERIFY_TOKEN: undefined,
      INVITE_CODE_DAYS: 30,
      SHORT_CODE_DAYS: 30,
      WEBHOOK_WORKERS: 4,
      WEBHOOK_POLL_MS: 250,
      WEBHOOK_TIMEOUT_MS: 10_000,
      WEBHOOK_DISABLE_AFTER_DAYS: 5,
      METRICS_TOUCHED_MS: 200,
      METRICS_SLOW_MS: 2000,
    };
    expect(loadConfig({})).toEqual({ ...defaults, TEST_FAULTS: [], TEST_COMMIT_DELAY_MS: 0, TEST_RATE_LIMITS: 'on', TEST_FRAUD_GATE: 'on' });
    expect([...configKeys].sort()).toEqual(Object.keys(defaults).sort());
  });

  it('test-only faults are refused outside tests, and unknown faults everywhere', () => {
    expect(loadConfig({ TEST_FAULTS: 'no-lattice, no-pull-guard' }).TEST_FAULTS).toEqual(['no-lattice', 'no-pull-guard']);
    expect(() => loadConfig({ NODE_ENV: 'production', TEST_COMMIT_DELAY_MS: '10' })).toThrow(/TEST_FAULTS/);
    expect(() => loadConfig({ NODE_ENV: 'production', TEST_FRAUD_GATE: 'off' })).toThrow(/TEST_FRAUD_GATE/);
    expect(() => loadConfig({ TEST_FAULTS: 'no-brakes' })).toThrow(/TEST_FAULTS/);
  });

  it('reads strings the way a shell sets them', () => {
    const config = loadConfig({ PORT: '8080', DATABASE_URL: 'postgresql://u@db:5432/plusone', TRUST_PROXY: 'yes', PG_POOL_MAX: '25' });
    expect(config).toMatchObject({ PORT: 8080, DATABASE_URL: 'postgresql://u@db:5432/plusone', TRUST_PROXY: true, PG_POOL_MAX: 25 });
    expect(loadConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
    expect(loadConfig({ TRUST_PROXY: '0' }).TRUST_PROXY).toBe(false);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '80.5'],
    ['DATABASE_URL', 'mysql://root@db/plusone'],
    ['DATABASE_URL', 'db:5432'],
    ['SESSION_DAYS', '0'],
    ['LOG_LEVEL', 'loud'],
    ['TRUST_PROXY', 'maybe'],
  ])('a bad %s (%s) is refused with a message naming it', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(new RegExp(`^invalid configuration:\\n  ${name}: `));
  });

  it('a provider configured in part is refused, naming what is missing', () => {
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: 'AC1' })).toThrow(/TWILIO_AUTH_TOKEN: .*\n\s+TWILIO_FROM: /s);
    expect(() => loadConfig({ WHATSAPP_TOKEN: 't' })).toThrow(/WHATSAPP_PHONE_NUMBER_ID/);
    expect(loadConfig({ SMTP_URL: 'smtp://127.0.0.1:2525' }).SMTP_URL).toBe('smtp://127.0.0.1:2525');
  });

  it('every bad variable is named at once', () => {
    expect(() => loadConfig({ PORT: '-1', DATABASE_URL: 'mysql://x' })).toThrow(/PORT: .*\n\s+DATABASE_URL: /s);
  });
});

/**
 * Configuration comes from the environment once, validated at start. A wrong value stops the
 * process with a message that names the variable. Every variable and its default is listed
 * in README.md and docker-compose.yml.
 */
import { z } from 'zod';
import { faultNames } from './faults';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const optString = z.string().min(1).optional().or(z.literal('').transform(() => undefined));
const optUrl = z.url().optional().or(z.literal('').transform(() => undefined));

export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DATA_DIR: z.string().min(1).default('./data'),
  /** Optional: shared rate-limit counters and the Socket.IO adapter between server processes (server/redis.ts). */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  PG_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
  /** Statements slower than this many ms are logged (text and duration, never parameters: server/db/slowQueries.ts); 0 turns the log off. */
  SLOW_QUERY_MS: z.coerce.number().int().min(0).max(600_000).default(200),
  DEMO_DATA: z.enum(['auto', 'true', 'false']).default('auto'),
  STATIC_DIR: z.string().min(1).default('dist'),
  SECURE_COOKIES: z.enum(['auto', 'true', 'false']).default('auto'),
  SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  METRICS_COALESCE_MS: z.coerce.number().int().min(0).max(5000).default(250),
  /** Platform K to every signed-in screen at most this often; owners' dashboards hear every update (server/live/socket.ts). */
  METRICS_EVERYONE_MS: z.coerce.number().int().min(0).max(60_000).default(3000),
  /** The touched users' segment memberships at most this often (server/viral/metricsPublisher.ts): the marketing feed within a second. */
  METRICS_TOUCHED_MS: z.coerce.number().int().min(0).max(5000).default(200),
  /** The users' own and the owner's snapshots (leaderboard, attribution, every segment) at most this often. */
  METRICS_SLOW_MS: z.coerce.number().int().min(0).max(3_600_000).default(2000),
  TRUST_PROXY: bool.default(false),
  NODE_ENV: z.string().default('development'),
  /** Base of the links in messages (invite, unsubscribe, status callbacks); by default where the server listens. */
  PUBLIC_URL: optUrl,
  /** Delivery workers in this process (server/delivery/README.md); 0 turns sending off. */
  DELIVERY_WORKERS: z.coerce.number().int().min(0).max(32).default(2),
  DELIVERY_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  DELIVERY_BATCH: z.coerce.number().int().min(1).max(1000).default(50),
  /** A claimed row goes back to the queue this long after its worker stopped answering. */
  DELIVERY_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  DELIVERY_RETRY_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(30_000),
  DELIVERY_RETRY_MAX_MS: z.coerce.number().int().min(1).max(86_400_000).default(3_600_000),
  /** Local SMTP, Twilio-shaped and WhatsApp-shaped peers for a channel with no provider configured (never in production by default). */
  DELIVERY_LOCAL_PEERS: z.enum(['auto', 'true', 'false']).default('auto'),
  SMTP_URL: optUrl,
  SMTP_FROM: z.string().min(3).default('PlusOne <invitations@plusone.local>'),
  TWILIO_API_URL: z.url().default('https://api.twilio.com'),
  TWILIO_ACCOUNT_SID: optString,
  TWILIO_AUTH_TOKEN: optString,
  TWILIO_FROM: optString,
  WHATSAPP_API_URL: z.url().default('https://graph.facebook.com/v21.0'),
  WHATSAPP_PHONE_NUMBER_ID: optString,
  WHATSAPP_TOKEN: optString,
  /** Meta app secret: checks X-Hub-Signature-256 on status webhooks. */
  WHATSAPP_APP_SECRET: optString,
  /** Answers Meta's webhook verification (hub.verify_token). */
  WHATSAPP_VERIFY_TOKEN: optString,
  /** An invite link works this many days after the invitation is made; a short code this many. */
  INVITE_CODE_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  SHORT_CODE_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Webhook delivery workers in this process (server/webhooks/README.md); 0 turns webhook delivery off here. */
  WEBHOOK_WORKERS: z.coerce.number().int().min(0).max(64).default(4),
  /** How often an idle webhook worker looks for due deliveries (the marketing feed's latency bound). */
  WEBHOOK_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  /** A receiver that has not answered by then is a failed attempt. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** An endpoint whose every attempt failed for this many days (fractions allowed) is disabled. */
  WEBHOOK_DISABLE_AFTER_DAYS: z.coerce.number().positive().max(365).default(5),
  /** With it, GET /metrics needs `Authorization: Bearer <token>`; without it, /metrics answers loopback callers only. */
  METRICS_TOKEN: optString,
  /** How often the health monitor evaluates its conditions (server/monitoring/monitor.ts); 0 turns it off here. */
  MONITOR_INTERVAL_S: z.coerce.number().int().min(0).max(3600).default(15),
  /** Where alert changes are posted, signed with OPS_WEBHOOK_SECRET (Standard Webhooks, `whsec_…`). */
  OPS_WEBHOOK_URL: optUrl,
  OPS_WEBHOOK_SECRET: z.string().regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'must be a whsec_ secret').optional().or(z.literal('').transform(() => undefined)),
  /** Test only: the webhook retry schedule in ms, comma-separated (default: the published one). */
  TEST_WEBHOOK_RETRY_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be comma-separated milliseconds')
    .transform((v) => v.split(',').map(Number))
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Test only: deliberate faults (server/faults.ts), comma-separated. */
  TEST_FAULTS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((f) => f.trim()).filter(Boolean))
    .pipe(z.array(z.enum(faultNames))),
  /** Test only: up to this many ms of random delay before a push commits. */
  TEST_COMMIT_DELAY_MS: z.coerce.number().int().min(0).max(5000).default(0),
  /** Test only: `off` lifts the rate limits (server/limits/), so suites that are not about them may send freely. */
  TEST_RATE_LIMITS: z.enum(['on', 'off']).default('on'),
  /** Test only: 'off' lets every new invitation past the fraud gate (the sync benchmark's 1,000-invitation burst from one device is, rightly, blocked). */
  TEST_FRAUD_GATE: z.enum(['on', 'off']).default('on'),
}).refine((c) => c.NODE_ENV !== 'production' || (c.TEST_FAULTS.length === 0 && c.TEST_COMMIT_DELAY_MS === 0 && c.TEST_RATE_LIMITS === 'on' && c.TEST_FRAUD_GATE === 'on'), {
  message: 'TEST_FAULTS, TEST_COMMIT_DELAY_MS, TEST_RATE_LIMITS and TEST_FRAUD_GATE must not be set in production',
  path: ['TEST_FAULTS'],
})
  .superRefine((c, ctx) => {
    // A provider is configured whole or not at all (then the local peer or nothing).
    const groups = { twilio: ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'], whatsapp: ['WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_TOKEN'], ops: ['OPS_WEBHOOK_URL', 'OPS_WEBHOOK_SECRET'] } as const;
    for (const keys of Object.values(groups)) {
      const set = keys.filter((k) => c[k] !== undefined);
      if (set.length === 0 || set.length === keys.length) continue;
      for (const k of keys) if (c[k] === undefined) ctx.addIssue({ code: 'custom', path: [k], message: `is required with ${set.join(', ')}` });
    }
  });

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Variables only the test suites set (server/faults.ts). */
export const testOnlyKeys: readonly (keyof Config)[] = ['TEST_FAULTS', 'TEST_COMMIT_DELAY_MS', 'TEST_WEBHOOK_RETRY_MS', 'TEST_RATE_LIMITS', 'TEST_FRAUD_GATE'];

/** The variables an operator sets, for docs and the docker-compose check. */
export const configKeys = (Object.keys(ConfigSchema.shape) as (keyof Config)[]).filter((k) => !testOnlyKeys.includes(k));

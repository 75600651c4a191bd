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

export const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DATA_DIR: z.string().min(1).default('./data'),
  PG_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
  DEMO_DATA: z.enum(['auto', 'true', 'false']).default('auto'),
  STATIC_DIR: z.string().min(1).default('dist'),
  SECURE_COOKIES: z.enum(['auto', 'true', 'false']).default('auto'),
  SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  METRICS_COALESCE_MS: z.coerce.number().int().min(0).max(5000).default(100),
  TRUST_PROXY: bool.default(false),
  NODE_ENV: z.string().default('development'),
  /** Test only: deliberate faults (server/faults.ts), comma-separated. */
  TEST_FAULTS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((f) => f.trim()).filter(Boolean))
    .pipe(z.array(z.enum(faultNames))),
  /** Test only: up to this many ms of random delay before a push commits. */
  TEST_COMMIT_DELAY_MS: z.coerce.number().int().min(0).max(5000).default(0),
}).refine((c) => c.NODE_ENV !== 'production' || (c.TEST_FAULTS.length === 0 && c.TEST_COMMIT_DELAY_MS === 0), {
  message: 'TEST_FAULTS and TEST_COMMIT_DELAY_MS must not be set in production',
  path: ['TEST_FAULTS'],
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
export const testOnlyKeys: readonly (keyof Config)[] = ['TEST_FAULTS', 'TEST_COMMIT_DELAY_MS'];

/** The variables an operator sets, for docs and the docker-compose check. */
export const configKeys = (Object.keys(ConfigSchema.shape) as (keyof Config)[]).filter((k) => !testOnlyKeys.includes(k));

/**
 * Configuration comes from the environment once, validated at start. A wrong value stops the
 * process with a message that names the variable. Every variable and its default is listed
 * in README.md and docker-compose.yml.
 */
import { z } from 'zod';

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

/** The variables the app reads, for docs and the docker-compose check. */
export const configKeys = Object.keys(ConfigSchema.shape) as (keyof Config)[];

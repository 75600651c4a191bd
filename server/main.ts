/**
 * `npm start`: validate config, open the database (PostgreSQL at DATABASE_URL, else embedded
 * PGlite in DATA_DIR), apply migrations, load demo data when asked (by default: embedded and
 * empty), serve the PWA and the API, print where and who can sign in.
 */
import { createApp } from './app';
import { ConfigError, loadConfig } from './config';
import { migrate } from './db/migrate';
import { openDb } from './db/open';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, hasUsers, seedDemo } from './demo/seed';
import { createLogger } from './log';
import { openRedis } from './redis';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL);
  const db = await openDb({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolMax: config.PG_POOL_MAX,
    slowQueryMs: config.SLOW_QUERY_MS,
    onSlowQuery: (q) => log.warn(q, 'slow query'),
  });
  const applied = await migrate(db);
  if (applied.length) log.info({ applied }, 'migrations applied');

  const wantDemo = config.DEMO_DATA === 'true' || (config.DEMO_DATA === 'auto' && db.kind === 'pglite');
  if (wantDemo && !(await hasUsers(db))) {
    const summary = await seedDemo(db, { scale: 1 });
    // With two replicas starting together, only one seeds; the other finds it done.
    log.info(summary, summary.alreadySeeded ? 'demo data already loaded by another process' : 'demo data loaded');
  }

  const redis = config.REDIS_URL ? await openRedis(config.REDIS_URL) : undefined;
  const plusone = createApp({ config, db, log, redis });
  const port = await plusone.listen(config.PORT, config.HOST);
  const where = db.kind === 'pglite' ? `embedded PostgreSQL in ${config.DATA_DIR}` : 'PostgreSQL at DATABASE_URL';
  console.log(`\nPlusOne is running on http://localhost:${port}  (${where})`);
  if (wantDemo) {
    console.log(`Demo accounts (password "${DEMO_PASSWORD}"):`);
    for (const a of DEMO_ACCOUNTS) console.log(`  ${a.email.padEnd(26)} ${a.role.padEnd(12)} ${a.note}`);
  }

  const shutdown = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    await plusone.close();
    await db.close();
    await redis?.quit();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

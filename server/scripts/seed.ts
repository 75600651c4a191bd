/** `npm run seed -- [--scale N] [--seed S]`: demo data into DATABASE_URL (or the embedded database). */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { migrate } from '../db/migrate';
import { openDb } from '../db/open';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, hasUsers, seedDemo } from '../demo/seed';

const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' }, seed: { type: 'string', default: '20261125' } } });
const config = loadConfig();
const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolMax: config.PG_POOL_MAX });
await migrate(db);
if (await hasUsers(db)) {
  console.error('The database already has users; seed a fresh database.');
  await db.close();
  process.exit(1);
}
const summary = await seedDemo(db, { scale: Number(values.scale), seed: Number(values.seed) });
console.log(`Seeded ${summary.suppliers} suppliers, ${summary.couples} couples, ${summary.invitations} invitations.`);
console.log(`Accounts (password "${DEMO_PASSWORD}"): ${DEMO_ACCOUNTS.map((a) => a.email).join(', ')}`);
await db.close();

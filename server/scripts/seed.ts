/**
 * `npm run seed -- [--scale N] [--seed S]`: demo data into DATABASE_URL (or the embedded
 * database). N is the number of suppliers (default 200, the demo `npm start` loads); the rest of
 * the platform (couples, chains, bookings) grows with it. Prints what it made, and the K and
 * tiers the screens will show, read back from the database.
 */
import { parseArgs } from 'node:util';
import { utcDay, viralCoefficient, windowEnding } from '../../shared/viral';
import { loadConfig } from '../config';
import { migrate } from '../db/migrate';
import { openDb } from '../db/open';
import { DEFAULT_SEED, DEFAULT_SUPPLIERS, DEMO_ACCOUNTS, DEMO_PASSWORD, hasUsers, seedDemo } from '../demo/seed';
import { invitedOf, readWindow } from '../viral/kCounters';

const { values } = parseArgs({
  options: { scale: { type: 'string', default: String(DEFAULT_SUPPLIERS) }, seed: { type: 'string', default: String(DEFAULT_SEED) } },
});
const suppliers = Number(values.scale);
const seed = Number(values.seed);
if (!Number.isInteger(suppliers) || suppliers < 0 || !Number.isInteger(seed)) {
  console.error('usage: npm run seed -- [--scale <suppliers, a whole number>] [--seed <integer>]');
  process.exit(2);
}
const config = loadConfig();
const db = await openDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolMax: config.PG_POOL_MAX });
await migrate(db);
if (await hasUsers(db)) {
  console.error('The database already has users; seed a fresh database.');
  await db.close();
  process.exit(1);
}
const started = performance.now();
const now = new Date();
const summary = await seedDemo(db, { suppliers, seed, now, onProgress: (line) => console.log(`  ${line}`) });
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `Seeded ${summary.suppliers} suppliers, ${summary.couples} couples (${summary.referred} referred), ${summary.invitations} invitations ` +
    `(${summary.accepted} accepted), ${summary.bookings} bookings ($${(summary.bookedCents / 100).toLocaleString('en-US')}) in ${seconds} s.`,
);
const k30 = await readWindow(db, 'all', '', windowEnding(utcDay(now), 30));
const k = viralCoefficient({ invited: invitedOf(k30), accepted: k30.accepted, inviters: k30.inviters }).k;
const tiers = await db.query<{ tier: string; n: number }>(`SELECT tier, count(*)::int AS n FROM connector_stats WHERE tier IS NOT NULL GROUP BY tier ORDER BY tier`);
console.log(`K over 30 days: ${k.toFixed(2)} (${k30.accepted} accepted ÷ ${k30.inviters} inviters); super-connectors: ${tiers.map((t) => `${t.n} ${t.tier}`).join(', ') || 'none'}`);
console.log(`Accounts (password "${DEMO_PASSWORD}"): ${DEMO_ACCOUNTS.map((a) => a.email).join(', ')}`);
await db.close();

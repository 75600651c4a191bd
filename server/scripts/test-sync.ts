/**
 * `npm run test:sync -- [--seed N] [--ops N] [--faults a,b]`: one run of the randomized
 * convergence suite, on DATABASE_URL's PostgreSQL (or embedded PGlite). Prints its seed, what
 * went wrong if anything, and a last line `N passed, N failed`.
 */
import { parseArgs } from 'node:util';
import type { FaultName } from '../faults';
import { runSyncSuite } from '../test/sync-suite/driver';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    ops: { type: 'string', default: '2000' },
    faults: { type: 'string', default: '' },
    'commit-delay': { type: 'string' },
    'live-loss': { type: 'string' },
  },
});
const seed = Number(values.seed);
const result = await runSyncSuite({
  seed,
  ops: Number(values.ops),
  faults: values.faults ? (values.faults.split(',') as FaultName[]) : [],
  ...(values['commit-delay'] ? { commitDelayMs: Number(values['commit-delay']) } : {}),
  ...(values['live-loss'] !== undefined ? { liveEventLoss: Number(values['live-loss']) } : {}),
  log: (line) => console.log(line),
});
console.log(`operations: ${JSON.stringify(result.counts)} in ${(result.durationMs / 1000).toFixed(1)} s`);
for (const p of result.problems.slice(0, 30)) console.log(`  problem: ${p}`);
if (result.problems.length > 30) console.log(`  … and ${result.problems.length - 30} more`);
console.log(result.problems.length === 0 ? `seed ${seed}: converged` : `seed ${seed}: FAILED (replay: npm run test:sync -- --seed ${seed} --ops ${values.ops})`);
console.log(`${result.problems.length === 0 ? 1 : 0} passed, ${result.problems.length === 0 ? 0 : 1} failed`);
process.exit(result.problems.length === 0 ? 0 : 1);

/**
 * Benchmarks: `npm run bench -- [suite ...]` runs the named suites (all when none is named) and
 * prints one table per suite, after the machine's load and the Node version, so a reader can
 * tell a busy machine from a slow change. Benchmarks report; they never assert timings.
 * A suite is a module exporting `{ name, run(): Promise<Row[]> }`; register it in `suites` (and
 * its command-line options, if any, in `suiteNames`).
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { analytics, analyticsOptions } from './analytics';
import { bandit, experiments } from './experiments';
import { delivery } from './delivery';
import { push } from './push';
import { sync } from './sync';
import { webhooks } from './webhooks';
import { formatRows, type Suite } from './table';

const suites: Suite[] = [sync, push, analytics, experiments, bandit, webhooks, delivery];

function machine(): string {
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const cpu = cpus();
  return `node ${process.version} · ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'} · load average (1/5/15 min) ${load}`;
}

async function main(names: string[]): Promise<void> {
  const unknown = names.filter((n) => !suites.some((s) => s.name === n));
  if (unknown.length > 0) {
    console.error(`unknown suite ${unknown.join(', ')}; known: ${suites.map((s) => s.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const chosen = names.length === 0 ? suites : suites.filter((s) => names.includes(s.name));
  console.log(machine());
  for (const suite of chosen) {
    console.log(`\n## ${suite.name}`);
    for (const line of suite.about ?? []) console.log(line);
    const started = performance.now();
    const rows = await suite.run();
    console.log('');
    console.log(formatRows(rows));
    console.log(`(${suite.name}: ${((performance.now() - started) / 1000).toFixed(1)} s, load average now ${loadavg()[0]!.toFixed(2)})`);
  }
}

/** Suite names, told apart from the suites' own options (`--invitations 1000000`). */
function suiteNames(args: string[]): string[] {
  return parseArgs({ args, options: analyticsOptions, allowPositionals: true }).positionals;
}

Promise.resolve()
  .then(() => main(suiteNames(process.argv.slice(2))))
  .catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });

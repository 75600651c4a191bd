/**
 * Experiments benchmarks.
 *  - `experiments`: variant assignment (shared/experiments/assign.ts), ns per call over 1M
 *    random inviter ids, and the device's whole path from a cached snapshot (parse + assign).
 *    Target: < 10 µs per assignment, offline (DESIGN §7).
 *  - `bandit`: a simulation with known true acceptance rates. Each run sends invitations in
 *    rounds (a round = one reweighting period); a fixed even split and Thompson sampling
 *    (weights = thompsonWeights of the counts so far, as the server's schedule does) see the
 *    same seeded stream of inviters. Printed: acceptances of each over many seeded runs, and
 *    what Thompson sampling gained over the even split.
 */
import { assignVariant } from '../../shared/experiments/assign';
import { ExperimentsData, type ExperimentConfig } from '../../shared/experiments/config';
import { thompsonWeights } from '../../shared/experiments/results';
import { createRng, type Rng } from '../../shared/random';
import { formatTable, median, percentile, type Row, type Suite } from './table';

const experiment: ExperimentConfig = {
  channel: 'email',
  seed: 'email-invite-1',
  mode: 'fixed',
  threshold: 0.95,
  status: 'running',
  defaultVariant: 'control',
  variants: [
    { name: 'control', weight: 5 },
    { name: 'variant_a', weight: 3 },
    { name: 'variant_b', weight: 2 },
  ],
  updatedAt: new Date(0).toISOString(),
};

function timeAssign(ids: string[], assign: (id: string) => string): { nsPerOp: number; runsMs: number[] } {
  let sink = 0;
  const runsMs: number[] = [];
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    for (const id of ids) sink += assign(id).length;
    runsMs.push(performance.now() - started);
  }
  if (sink === 42) console.log(''); // keeps the loop from being optimised away
  const best = median(runsMs.slice(1)); // the first run warms the JIT
  return { nsPerOp: (best * 1e6) / ids.length, runsMs };
}

export const experiments: Suite = {
  name: 'experiments',
  about: ['Variant assignment (FNV-1a hash v2 into weighted buckets), 3 variants, 1,000,000 random inviter ids, 5 runs (first is warm-up).'],
  async run(): Promise<Row[]> {
    const rng = createRng(7);
    const ids = Array.from({ length: 1_000_000 }, (_, i) => `${Math.floor(rng.next() * 2 ** 48).toString(36)}-${i}`);
    const pure = timeAssign(ids, (id) => assignVariant(experiment, id));
    const doc = { kind: 'experiments', data: JSON.parse(JSON.stringify({ experiments: [experiment] })) };
    const few = ids.slice(0, 100_000);
    const device = timeAssign(few, (id) => assignVariant(ExperimentsData.parse(doc.data).experiments[0]!, id));
    return [
      { operation: 'assignVariant', n: ids.length, totalMs: median(pure.runsMs.slice(1)), throughput: 1e9 / pure.nsPerOp, runsMs: pure.runsMs, note: `${pure.nsPerOp.toFixed(0)} ns/op (target < 10,000)` },
      { operation: 'snapshot parse + assign (device path)', n: few.length, totalMs: median(device.runsMs.slice(1)), throughput: 1e9 / device.nsPerOp, runsMs: device.runsMs, note: `${device.nsPerOp.toFixed(0)} ns/op` },
    ];
  },
};

interface Scenario {
  name: string;
  rates: number[];
}

const scenarios: Scenario[] = [
  { name: 'three variants: 10% / 12% / 8%', rates: [0.1, 0.12, 0.08] },
  { name: 'two variants: 5% / 6%', rates: [0.05, 0.06] },
  { name: 'two variants: 10% / 15%', rates: [0.1, 0.15] },
  { name: 'no difference: 10% / 10%', rates: [0.1, 0.1] },
];
const RUNS = 100;
const ROUNDS = 20;
const PER_ROUND = 1000;

function pick(weights: readonly number[], u: number): number {
  const total = weights.reduce((s, w) => s + w, 0);
  let at = u * total;
  for (let i = 0; i < weights.length; i++) {
    at -= weights[i]!;
    if (at < 0) return i;
  }
  return weights.length - 1;
}

/** Acceptances over one run with this weighting policy; the stream of randomness is the seed's. */
function simulate(rates: readonly number[], seed: number, thompson: boolean): number {
  const rng: Rng = createRng(seed);
  const sends = rates.map(() => 0);
  const accepted = rates.map(() => 0);
  let weights = rates.map(() => 1);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < PER_ROUND; i++) {
      // Two draws per invitation whatever the policy: the inviter's bucket and the recipient's answer.
      const v = pick(weights, rng.next());
      const yes = rng.next() < rates[v]!;
      sends[v]! += 1;
      if (yes) accepted[v]! += 1;
    }
    if (thompson) weights = thompsonWeights(rates.map((_, i) => ({ sends: sends[i]!, acceptances: accepted[i]! })));
  }
  return accepted.reduce((s, n) => s + n, 0);
}

export const bandit: Suite = {
  name: 'bandit',
  about: [
    `Thompson sampling vs a fixed even split: ${RUNS} seeded runs per scenario, ${ROUNDS} reweighting rounds of ${PER_ROUND.toLocaleString('en-US')} invitations each`,
    '(both policies see the same inviters and the same answers per seed, so with no difference the gain is exactly 0;',
    'weights floored at 5% per variant; all-best: acceptances if every invitation had used the best variant).',
  ],
  async run(): Promise<Row[]> {
    const rows: Row[] = [];
    const table: string[][] = [];
    for (const s of scenarios) {
      const started = performance.now();
      const gains: number[] = [];
      let even = 0;
      let ts = 0;
      for (let run = 0; run < RUNS; run++) {
        const e = simulate(s.rates, 1000 + run, false);
        const t = simulate(s.rates, 1000 + run, true);
        even += e;
        ts += t;
        gains.push(t - e);
      }
      const best = Math.max(...s.rates) * ROUNDS * PER_ROUND;
      const mean = (x: number) => (x / RUNS).toFixed(0);
      const gain = (ts - even) / RUNS;
      table.push([
        s.name, mean(even), mean(ts), gain.toFixed(1), `${((100 * gain) / (even / RUNS)).toFixed(1)}%`,
        `${percentile(gains, 5).toFixed(0)} … ${percentile(gains, 95).toFixed(0)}`, `${gains.filter((g) => g > 0).length}/${RUNS}`, best.toFixed(0),
      ]);
      rows.push({ operation: `simulate: ${s.name}`, n: RUNS * 2 * ROUNDS * PER_ROUND, totalMs: performance.now() - started, note: `gain ${gain.toFixed(1)} acceptances/run` });
    }
    console.log(
      formatTable(['scenario', 'even split (mean)', 'Thompson (mean)', 'gained/run', 'gained %', 'gain p5 … p95', 'runs won', 'all-best'], table),
    );
    return rows;
  },
};

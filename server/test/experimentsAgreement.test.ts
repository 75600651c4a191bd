/**
 * DESIGN §5: an offline device assigns exactly what the server would. The device's path (the
 * `experiments` snapshot as pulled, read by client/invitations/create.ts) and the server's path
 * (the config read from the database) agree on 100,000 random inviter ids, and the split they
 * make matches the weights (chi-square).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chiSquarePValue } from '../../shared/experiments/stats';
import { createRng } from '../../shared/random';
import { variantFromSnapshot } from '../../client/invitations/create';
import { readConfigs, serverAssign } from '../experiments/store';
import { person } from '../segments/segmentsFixtures';
import { pullAll, TEST_PASSWORD } from './fixtures';
import { startTestServer, type TestServer } from './server';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ demo: false });
  await person(server.testDb.db, 'agree-owner', 'owner');
  await person(server.testDb.db, 'agree-supplier', 'supplier');
});
afterAll(() => server?.close());

describe('variant assignment, device and server', () => {
  it('agree on 100,000 random ids, and the split matches the weights', async () => {
    const owner = await server.as('agree-owner@segments.test', TEST_PASSWORD);
    const supplier = await server.as('agree-supplier@segments.test', TEST_PASSWORD);
    await owner.get('/api/experiments');
    await owner.post('/api/experiments/email/variants/control', { subject: 'Hi', body: '{{link}}', weight: 5 });
    await owner.post('/api/experiments/email/variants/variant_a', { subject: 'Hi', body: 'Join {{link}}', weight: 3 });
    await owner.post('/api/experiments/email/variants/variant_b', { subject: 'Hi', body: 'Come {{link}}', weight: 2 });
    await server.plusone.metrics.refresh();
    const doc = (await pullAll(supplier, 'metrics')).documents.find((d: any) => d.id === 'experiments');
    expect(doc).toBeDefined();
    const configs = await readConfigs(server.testDb.db);

    const rng = createRng(seed);
    const weights: Record<string, number> = { control: 0.5, variant_a: 0.3, variant_b: 0.2 };
    const counts: Record<string, number> = { control: 0, variant_a: 0, variant_b: 0 };
    const n = 100_000;
    let disagreements = 0;
    for (let i = 0; i < n; i++) {
      const id = `u-${Math.floor(rng.next() * 2 ** 48).toString(36)}-${i}`;
      const device = variantFromSnapshot(doc, 'email', id);
      if (device !== serverAssign(configs, 'email', id)) disagreements += 1;
      counts[device] = (counts[device] ?? 0) + 1;
    }
    expect(disagreements, `seed ${seed}`).toBe(0);
    const chi = Object.keys(weights).reduce((s, k) => s + (counts[k]! - n * weights[k]!) ** 2 / (n * weights[k]!), 0);
    expect(chiSquarePValue(chi, 2), `seed ${seed}, counts ${JSON.stringify(counts)}`).toBeGreaterThan(0.001);
    // A device with nothing cached assigns control.
    expect(variantFromSnapshot(null, 'email', 'anyone')).toBe('control');
  });
});

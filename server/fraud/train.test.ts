/**
 * Training (no database): the labelled world plants each pattern, the replay finds the facts
 * the rules need in it, training is reproducible and beats the rules alone on the held-out
 * inviters, and the committed model file loads with the current features (or is refused).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assessInvitation } from '../../shared/fraud/assess';
import { planFraudWorld } from '../demo/fraud';
import { loadModel } from './modelFile';
import { replayFacts } from './replay';
import { reportTable, trainOn, worldExamples } from './train';

describe('fraud training', () => {
  const world = planFraudWorld({ seed: 8 });
  const facts = replayFacts(world);
  const reasonsOf = (pattern: string) =>
    new Set(world.invitations.flatMap((inv, i) => (inv.pattern === pattern ? assessInvitation(facts[i]!).reasons.map((r) => r.code) : [])));

  it('plants each fraud pattern so that its rule sees it in the replayed facts', () => {
    expect(reasonsOf('disposable')).toContain('disposable_address');
    expect(reasonsOf('device_farm')).toContain('device_volume');
    expect(reasonsOf('device_farm')).toContain('shared_device');
    expect(reasonsOf('harvesting')).toContain('recipient_many_inviters');
    expect(reasonsOf('bulk_domain')).toContain('bulk_domain');
    expect(reasonsOf('self_referral')).toContain('self_referral');
    expect(reasonsOf('referral_ring')).toContain('referral_ring');
    // and legitimate look-alikes the rules flag too (what the model learns to weigh)
    expect(reasonsOf('popular_couple')).toContain('recipient_many_inviters');
    expect(reasonsOf('company_team')).toContain('bulk_domain');
    expect(world.invitations.filter((i) => i.fraud).length / world.invitations.length).toBeLessThan(0.4);
  });

  it('is reproducible, and the model finds more fraud than the rules alone on held-out inviters', () => {
    const examples = worldExamples(8);
    const a = trainOn(examples, 8);
    const b = trainOn(examples, 8);
    expect(b.model.weights).toEqual(a.model.weights);
    expect(a.testSize).toBeGreaterThan(500);
    expect(a.model_.recall).toBeGreaterThan(a.rules.recall);
    expect(a.policy.f1).toBeGreaterThan(a.rules.f1);
    expect(reportTable(a)).toMatch(/rules alone .*\n.*model alone .*\n.*policy/);
  });

  it('the committed model loads with the current features; a file for other features is refused', () => {
    const loaded = loadModel();
    expect(loaded.problem).toBeNull();
    expect(loaded.model!.version).toMatch(/^\d{4}-\d\d-\d\d-[0-9a-f]{8}$/);
    const dir = mkdtempSync(join(tmpdir(), 'fraud-model-'));
    writeFileSync(join(dir, 'old.json'), JSON.stringify({ ...loaded.model, features: ['a'], weights: [1], means: [0], scales: [1] }));
    expect(loadModel(join(dir, 'old.json')).problem).toMatch(/other features/);
    writeFileSync(join(dir, 'bad.json'), '{"kind":"tree"}');
    expect(loadModel(join(dir, 'bad.json')).problem).toMatch(/not a fraud model/);
    expect(loadModel(join(dir, 'missing.json')).problem).toMatch(/cannot read/);
  });
});

describe('network fingerprints', () => {
  it('public addresses give their /24 or /48; private, loopback and missing ones give none', async () => {
    const { networkOf } = await import('./facts');
    expect(networkOf('81.2.69.160')).toBe('81.2.69.0/24');
    expect(networkOf('::ffff:81.2.69.160')).toBe('81.2.69.0/24');
    expect(networkOf('2a00:1450:4009:81f::200e')).toBe('2a00:1450:4009::/48');
    for (const ip of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.9', '169.254.0.1', '::1', 'fd00::1', 'fe80::1', undefined, 'garbage']) expect(networkOf(ip)).toBeNull();
  });
});

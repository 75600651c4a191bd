import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../random';
import { assessInvitation } from './assess';
import { featureNames, invitationFeatures } from './features';
import { contributions, explain, FraudModel, predict, train } from './model';
import type { InvitationFacts } from './rules';

/** Two features: the first decides the label (with noise), the second is noise. */
function data(seed: number, n = 400) {
  const rng = createRng(seed);
  const rows: number[][] = [];
  const labels: boolean[] = [];
  for (let i = 0; i < n; i++) {
    const signal = rng.next();
    rows.push([signal, rng.next()]);
    labels.push(signal + (rng.next() - 0.5) * 0.2 > 0.7);
  }
  return { rows, labels };
}

describe('logistic regression', () => {
  it('learns a separable signal: high accuracy, a positive weight on the signal, little on the noise', () => {
    const { rows, labels } = data(1);
    const m = train(rows, labels, ['signal', 'noise'], { seed: 3 });
    const test = data(2);
    const correct = test.rows.filter((x, i) => predict(m, x) >= 0.5 === test.labels[i]).length;
    expect(correct / test.rows.length).toBeGreaterThan(0.9);
    expect(m.weights[0]!).toBeGreaterThan(1);
    expect(Math.abs(m.weights[1]!)).toBeLessThan(Math.abs(m.weights[0]!) / 5);
  });

  it('is deterministic for a seed', () => {
    const { rows, labels } = data(5, 100);
    expect(train(rows, labels, ['a', 'b'], { seed: 9 })).toEqual(train(rows, labels, ['a', 'b'], { seed: 9 }));
  });

  it('a stronger L2 penalty gives smaller weights', () => {
    const { rows, labels } = data(7, 200);
    const loose = train(rows, labels, ['a', 'b'], { l2: 0 });
    const tight = train(rows, labels, ['a', 'b'], { l2: 1 });
    expect(Math.abs(tight.weights[0]!)).toBeLessThan(Math.abs(loose.weights[0]!));
  });

  it('refuses rows that do not match the features or labels', () => {
    expect(() => train([], [], ['a'])).toThrow(RangeError);
    expect(() => train([[1, 2]], [true], ['a'])).toThrow(RangeError);
  });

  it('probabilities stay in (0, 1) and the contributions add up to the log-odds, for any input', () => {
    const m = { means: [0.5, 0.5], scales: [0.3, 0.2], weights: [4, -2], bias: -1 };
    fc.assert(
      fc.property(fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 2, maxLength: 2 }), (x) => {
        const p = predict(m, x);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        const logOdds = m.bias + contributions(m, x).reduce((s, c) => s + c, 0);
        if (Math.abs(logOdds) < 30) expect(Math.log(p / (1 - p))).toBeCloseTo(logOdds, 6);
      }),
    );
  });

  it('explain gives the largest positive contributions first, never a negative one', () => {
    const m = { features: ['a', 'b', 'c'], means: [0, 0, 0], scales: [1, 1, 1], weights: [1, 3, -2], bias: 0 };
    expect(explain(m, [1, 1, 1])).toEqual([{ feature: 'b', contribution: 3 }, { feature: 'a', contribution: 1 }]);
    expect(explain(m, [0, 0, 1])).toEqual([]);
  });
});

describe('the model on top of the rules', () => {
  const facts: InvitationFacts = {
    recipientEmail: 'user4839201@gmail.com', recipientDomain: 'gmail.com', relationship: 'other', channel: 'email', inviterRole: 'couple',
    inviterAccountDays: 0.5, disposableDomain: false, selfReferral: null, closesLoop: false, reciprocal: false, recipientInviters: 1,
    deviceInvitations: 12, deviceAccounts: 1, domainInvitations: 3, burst: 3, gapSeconds: 30, followUp: { accepted: 5, inactive: 5 },
  };
  const model = FraudModel.parse({
    version: 'test', kind: 'logistic_regression', trainedAt: '2026-01-01T00:00:00Z', l2: 0,
    features: [...featureNames], means: featureNames.map(() => 0), scales: featureNames.map(() => 1),
    weights: featureNames.map((f) => (f === 'new_account' || f === 'generated_address' ? 3 : 0)), bias: -2,
  });

  it('features are in [0, 1] and named', () => {
    const x = invitationFeatures(facts);
    expect(x).toHaveLength(featureNames.length);
    for (const v of x) expect(v >= 0 && v <= 1).toBe(true);
  });

  it('the model sends what the rules allow to review, with its top reasons, but never blocks', () => {
    expect(assessInvitation(facts).outcome).toBe('allow');
    const a = assessInvitation(facts, model);
    expect(a).toMatchObject({ outcome: 'review', modelVersion: 'test' });
    expect(a.score).toBe(a.modelScore);
    expect(a.ruleScore).toBeCloseTo(0.15, 12); // the machine-made address, a soft reason
    expect(a.modelReasons.map((r) => r.label)).toEqual(['machine-made looking address', 'a new account']);
    const certain = { ...model, bias: 50 };
    expect(assessInvitation(facts, certain).outcome).toBe('review');
  });
});

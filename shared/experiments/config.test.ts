import { describe, expect, it } from 'vitest';
import { pendingWinners, type ExperimentConfig, type ExperimentResults, type ExperimentsData } from './config';

const config = (channel: ExperimentConfig['channel'], status: ExperimentConfig['status'] = 'running'): ExperimentConfig => ({
  channel, seed: `${channel}-1`, mode: 'fixed', threshold: 0.95, status, defaultVariant: 'control',
  variants: [{ name: 'control', weight: 1 }, { name: 'variant_a', weight: 1 }], updatedAt: '2026-01-01T00:00:00.000Z',
});
const results = (channel: ExperimentConfig['channel'], winner: string | null, leader: string | null = null): ExperimentResults => ({
  channel, windowDays: 3, variants: [], srm: { chiSquare: 0, pValue: 1, mismatch: false, skipped: 'x' }, winner, winnerAt: null, leader,
});

describe('the winners the owner is told about', () => {
  it('are the running experiments whose winner (or leader above the threshold) is one of their variants', () => {
    const data: ExperimentsData = {
      experiments: [config('email'), config('sms'), config('whatsapp', 'concluded')],
      results: [results('email', 'variant_a'), results('sms', null, 'variant_a'), results('whatsapp', 'variant_a')],
    };
    expect(pendingWinners(data)).toEqual([{ channel: 'email', variant: 'variant_a' }, { channel: 'sms', variant: 'variant_a' }]);
  });

  it('are none without results, without a winner, or for a variant that is gone', () => {
    expect(pendingWinners(null)).toEqual([]);
    expect(pendingWinners({ experiments: [config('email')] })).toEqual([]);
    expect(pendingWinners({ experiments: [config('email')], results: [results('email', null)] })).toEqual([]);
    expect(pendingWinners({ experiments: [config('email')], results: [results('email', 'variant_z')] })).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { attemptResult, deliveryText, endpointStatusText, noticeText, shortId } from './integrationsText';

describe('integrations words', () => {
  it('an attempt says what came back and how long it took', () => {
    expect(attemptResult({ ok: true, responseStatus: 204, error: null, latencyMs: 12 })).toBe('204 · 12 ms');
    expect(attemptResult({ ok: false, responseStatus: 500, error: 'HTTP 500', latencyMs: 8 })).toBe('HTTP 500 · 8 ms');
    expect(attemptResult({ ok: false, responseStatus: null, error: 'ECONNREFUSED: connect', latencyMs: null })).toBe('ECONNREFUSED: connect');
  });

  it('a delivery is delivered, given up, or waiting for its next try', () => {
    expect(deliveryText({ deliveryStatus: 'succeeded', nextAttemptAt: null })).toBe('Delivered');
    expect(deliveryText({ deliveryStatus: 'failed', nextAttemptAt: null })).toBe('Given up');
    expect(deliveryText({ deliveryStatus: 'pending', nextAttemptAt: '2026-06-01T10:00:00Z' })).toMatch(/^Retry 1 Jun/);
  });

  it('an endpoint is active, failing since a time, or disabled; a disabled one has a notice naming it', () => {
    expect(endpointStatusText({ status: 'active', failingSince: null })).toBe('Active');
    expect(endpointStatusText({ status: 'active', failingSince: '2026-06-01T10:00:00Z' })).toMatch(/^Failing since 1 Jun/);
    expect(endpointStatusText({ status: 'disabled', failingSince: '2026-06-01T10:00:00Z' })).toBe('Disabled');
    expect(noticeText({ endpointId: 'e', url: 'https://crm.example/h', disabledAt: '2026-06-01T10:00:00Z', reason: 'every delivery failed for 5 days' })).toMatch(
      /^https:\/\/crm\.example\/h was disabled on 1 Jun.*: every delivery failed for 5 days\. Fix the receiver/,
    );
    expect(shortId('0190a5a0-0000-7000-8000-000000000001')).toBe('0190a5a0…0001');
  });
});

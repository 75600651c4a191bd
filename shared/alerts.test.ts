import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BACKLOG_HEALTHY_MAX,
  BACKLOG_WARNING_MAX,
  ClientErrorReport,
  DB_PROBE_HEALTHY_MS,
  DB_PROBE_WARNING_MS,
  K_HEALTHY,
  K_MIN_INVITERS,
  K_WARNING,
  LATENCY_HEALTHY_MS,
  LATENCY_WARNING_MS,
  alertKeys,
  judgeBacklog,
  judgeDatabase,
  judgeEndpoints,
  judgeK,
  judgeLatency,
  mergeAlert,
  planAlerts,
  type AlertKey,
  type AlertStep,
  type AlertView,
  type Level,
  type Reading,
} from './alerts';

describe('thresholds', () => {
  it('K: healthy from 1.2, warning from 1.0, critical below; not judged under the privacy minimum of inviters', () => {
    expect(judgeK(K_HEALTHY, 10).level).toBe('healthy');
    expect(judgeK(K_HEALTHY - 1e-9, 10).level).toBe('warning');
    expect(judgeK(K_WARNING, 10).level).toBe('warning');
    expect(judgeK(K_WARNING - 1e-9, 10).level).toBe('critical');
    expect(judgeK(0, K_MIN_INVITERS).level).toBe('critical');
    expect(judgeK(0, K_MIN_INVITERS - 1)).toMatchObject({ level: 'unknown', value: null });
    expect(judgeK(0.5, 10).message).toBe('K is 0.5, below 1: invitations no longer replace the inviters.');
  });

  it('API latency: healthy up to 200 ms average, warning up to 500, critical above; no requests is healthy', () => {
    expect(judgeLatency(LATENCY_HEALTHY_MS, 3).level).toBe('healthy');
    expect(judgeLatency(LATENCY_HEALTHY_MS + 0.1, 3).level).toBe('warning');
    expect(judgeLatency(LATENCY_WARNING_MS, 3).level).toBe('warning');
    expect(judgeLatency(LATENCY_WARNING_MS + 0.1, 3).level).toBe('critical');
    expect(judgeLatency(612.4, 3)).toMatchObject({ level: 'critical', value: 612.4, message: 'API answers in 612 ms on average (over 3 requests), above 500 ms.' });
    expect(judgeLatency(0, 0)).toMatchObject({ level: 'healthy', value: 0 });
  });

  it('database: the probe time, and an error is critical', () => {
    expect(judgeDatabase({ ms: DB_PROBE_HEALTHY_MS }).level).toBe('healthy');
    expect(judgeDatabase({ ms: DB_PROBE_WARNING_MS }).level).toBe('warning');
    expect(judgeDatabase({ ms: DB_PROBE_WARNING_MS + 1 }).level).toBe('critical');
    expect(judgeDatabase({ error: 'connection refused' })).toMatchObject({ level: 'critical', value: null, message: 'The database does not answer: connection refused' });
  });

  it('integrations: backlogs by count due, endpoints failing (warning) or disabled (critical)', () => {
    expect(judgeBacklog('outbox_backlog', BACKLOG_HEALTHY_MAX).level).toBe('healthy');
    expect(judgeBacklog('webhook_backlog', BACKLOG_HEALTHY_MAX + 1).level).toBe('warning');
    expect(judgeBacklog('webhook_backlog', BACKLOG_WARNING_MAX + 1)).toMatchObject({ level: 'critical', message: '10001 webhook deliveries are due and not sent yet.' });
    expect(judgeEndpoints({ failing: 0, disabled: 0 }).level).toBe('healthy');
    expect(judgeEndpoints({ failing: 2, disabled: 0 })).toMatchObject({ level: 'warning', value: 2 });
    expect(judgeEndpoints({ failing: 1, disabled: 1 })).toMatchObject({ level: 'critical', message: '1 disabled (receiving nothing), 1 failing.' });
  });
});

/** An alert store that does what the server's does with each step (server/monitoring/alertStore.ts). */
function model() {
  const alerts: AlertView[] = [];
  let next = 0;
  const announced: { key: AlertKey; kind: 'opened' | 'changed' | 'resolved' }[] = [];
  return {
    alerts,
    announced,
    open: () => alerts.filter((a) => a.status === 'open').map(({ id, key, severity, lastValue, message }) => ({ id, key, severity, lastValue, message })),
    apply(steps: AlertStep[]) {
      for (const s of steps) {
        if (s.kind === 'open') {
          alerts.push({ id: `a${next++}`, key: s.key, severity: s.severity, status: 'open', openedAt: '', resolvedAt: null, lastValue: s.value, message: s.message });
          announced.push({ key: s.key, kind: 'opened' });
          continue;
        }
        const a = alerts.find((x) => x.id === s.id)!;
        if (s.kind === 'resolve') {
          Object.assign(a, { status: 'resolved', resolvedAt: 'now', lastValue: s.value, message: s.message });
          announced.push({ key: s.key, kind: 'resolved' });
        } else {
          Object.assign(a, { severity: s.severity, lastValue: s.value, message: s.message });
          if (s.announce) announced.push({ key: s.key, kind: 'changed' });
        }
      }
    },
  };
}

const level = fc.constantFrom<Level | 'unknown'>('healthy', 'warning', 'critical', 'unknown');
const reading = fc.record({ key: fc.constantFrom(...alertKeys), level, value: fc.integer({ min: 0, max: 3 }) }).map(
  (r): Reading => ({ ...r, value: r.level === 'unknown' ? null : r.value, message: `${r.key} ${r.level} ${r.value}` }),
);
const evaluations = fc.array(fc.array(reading, { maxLength: 8 }), { maxLength: 30 });

describe('planAlerts', () => {
  it('an alert opens once per unhealthy stretch of a condition and never twice at a time', () => {
    fc.assert(
      fc.property(evaluations, (rounds) => {
        const store = model();
        const expectedOpens = new Map<AlertKey, number>();
        const unhealthy = new Map<AlertKey, boolean>();
        for (const readings of rounds) {
          store.apply(planAlerts(store.open(), readings));
          for (const r of new Map(readings.map((x) => [x.key, x])).values()) {
            if (r.level === 'unknown') continue;
            const bad = r.level !== 'healthy';
            if (bad && !unhealthy.get(r.key)) expectedOpens.set(r.key, (expectedOpens.get(r.key) ?? 0) + 1);
            unhealthy.set(r.key, bad);
          }
          const openKeys = store.open().map((a) => a.key);
          expect(new Set(openKeys).size).toBe(openKeys.length);
          // Open exactly where the last judged reading was unhealthy, with its severity.
          expect(openKeys.sort()).toEqual([...unhealthy].filter(([, bad]) => bad).map(([k]) => k).sort());
        }
        for (const key of alertKeys) expect(store.alerts.filter((a) => a.key === key).length, key).toBe(expectedOpens.get(key) ?? 0);
      }),
    );
  });

  it('evaluating the same readings again changes nothing', () => {
    fc.assert(
      fc.property(evaluations, fc.array(reading, { maxLength: 8 }), (before, readings) => {
        const store = model();
        for (const r of before) store.apply(planAlerts(store.open(), r));
        store.apply(planAlerts(store.open(), readings));
        expect(planAlerts(store.open(), readings)).toEqual([]);
      }),
    );
  });

  it('a healthy reading resolves the open alert; a later unhealthy one opens a new alert with a new id', () => {
    const store = model();
    const r = (level: Level | 'unknown', value = 1): Reading => ({ key: 'viral_k', level, value, message: level });
    store.apply(planAlerts(store.open(), [r('critical', 0.5)]));
    store.apply(planAlerts(store.open(), [r('critical', 0.5)]));
    store.apply(planAlerts(store.open(), [r('unknown')]));
    store.apply(planAlerts(store.open(), [r('warning', 1.1)]));
    const first = store.alerts[0]!;
    expect(store.alerts).toHaveLength(1);
    expect(first).toMatchObject({ status: 'open', severity: 'warning', lastValue: 1.1 });
    store.apply(planAlerts(store.open(), [r('healthy', 1.3)]));
    expect(first).toMatchObject({ status: 'resolved', lastValue: 1.3 });
    store.apply(planAlerts(store.open(), [r('critical', 0.2)]));
    expect(store.alerts.map((a) => [a.id, a.status])).toEqual([
      [first.id, 'resolved'],
      ['a1', 'open'],
    ]);
    expect(store.announced.map((a) => a.kind)).toEqual(['opened', 'changed', 'resolved', 'opened']);
  });

  it('only a change of severity is announced; a new value is kept quietly', () => {
    const open = [{ id: 'x', key: 'api_latency' as const, severity: 'warning' as const, lastValue: 300, message: 'm' }];
    expect(planAlerts(open, [{ key: 'api_latency', level: 'warning', value: 320, message: 'm2' }])).toEqual([
      { kind: 'update', id: 'x', key: 'api_latency', severity: 'warning', value: 320, message: 'm2', announce: false },
    ]);
    expect(planAlerts(open, [{ key: 'api_latency', level: 'critical', value: 900, message: 'm3' }])[0]).toMatchObject({ announce: true, severity: 'critical' });
  });
});

describe('client error reports and the screen list', () => {
  it('a report is bounded in size and carries no extra fields', () => {
    expect(ClientErrorReport.safeParse({ kind: 'error', message: 'x is undefined', path: '/dashboard/viral' }).success).toBe(true);
    expect(ClientErrorReport.safeParse({ kind: 'error', message: 'x'.repeat(1001), path: '/' }).success).toBe(false);
    expect(ClientErrorReport.safeParse({ kind: 'error', message: 'x', path: '/', cookie: 'no' }).success).toBe(false);
  });

  it('mergeAlert keeps one row per alert, newest first', () => {
    const a = { id: 'a', key: 'viral_k', severity: 'warning', status: 'open', openedAt: '', resolvedAt: null, lastValue: 1, message: '' } as const;
    const list = mergeAlert(mergeAlert([], a), { ...a, id: 'b' });
    expect(mergeAlert(list, { ...a, status: 'resolved' }).map((x) => [x.id, x.status])).toEqual([
      ['a', 'resolved'],
      ['b', 'open'],
    ]);
  });
});

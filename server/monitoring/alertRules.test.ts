/**
 * deploy/alerts.yml against the code: every expression names only metrics a real server's
 * /metrics exports, every rule's thresholds are the shared ones (shared/alerts.ts), every
 * condition of the in-server monitor has a rule, and `promtool check rules` accepts the file
 * when promtool is installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  BACKLOG_HEALTHY_MAX,
  BACKLOG_WARNING_MAX,
  DB_PROBE_HEALTHY_MS,
  DB_PROBE_WARNING_MS,
  K_ALERT_WINDOW_DAYS,
  K_HEALTHY,
  K_MIN_INVITERS,
  K_WARNING,
  LATENCY_HEALTHY_MS,
  LATENCY_WARNING_MS,
  alertKeys,
} from '../../shared/alerts';
import { startTestServer, type TestServer } from '../test/server';

const file = fileURLToPath(new URL('../../deploy/alerts.yml', import.meta.url));
interface Rule {
  alert: string;
  expr: string;
  labels: { severity: string; condition: string };
}
const rules = (parse(readFileSync(file, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);

/** The numbers each rule compares with, in order of appearance. */
const thresholds: Record<string, number[]> = {
  PlusOneViralKCritical: [K_WARNING, K_MIN_INVITERS],
  PlusOneViralKWarning: [K_HEALTHY, K_WARNING, K_MIN_INVITERS],
  PlusOneApiLatencyCritical: [LATENCY_WARNING_MS / 1000],
  PlusOneApiLatencyWarning: [LATENCY_HEALTHY_MS / 1000],
  PlusOneDatabaseDown: [0],
  PlusOneDatabaseSlowCritical: [DB_PROBE_WARNING_MS / 1000],
  PlusOneDatabaseSlowWarning: [DB_PROBE_HEALTHY_MS / 1000],
  PlusOneOutboxBacklogCritical: [BACKLOG_WARNING_MAX],
  PlusOneOutboxBacklogWarning: [BACKLOG_HEALTHY_MAX],
  PlusOneWebhookBacklogCritical: [BACKLOG_WARNING_MAX],
  PlusOneWebhookBacklogWarning: [BACKLOG_HEALTHY_MAX],
  PlusOneWebhookEndpointsDisabled: [0],
  PlusOneWebhookEndpointsFailing: [0],
};

const comparedWith = (expr: string) => [...expr.matchAll(/(?:[<>]=?|==)\s*(-?[0-9.]+)/g)].map((m) => Number(m[1]));
/** Metric names in an expression: identifiers followed by a selector or a range, not functions or labels. */
const metricNames = (expr: string) =>
  [...expr.replace(/\{[^}]*\}/g, '{}').matchAll(/\b([a-z_][a-z0-9_]*)\b(?=\s*(\{|\[|\)|\s*[<>=]|$))/g)].map((m) => m[1]!).filter((n) => n !== 'on');

let server: TestServer;
let exported: Set<string>;
beforeAll(async () => {
  server = await startTestServer({ demo: false });
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const families = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)];
  // A histogram's series are its family name with _bucket, _sum and _count.
  exported = new Set(families.flatMap(([, name, type]) => (type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name!])));
});
afterAll(() => server?.close());

describe('deploy/alerts.yml', () => {
  it('every expression names only metrics GET /metrics exports', () => {
    for (const rule of rules) {
      const names = metricNames(rule.expr);
      expect(names.length, rule.alert).toBeGreaterThan(0);
      for (const name of names) expect(exported.has(name), `${rule.alert}: ${name}`).toBe(true);
    }
  });

  it('thresholds are the ones in shared/alerts.ts, and K is the monitored window', () => {
    expect(rules.map((r) => r.alert).sort()).toEqual(Object.keys(thresholds).sort());
    for (const rule of rules) expect(comparedWith(rule.expr), rule.alert).toEqual(thresholds[rule.alert]);
    for (const rule of rules.filter((r) => r.labels.condition === 'viral_k')) expect(rule.expr).toContain(`window_days="${K_ALERT_WINDOW_DAYS}"`);
  });

  it('every condition of the in-server monitor has a warning and a critical rule', () => {
    for (const key of alertKeys) {
      const severities = rules.filter((r) => r.labels.condition === key).map((r) => r.labels.severity);
      expect(new Set(severities), key).toEqual(new Set(['warning', 'critical']));
    }
  });

  const promtool = spawnSync('promtool', ['--version']).status === 0;
  it.skipIf(!promtool)('promtool check rules accepts the file', () => {
    expect(execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8' })).toContain(`SUCCESS: ${rules.length} rules found`);
  });
});

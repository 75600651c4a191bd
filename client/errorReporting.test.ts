import { describe, expect, it } from 'vitest';
import { ClientErrorReport } from '../shared/alerts';
import { MAX_REPORTS_PER_MINUTE, createReporter, reportedPath } from './errorReporting';

const report = (message: string): ClientErrorReport => ({ kind: 'error', message, path: '/' });

describe('client error reporting', () => {
  it('sends each error once per page load and at most a few a minute', () => {
    const sent: string[] = [];
    let clock = 0;
    const go = createReporter(async (r) => sent.push(r.message), () => clock);
    expect(go(report('a'))).toBe(true);
    expect(go(report('a'))).toBe(false);
    for (let i = 0; i < MAX_REPORTS_PER_MINUTE + 3; i++) go(report(`b${i}`));
    expect(sent).toHaveLength(MAX_REPORTS_PER_MINUTE);
    clock += 60_000;
    expect(go(report('later'))).toBe(true);
    expect(sent.at(-1)).toBe('later');
  });

  it('a report that cannot go is dropped quietly', async () => {
    const go = createReporter(() => Promise.reject(new Error('offline')));
    expect(go(report('x'))).toBe(true);
    await new Promise((r) => setTimeout(r, 0)); // no unhandled rejection follows
  });

  it('paths never carry an invite code', () => {
    expect(reportedPath('/invite/AbC123secret')).toBe('/invite/:code');
    expect(reportedPath('/dashboard/viral')).toBe('/dashboard/viral');
    expect(ClientErrorReport.safeParse({ kind: 'error', message: 'x', path: reportedPath('/join/zz') }).success).toBe(true);
  });
});

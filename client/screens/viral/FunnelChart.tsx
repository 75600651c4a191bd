import { SUPPRESSED_LABEL } from '../../../shared/analytics/privacy';
import type { PlatformData } from '../../../shared/analytics/snapshots';
import { funnelSteps } from './chartData';
import { formatCount, formatDays, formatPercent } from './format';

/**
 * Sent → delivered → opened → accepted as bars (the length is the share of invitations sent),
 * each with its number and the share of the step before; then the median time to accept, which
 * the server hides over fewer than 5 acceptances (`cycleSuppressed`). Plain HTML: the numbers
 * are text, the bars are decoration.
 */
export function FunnelChart({ funnel, cycleDays, cycleSuppressed = false }: { funnel: NonNullable<PlatformData['funnel']>; cycleDays: number | null; cycleSuppressed?: boolean }) {
  const steps = funnelSteps(funnel);
  return (
    <div data-testid="funnel">
      <ol className="funnel">
        {steps.map((step, i) => (
          <li key={step.key} data-step={step.key}>
            <span className="funnel-label">{step.label}</span>
            <span className="funnel-track" aria-hidden="true">
              <span className={`funnel-bar funnel-${step.key}`} style={{ width: `${(step.ofSent * 100).toFixed(1)}%` }} />
            </span>
            <span className="funnel-count">
              <strong data-testid={`funnel-${step.key}`}>{formatCount(step.count)}</strong>
              {step.ofPrevious !== null && (
                <span className="muted">
                  {' '}
                  · {formatPercent(step.ofPrevious)} of {steps[i - 1]!.label.toLowerCase()}
                </span>
              )}
            </span>
          </li>
        ))}
      </ol>
      <p data-testid="cycle-days" data-suppressed={cycleSuppressed}>
        {cycleSuppressed ? (
          <>
            Median time from invitation to acceptance: <span className="suppressed">{SUPPRESSED_LABEL}</span>{' '}
            <span className="muted">acceptances in this window, so it is not shown.</span>
          </>
        ) : cycleDays === null ? (
          <span className="muted">No invitation accepted in this window yet, so no time to accept.</span>
        ) : (
          <>
            Median time from invitation to acceptance: <strong>{formatDays(cycleDays)}</strong>
          </>
        )}
      </p>
    </div>
  );
}

/**
 * One experiment's results: a row per variant (sends, deliveries, opens, acceptances, bookings,
 * acceptance rate with its 95% credible interval, chance to beat control), the sample-ratio
 * warning, and the winner notice with its one-click promotion.
 */
import { SUPPRESSED_LABEL } from '../../../shared/analytics/privacy';
import { CONTROL, type ExperimentResults, type VariantResult } from '../../../shared/experiments/config';
import { formatCount, formatDollars, formatPercent } from '../viral/format';
import type { ExperimentView } from './experimentsApi';

export const percentInterval = (low: number | null, high: number | null): string => `${formatPercent(low)} – ${formatPercent(high)}`;

function chanceText(v: VariantResult): string {
  if (v.suppressed) return SUPPRESSED_LABEL;
  if (v.chanceToBeatControl === null) return v.name === CONTROL ? 'baseline' : formatPercent(null);
  return formatPercent(v.chanceToBeatControl);
}

export function ResultsTable({
  experiment,
  results,
  online,
  onPromote,
}: {
  experiment: ExperimentView;
  results: ExperimentResults;
  online: boolean;
  onPromote: (variant: string) => void;
}) {
  const candidate = experiment.status === 'running' ? (results.winner ?? results.leader) : null;
  const best = results.variants.find((v) => v.name === candidate);
  return (
    <div className="experiment-results">
      {experiment.status === 'concluded' && (
        <p className="notice" data-testid="experiment-concluded">
          <strong>{experiment.defaultVariant}</strong> is the default template: every new invitation on this channel uses it.
        </p>
      )}
      {best && (
        <div className="notice winner" role="status" data-testid="experiment-winner">
          <span>
            Winner: <strong>{best.name}</strong> beats control with a {formatPercent(best.chanceToBeatControl)} chance (your threshold:{' '}
            {formatPercent(experiment.threshold)}).
          </span>
          <button type="button" className="primary" data-testid="promote-variant" disabled={!online} onClick={() => onPromote(best.name)}>
            Promote {best.name} to default
          </button>
        </div>
      )}
      {results.srm.mismatch && (
        <p className="refusal" role="alert" data-testid="srm-warning">
          Sample ratio mismatch: the split of inviters departs from the weights (p = {results.srm.pValue.toExponential(1)}). Check assignment
          before trusting these results.
        </p>
      )}
      <div className="table-scroll">
        <table data-testid="experiment-results">
          <caption className="muted">
            Invitations of the last {results.windowDays} day{results.windowDays === 1 ? '' : 's'} of this experiment.
          </caption>
          <thead>
            <tr>
              <th scope="col">Variant</th>
              <th scope="col">Weight</th>
              <th scope="col">Inviters</th>
              <th scope="col">Sends</th>
              <th scope="col">Delivered</th>
              <th scope="col">Opened</th>
              <th scope="col">Accepted</th>
              <th scope="col">Bookings</th>
              <th scope="col">Rate (95% interval)</th>
              <th scope="col">Beats control</th>
            </tr>
          </thead>
          <tbody>
            {results.variants.map((v) => (
              <tr key={v.name} data-testid="variant-row" data-variant={v.name}>
                <th scope="row">{v.name}</th>
                <td>{formatPercent(v.weight / Math.max(1e-9, results.variants.reduce((s, x) => s + x.weight, 0)))}</td>
                <td>{formatCount(v.inviters)}</td>
                <td>{formatCount(v.sends)}</td>
                <td>{formatCount(v.deliveries)}</td>
                <td>{formatCount(v.opens)}</td>
                <td data-testid="variant-acceptances">{formatCount(v.acceptances)}</td>
                <td>
                  {formatCount(v.bookings)}
                  {v.bookingCents ? ` (${formatDollars(v.bookingCents / 100)})` : ''}
                </td>
                <td>
                  {formatPercent(v.rate)} <span className="muted">({percentInterval(v.rateLow, v.rateHigh)})</span>
                </td>
                <td data-testid="chance-to-beat">{chanceText(v)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {results.variants.some((v) => v.suppressed) && (
        <p className="muted small" data-testid="variants-suppressed">
          Variants with fewer than 5 inviters (and one beside them, so they cannot be worked out) show no figures, to protect people's privacy.
        </p>
      )}
      {results.srm.skipped && <p className="muted">Split check: not made ({results.srm.skipped}).</p>}
    </div>
  );
}

import { SUPPRESSED_LABEL } from '../../../shared/analytics/privacy';
import type { KSlice } from '../../../shared/analytics/snapshots';
import { formatCount, formatInterval, formatK, formatPercent } from './format';

/**
 * K for each slice of one dimension (actor, channel, template variant). A slice with fewer
 * than 5 inviters is suppressed by the server (DESIGN §6) and says so instead of its figures.
 */
export function BreakdownTable({ id, title, dimension, rows }: { id: string; title: string; dimension: string; rows: readonly KSlice[] }) {
  const titleId = `breakdown-${id}-title`;
  return (
    <div className="breakdown" data-testid={`breakdown-${id}`}>
      <h3 id={titleId}>{title}</h3>
      {rows.length === 0 ? (
        <p className="muted">No invitations in this window.</p>
      ) : (
        <div className="table-scroll" role="region" aria-labelledby={titleId} tabIndex={0}>
          <table className="figures-table">
            <thead>
              <tr>
                <th scope="col">{dimension}</th>
                <th scope="col">Inviters</th>
                <th scope="col">K</th>
                <th scope="col">95% interval</th>
                <th scope="col">Acceptance rate</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.key} data-key={row.key} data-suppressed={row.suppressed}>
                  <th scope="row">{row.label}</th>
                  {row.suppressed ? (
                    <td colSpan={4} className="suppressed">
                      {SUPPRESSED_LABEL}
                    </td>
                  ) : (
                    <>
                      <td>{formatCount(row.inviters)}</td>
                      <td>{formatK(row.k)}</td>
                      <td>{formatInterval(row.kLow, row.kHigh)}</td>
                      <td>{formatPercent(row.acceptanceRate)}</td>
                    </>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

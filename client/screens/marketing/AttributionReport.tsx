import { isSuppressed, SUPPRESSED_LABEL } from '../../../shared/analytics/privacy';
import type { AttributionData, ReferrerRevenueRow, RevenueRow } from '../../../shared/analytics/snapshots';
import { AsOfNote } from '../viral/AsOfNote';
import { formatCount, formatDollars } from '../viral/format';
import { NoFigures } from '../viral/NoFigures';
import type { SnapshotState } from '../viral/useSnapshot';

/**
 * The owner's attribution report from the cached `attribution` snapshot (so it reads offline):
 * `Referred Revenue: $<amount>` (DESIGN §8), direct and indirect, and the revenue by referrer
 * (with what each was credited directly and from 2–3 levels down), channel, template variant
 * and month. A row over fewer than 5 people says so instead of its
 * figures; so does the total when fewer than 5 referred people booked, and so do direct and
 * indirect when either is under 5 (the other would give it away).
 */
export function AttributionReport({ snapshot }: { snapshot: SnapshotState<'attribution'> }) {
  return (
    <section className="card" data-testid="attribution-report" aria-labelledby="attribution-title">
      {snapshot.status === 'ready' ? (
        <Report data={snapshot.data} computedAt={snapshot.computedAt} />
      ) : (
        <>
          <h2 id="attribution-title">Referred revenue</h2>
          <NoFigures loading={snapshot.status === 'loading'} />
        </>
      )}
    </section>
  );
}

function Report({ data, computedAt }: { data: AttributionData; computedAt: string }) {
  // The server has already suppressed (null); an older snapshot may still carry a raw small count.
  const hidden = data.referredPeople === null || isSuppressed(data.referredPeople);
  const money = (amount: number | null) => (hidden || amount === null ? SUPPRESSED_LABEL : formatDollars(amount));
  return (
    <>
      <h2 id="attribution-title" data-testid="referred-revenue">
        Referred Revenue: {money(data.total)}
      </h2>
      <dl className="figures">
        <div>
          <dt>Direct (referred by the inviter)</dt>
          <dd data-testid="attribution-direct">{money(data.direct)}</dd>
        </div>
        <div>
          <dt>Indirect (further down a chain)</dt>
          <dd data-testid="attribution-indirect">{money(data.indirect)}</dd>
        </div>
        <div>
          <dt>Referred people who booked</dt>
          <dd data-testid="attribution-people">{hidden || data.referredPeople === null ? SUPPRESSED_LABEL : formatCount(data.referredPeople)}</dd>
        </div>
      </dl>
      <RevenueTable id="referrer" title="By referrer" dimension="Referrer" rows={data.byReferrer} />
      <RevenueTable id="channel" title="By channel" dimension="Channel" rows={data.byChannel} />
      <RevenueTable id="variant" title="By template variant" dimension="Variant" rows={data.byVariant} />
      <RevenueTable id="month" title="By month" dimension="Month" rows={data.byMonth} />
      <AsOfNote computedAt={computedAt} />
    </>
  );
}

const cell = (n: number | null, format: (n: number) => string) =>
  n === null ? <td className="suppressed">{SUPPRESSED_LABEL}</td> : <td>{format(n)}</td>;

/** A breakdown's rows; a referrer's rows also split their revenue into direct and indirect (2–3 levels down). */
function RevenueTable({ id, title, dimension, rows }: { id: string; title: string; dimension: string; rows: readonly (RevenueRow | ReferrerRevenueRow)[] }) {
  const titleId = `revenue-${id}-title`;
  const split = rows.some((row) => 'direct' in row);
  return (
    <div className="breakdown" data-testid={`revenue-by-${id}`}>
      <h3 id={titleId}>{title}</h3>
      {rows.length === 0 ? (
        <p className="muted">No referred bookings yet.</p>
      ) : (
        <div className="table-scroll" role="region" aria-labelledby={titleId} tabIndex={0}>
          <table className="figures-table">
            <thead>
              <tr>
                <th scope="col">{dimension}</th>
                <th scope="col">People</th>
                <th scope="col">Revenue</th>
                {split && <th scope="col">Direct</th>}
                {split && <th scope="col">Indirect (2–3 levels down)</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.key} data-key={row.key} data-suppressed={row.suppressed}>
                  <th scope="row">{row.label}</th>
                  {row.suppressed || row.people === null || row.revenue === null ? (
                    <td colSpan={2} className="suppressed">
                      {SUPPRESSED_LABEL}
                    </td>
                  ) : (
                    <>
                      <td>{formatCount(row.people)}</td>
                      <td>{formatDollars(row.revenue)}</td>
                    </>
                  )}
                  {'direct' in row && cell(row.direct, formatDollars)}
                  {'indirect' in row && cell(row.indirect, formatDollars)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

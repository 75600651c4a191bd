import { snapshotIds } from '../../../shared/analytics/snapshots';
import { connectorTiers, SUPER_CONNECTOR_MIN_CONNECTIONS, tierLabel } from '../../../shared/analytics/superConnector';
import { AsOfNote } from './AsOfNote';
import { formatCount } from './format';
import { NoFigures } from './NoFigures';
import { useSnapshot } from './useSnapshot';

/** The owner's leaderboard of super-connectors (the `connectors` snapshot), best first. */
export function ConnectorLeaderboard() {
  const snapshot = useSnapshot('connectors', snapshotIds.connectors);
  return (
    <section className="card" aria-labelledby="leaderboard-title" data-testid="connector-leaderboard">
      <h2 id="leaderboard-title">Super-connectors</h2>
      {snapshot.status !== 'ready' ? (
        <NoFigures loading={snapshot.status === 'loading'} />
      ) : (
        <>
          <p className="muted" data-testid="connector-tiers">
            {connectorTiers.map((t) => `${formatCount(snapshot.data.byTier[t])} ${tierLabel(t)}`).join(' · ')}
          </p>
          {snapshot.data.leaderboard.length === 0 ? (
            <p className="muted">No super-connectors yet: a supplier becomes one at {SUPER_CONNECTOR_MIN_CONNECTIONS} couple connections.</p>
          ) : (
            <div className="table-scroll" role="region" aria-labelledby="leaderboard-title" tabIndex={0}>
              <table className="figures-table">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col" className="text">
                      Name
                    </th>
                    <th scope="col" className="text">
                      Tier
                    </th>
                    <th scope="col">Score</th>
                    <th scope="col">Connections</th>
                    <th scope="col">Successes</th>
                  </tr>
                </thead>
                <tbody>
                  {snapshot.data.leaderboard.map((c, i) => (
                    <tr key={c.userId} data-user-id={c.userId}>
                      <td className="text">{i + 1}</td>
                      <th scope="row">{c.name}</th>
                      <td className="text">
                        <span className={`tier-badge tier-${c.tier}`}>{tierLabel(c.tier)}</span>
                      </td>
                      <td>{Math.round(c.score).toLocaleString('en-US')}</td>
                      <td>{formatCount(c.connections)}</td>
                      <td>{formatCount(c.successes)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <AsOfNote computedAt={snapshot.computedAt} />
        </>
      )}
    </section>
  );
}

import { snapshotIds } from '../../../shared/analytics/snapshots';
import { SUPER_CONNECTOR_MIN_CONNECTIONS } from '../../../shared/analytics/superConnector';
import { formatCount, tierText } from './format';
import { NoFigures } from './NoFigures';
import { useSnapshot } from './useSnapshot';

/**
 * A supplier's own super-connector standing (their `user:<id>` snapshot): the tier once they
 * are a super-connector, else how many couple connections they have toward the 20 it takes.
 */
export function ConnectorStanding({ userId }: { userId: string }) {
  const snapshot = useSnapshot('user', snapshotIds.user(userId));
  const connector = snapshot.status === 'ready' ? snapshot.data.connector : null;
  return (
    <section className="card standing" aria-labelledby="standing-title">
      <h2 id="standing-title">Your standing</h2>
      {snapshot.status !== 'ready' ? (
        <NoFigures loading={snapshot.status === 'loading'} />
      ) : !connector ? (
        <p className="muted">No couple connections yet: invite your past clients to start.</p>
      ) : connector.tier ? (
        <>
          <p className={`tier tier-${connector.tier}`} data-testid="connector-tier">
            {tierText(connector.tier)}
          </p>
          <p className="muted">
            Score {Math.round(connector.score).toLocaleString('en-US')} · {formatCount(connector.connections)} couple connections ·{' '}
            {formatCount(connector.successes)} accepted invitations
          </p>
        </>
      ) : (
        <>
          <p data-testid="connector-progress">
            {formatCount(connector.connections)} of {SUPER_CONNECTOR_MIN_CONNECTIONS} couple connections toward Super-Connector
          </p>
          <progress max={SUPER_CONNECTOR_MIN_CONNECTIONS} value={Math.min(connector.connections, SUPER_CONNECTOR_MIN_CONNECTIONS)} aria-labelledby="standing-title" />
        </>
      )}
    </section>
  );
}

import { useEffect, useState } from 'react';
import type { SegmentProfile } from '../../../shared/analytics/segments';
import { tierLabel } from '../../../shared/analytics/superConnector';
import { formatCount, formatDollars, formatK, NO_FIGURE } from '../viral/format';
import { failureText, segmentMembers } from './segmentsApi';

type State = { status: 'loading' } | { status: 'failed'; reason: string } | { status: 'ready'; members: SegmentProfile[] };

/** A segment's people with the figures that put them there; read live (needs a connection). */
export function SegmentMembers({ segmentId, version }: { segmentId: string; version: string }) {
  const [state, setState] = useState<State>({ status: 'loading' });
  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    segmentMembers(segmentId).then(
      (members) => current && setState({ status: 'ready', members }),
      (err) => current && setState({ status: 'failed', reason: failureText(err, 'Member lists need a connection: they show once you are back online.') }),
    );
    return () => {
      current = false;
    };
  }, [segmentId, version]);

  if (state.status === 'loading') return <p className="muted" aria-busy="true">Loading members…</p>;
  if (state.status === 'failed') return <p className="muted" data-testid="segment-members-unavailable">{state.reason}</p>;
  if (state.members.length === 0) return <p className="muted" data-testid="segment-members">Nobody is in this segment right now.</p>;
  return (
    <div className="table-scroll" role="region" aria-label="Members" tabIndex={0} data-testid="segment-members">
      <table className="figures-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Tier</th>
            <th scope="col">Invitations (30 d)</th>
            <th scope="col">K (30 d)</th>
            <th scope="col">Last invited</th>
            <th scope="col">Referred revenue</th>
          </tr>
        </thead>
        <tbody>
          {state.members.map((m) => (
            <tr key={m.userId} data-user-id={m.userId}>
              <th scope="row">
                {m.name}
                <br />
                <span className="muted small">{m.email}</span>
              </th>
              <td>{m.role}</td>
              <td>{m.tier ? tierLabel(m.tier) : NO_FIGURE}</td>
              <td>{formatCount(m.invitations30d)}</td>
              <td>{formatK(m.k30d)}</td>
              <td>{m.daysSinceLastInvitation === null ? NO_FIGURE : `${m.daysSinceLastInvitation} d ago`}</td>
              <td>{formatDollars(m.referredRevenue)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

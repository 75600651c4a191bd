/**
 * The owner's header link to /admin/experiments. When a running experiment has a variant whose
 * chance to beat control passed the owner's threshold, the link carries a badge saying so, read
 * from the cached `experiments:results` snapshot (so it shows offline and appears live when the
 * snapshot moves), with the channels and variants in its accessible label.
 */
import { NavLink } from 'react-router';
import { EXPERIMENT_RESULTS_ID, pendingWinners } from '../../shared/experiments/config';
import { useSnapshot } from '../screens/viral/useSnapshot';
import './experimentsNavLink.css';

const channelName = { email: 'email', sms: 'SMS', whatsapp: 'WhatsApp' } as const;

export function ExperimentsNavLink() {
  const snapshot = useSnapshot('experiments', EXPERIMENT_RESULTS_ID);
  const winners = pendingWinners(snapshot.status === 'ready' ? snapshot.data : null);
  const told = winners.map((w) => `${w.variant} on ${channelName[w.channel]}`).join(', ');
  const label = `${winners.length === 1 ? 'A variant beats' : `${winners.length} variants beat`} control and can be promoted: ${told}`;
  return (
    <NavLink to="/admin/experiments" data-testid="nav-experiments">
      Experiments
      {winners.length > 0 && (
        <span className="badge nav-winner" role="status" data-testid="experiments-winner-badge" aria-label={label} title={label}>
          {winners.length === 1 ? 'Winner' : `${winners.length} winners`}
        </span>
      )}
    </NavLink>
  );
}

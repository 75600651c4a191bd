/**
 * `/dashboard/attribution`: who referred the signed-in user, how deep in a referral chain
 * they are, the people they referred (3 levels at most) and the bookings those people made.
 * Reads the user's own `user:<id>` snapshot, so it shows offline too.
 */
import { MAX_CHAIN_DEPTH_SHOWN } from '../../../shared/analytics/attribution';
import { snapshotIds } from '../../../shared/analytics/snapshots';
import { useCurrentSync } from '../../shell/UserSyncContext';
import { AsOfNote } from '../viral/AsOfNote';
import { formatDollars } from '../viral/format';
import { NoFigures } from '../viral/NoFigures';
import { useSnapshot } from '../viral/useSnapshot';
import { chainDepthMeaning, people, peopleBelow, referredByText } from './referral';
import { ReferralTree } from './ReferralTree';

export function ReferralTracker() {
  const { user } = useCurrentSync();
  const snapshot = useSnapshot('user', snapshotIds.user(user.id));

  if (snapshot.status !== 'ready') {
    return (
      <main className="attribution">
        <h1>Your referrals</h1>
        <section className="card">
          <NoFigures loading={snapshot.status === 'loading'} />
        </section>
      </main>
    );
  }
  const d = snapshot.data;
  const referredBy = referredByText(d.referredBy);
  const total = d.referredRevenue.direct + d.referredRevenue.indirect;
  const direct = d.tree.children.length;
  const everyone = peopleBelow(d.tree);

  return (
    <main className="attribution">
      <h1>Your referrals</h1>
      <section className="card" aria-labelledby="chain-title">
        <h2 id="chain-title">How you joined</h2>
        {referredBy && (
          <p className="referred-by" data-testid="referred-by">
            {referredBy}
          </p>
        )}
        <dl className="figures">
          <div>
            <dt>Referral chain depth</dt>
            <dd data-testid="viral-chain-depth">{d.chainDepth}</dd>
          </div>
          <div>
            <dt>People you referred</dt>
            <dd data-testid="referred-people">{everyone}</dd>
          </div>
        </dl>
        <p className="muted">{chainDepthMeaning(d.chainDepth)}</p>
      </section>

      <section className="card" aria-labelledby="revenue-title">
        <h2 id="revenue-title">Referred Revenue: {formatDollars(total)}</h2>
        <dl className="figures">
          <div>
            <dt>Direct (people you invited)</dt>
            <dd data-testid="revenue-direct">{formatDollars(d.referredRevenue.direct)}</dd>
          </div>
          <div>
            <dt>Indirect (people they invited, and so on)</dt>
            <dd data-testid="revenue-indirect">{formatDollars(d.referredRevenue.indirect)}</dd>
          </div>
        </dl>
      </section>

      <section className="card" aria-labelledby="tree-title">
        <h2 id="tree-title">People who joined through you</h2>
        {everyone > 0 && (
          <p className="muted">
            {people(direct)} directly, {people(everyone)} in all; the tree shows {MAX_CHAIN_DEPTH_SHOWN} levels.
          </p>
        )}
        <ReferralTree root={d.tree} />
        <AsOfNote computedAt={snapshot.computedAt} />
      </section>
    </main>
  );
}

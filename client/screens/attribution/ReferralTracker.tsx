/**
 * `/dashboard/attribution`: who referred the signed-in user, how deep in a referral chain
 * they are, the people they referred (3 levels at most) and the bookings those people made:
 * what each person they referred booked, and the revenue by level, where a level of fewer than
 * 5 bookers says so (the server has already hidden it). Reads the user's own `user:<id>`
 * snapshot, so it shows offline too.
 */
import { MAX_CHAIN_DEPTH_SHOWN } from '../../../shared/analytics/attribution';
import { SUPPRESSED_LABEL } from '../../../shared/analytics/privacy';
import { snapshotIds } from '../../../shared/analytics/snapshots';
import { useCurrentSync } from '../../shell/UserSyncContext';
import { AsOfNote } from '../viral/AsOfNote';
import { formatDollars } from '../viral/format';
import { NoFigures } from '../viral/NoFigures';
import { useSnapshot } from '../viral/useSnapshot';
import { chainDepthMeaning, people, peopleBelow, referredByText } from './referral';
import { ReferralTree } from './ReferralTree';

/** Levels 2 and 3 of the revenue, in plain words. */
const LEVEL_NAMES = ['People your referrals invited', 'People they invited in turn'];

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
  const money = (amount: number | null) => (amount === null ? SUPPRESSED_LABEL : formatDollars(amount));
  const revenue = d.referredRevenue;
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
        <h2 id="revenue-title">Referred Revenue: {money(revenue.total)}</h2>
        <dl className="figures">
          <div>
            <dt>Direct (people you invited)</dt>
            <dd data-testid="revenue-direct">{money(revenue.direct)}</dd>
          </div>
          <div>
            <dt>Indirect (people they invited, and so on)</dt>
            <dd data-testid="revenue-indirect">{money(revenue.indirect)}</dd>
          </div>
          {!revenue.suppressed && revenue.byLevel.slice(1).map((amount, i) => (
            <div key={i + 2}>
              <dt>{LEVEL_NAMES[i] ?? `Level ${i + 2}`}</dt>
              <dd data-testid={`revenue-level-${i + 2}`}>{money(amount)}</dd>
            </div>
          ))}
        </dl>
        <p className="muted">
          A total over fewer than 5 people who booked is not shown. You see what each person you invited booked, not what each person further down booked.
        </p>
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

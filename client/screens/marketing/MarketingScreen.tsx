/**
 * `/admin/marketing` (the owner): the marketing segments — the four built-ins and the custom
 * rules the owner writes — with their counts, members and exports, a rule builder, and the
 * attribution report. Counts and the report read the cached `segments` and `attribution`
 * snapshots, so they show offline; online, the list is also read live (it has the rules) and
 * member lists, exports and changes go to the server.
 */
import { useEffect, useState } from 'react';
import { builtInSegments } from '../../../shared/analytics/segments';
import { snapshotIds, type SegmentsData } from '../../../shared/analytics/snapshots';
import { useCurrentSync } from '../../shell/UserSyncContext';
import { useSyncStatus } from '../../sync/userSync';
import { AsOfNote } from '../viral/AsOfNote';
import { NoFigures } from '../viral/NoFigures';
import { useSnapshot } from '../viral/useSnapshot';
import { SegmentFeed } from '../integrations/SegmentFeed';
import { AttributionReport } from './AttributionReport';
import { SegmentBuilder } from './SegmentBuilder';
import { SegmentCard, type CardSegment } from './SegmentCard';
import { deleteSegment, failureText, listSegments, type LiveSegment } from './segmentsApi';
import './marketing.css';

const builtInRules = new Map(builtInSegments.map((s) => [s.id, s.rule]));

/** The live list when there is one (it is newer and has every rule), else the cached counts. */
function cardsFrom(live: LiveSegment[] | null, cached: SegmentsData | null): CardSegment[] | null {
  if (live) return live;
  return cached?.segments.map((s) => ({ ...s, rule: builtInRules.get(s.id) ?? null })) ?? null;
}

export function MarketingScreen() {
  const sync = useCurrentSync();
  const online = useSyncStatus(sync).connection !== 'offline';
  const segments = useSnapshot('segments', snapshotIds.segments);
  const attribution = useSnapshot('attribution', snapshotIds.attribution);
  const [live, setLive] = useState<LiveSegment[] | null>(null);
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const cachedAt = segments.status === 'ready' ? segments.computedAt : null;

  // Read the list live when online, again whenever the cached snapshot moves or we changed it.
  useEffect(() => {
    if (!online) {
      setLive(null);
      return;
    }
    let current = true;
    listSegments().then(
      (list) => current && setLive(list),
      () => current && setLive(null),
    );
    return () => {
      current = false;
    };
  }, [online, cachedAt, version]);

  const cards = cardsFrom(live, segments.status === 'ready' ? segments.data : null);

  async function remove(segment: CardSegment) {
    if (!window.confirm(`Delete the segment “${segment.name}”? Its members leave it.`)) return;
    try {
      await deleteSegment(segment.id);
      setNotice(`Deleted “${segment.name}”.`);
    } catch (err) {
      setNotice(failureText(err, 'You are offline: the segment can be deleted once the connection returns.'));
    }
    setVersion((v) => v + 1);
  }

  return (
    <main className="marketing">
      <h1>Marketing</h1>
      <section className="card" aria-labelledby="segments-title">
        <h2 id="segments-title">Segments</h2>
        {notice && (
          <p className="muted" role="status" data-testid="segment-notice">
            {notice}
          </p>
        )}
        {cards ? (
          <ul className="segment-grid" data-testid="segment-list">
            {cards.map((s) => (
              <SegmentCard key={s.id} segment={s} online={online} onDelete={remove} />
            ))}
          </ul>
        ) : (
          <NoFigures loading={segments.status === 'loading'} />
        )}
        {segments.status === 'ready' && !live && <AsOfNote computedAt={segments.computedAt} />}
      </section>
      <section className="card">
        <SegmentBuilder
          online={online}
          onCreated={(created) => {
            setNotice(`Created “${created.name}”.`);
            setLive((list) => (list ? [...list.filter((s) => s.id !== created.id), created] : list));
            setVersion((v) => v + 1);
          }}
        />
      </section>
      <SegmentFeed segments={cards} online={online} version={`${cachedAt}:${version}`} />
      <AttributionReport snapshot={attribution} />
    </main>
  );
}

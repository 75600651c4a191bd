/**
 * The marketing feed on /admin/marketing: for each segment, its size, its latest membership
 * changes and the webhook endpoints that receive them (a change reaches those endpoints within
 * a second). Read live: it needs a connection.
 */
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { SegmentFeed as Feed } from '../../../shared/integrations/webhooks';
import { cardTitle, segmentsKey } from '../marketing/segmentText';
import { failureText, marketingFeed } from './integrationsApi';
import { when } from './integrationsText';
import './integrations.css';

interface Props {
  /** The segments as the screen knows them (names and sizes, privacy applied by cardTitle). */
  segments: { id: string; name: string; members: number }[] | null;
  online: boolean;
  /** Changes when the segments do: the feed is read again. */
  version: string;
}

export function SegmentFeed({ segments, online, version }: Props) {
  const [feed, setFeed] = useState<Feed[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  // The titles are the cards' counts: read the changes again whenever one moves (segmentsKey).
  const counts = segmentsKey(segments);
  useEffect(() => {
    if (!online) return;
    let current = true;
    marketingFeed().then(
      (f) => current && (setFeed(f), setProblem(null)),
      (err) => current && setProblem(failureText(err)),
    );
    return () => {
      current = false;
    };
  }, [online, version, counts]);

  const byId = new Map(feed?.map((f) => [f.segmentId, f]));
  return (
    <section className="card segment-feed" aria-labelledby="segment-feed-title" data-testid="segment-feed">
      <h2 id="segment-feed-title">Marketing feed</h2>
      <p className="muted small">
        Membership changes go to the webhook endpoints subscribed to <code>segment.membership_changed</code>. Manage them in{' '}
        <Link to="/admin/integrations">Integrations</Link>.
      </p>
      {!online && <p className="muted">The feed needs a connection.</p>}
      {problem && <p className="form-error">{problem}</p>}
      {online && segments && feed && (
        <ul className="segment-feed-list">
          {segments.map((s) => {
            const f = byId.get(s.id);
            return (
              <li key={s.id} data-testid="segment-feed-row" data-segment-id={s.id}>
                <h3>{cardTitle(s.name, s.members)}</h3>
                {f && f.recent.length > 0 ? (
                  <ul aria-label={`${s.name}: recent changes`}>
                    {f.recent.map((c) => (
                      <li key={c.eventId} data-testid="segment-change">
                        {c.name} {c.change} <span className="muted small">{when(c.at)}</span>
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p className="muted small">No recent changes.</p>
                )}
                <p className="small" data-testid="segment-endpoints">
                  {f && f.endpoints.length > 0
                    ? `Sent to: ${f.endpoints.map((e) => (e.status === 'disabled' ? `${e.url} (disabled)` : e.url)).join(', ')}`
                    : 'No webhook endpoint receives this segment.'}
                </p>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

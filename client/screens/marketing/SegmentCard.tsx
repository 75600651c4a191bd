import { useState } from 'react';
import type { SegmentRule } from '../../../shared/analytics/segments';
import { SegmentMembers } from './SegmentMembers';
import { cardTitle, describeRule } from './segmentText';
import { exportUrl } from './segmentsApi';

export interface CardSegment {
  id: string;
  name: string;
  builtIn: boolean;
  members: number;
  changedAt: string | null;
  /** Unknown offline for a custom segment (the cached snapshot holds counts, not rules). */
  rule: SegmentRule | null;
}

interface Props {
  segment: CardSegment;
  online: boolean;
  onDelete?: (segment: CardSegment) => void;
}

/** One segment: `Super-Connectors (12 users)`, its rule, its members on demand, its exports. */
export function SegmentCard({ segment, online, onDelete }: Props) {
  const [open, setOpen] = useState(false);
  const titleId = `segment-${segment.id}-title`;
  return (
    <li className="card segment-card" data-testid="segment-card" data-segment-id={segment.id} aria-labelledby={titleId}>
      <div className="section-head">
        <h3 id={titleId} data-testid="segment-title">
          {cardTitle(segment.name, segment.members)}
        </h3>
        {!segment.builtIn && <span className="badge">Custom</span>}
      </div>
      {segment.rule && <p className="muted small" data-testid="segment-rule">{describeRule(segment.rule)}</p>}
      <div className="segment-actions" role="group" aria-label={`${segment.name}: actions`}>
        <button type="button" aria-expanded={open} data-testid="show-members" onClick={() => setOpen((v) => !v)}>
          {open ? 'Hide members' : 'Show members'}
        </button>
        {online ? (
          <>
            <a className="button" href={exportUrl(segment.id, 'csv')} download data-testid="export-csv">
              Export CSV
            </a>
            <a className="button" href={exportUrl(segment.id, 'json')} download data-testid="export-json">
              Export JSON
            </a>
          </>
        ) : (
          <span className="muted small">Exports need a connection.</span>
        )}
        {!segment.builtIn && onDelete && (
          <button type="button" data-testid="delete-segment" disabled={!online} onClick={() => onDelete(segment)}>
            Delete
          </button>
        )}
      </div>
      {open && <SegmentMembers segmentId={segment.id} version={`${segment.changedAt}:${segment.members}`} />}
    </li>
  );
}

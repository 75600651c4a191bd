/**
 * A segment's members as a file for a campaign tool: CSV (one row per person, the profile
 * columns in a fixed order, cells that would start a spreadsheet formula escaped) or JSON (the
 * segment, when it was exported, and the same profiles). Exports list people to contact, so
 * small segments are exported in full; only on-screen counts are suppressed.
 */
import { stringify } from 'csv-stringify/sync';
import { SegmentField, type SegmentProfile } from '../../shared/analytics/segments';
import type { Segment } from './service';

export const exportFormats = ['csv', 'json'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** CSV columns, in order: every SegmentProfile field. */
export const exportColumns = ['userId', 'name', 'email', ...SegmentField.options] as const satisfies readonly (keyof SegmentProfile)[];

export interface ExportFile {
  filename: string;
  contentType: string;
  body: string;
}

export function exportMembers(segment: Segment, members: SegmentProfile[], format: ExportFormat, now: Date): ExportFile {
  const filename = `${segment.id}-${now.toISOString().slice(0, 10)}.${format}`;
  if (format === 'json') {
    const body = {
      segment: { id: segment.id, name: segment.name, builtIn: segment.builtIn, rule: segment.rule },
      exportedAt: now.toISOString(),
      members,
    };
    return { filename, contentType: 'application/json; charset=utf-8', body: JSON.stringify(body, null, 2) };
  }
  const body = stringify(
    members.map((m) => exportColumns.map((c) => m[c] ?? '')),
    { header: true, columns: [...exportColumns], escape_formulas: true },
  );
  return { filename, contentType: 'text/csv; charset=utf-8', body };
}

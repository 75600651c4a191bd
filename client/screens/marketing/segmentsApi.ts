/**
 * The marketing screen's calls to /api/segments (owner only). Errors arrive as the shared
 * `ApiError` (with the server's reason) or `NetworkError` (offline), as everywhere else.
 */
import type { SegmentProfile, SegmentRule } from '../../../shared/analytics/segments';
import { errorText } from '../../../shared/errors';
import { api, ApiError, NetworkError } from '../../api';

export interface LiveSegment {
  id: string;
  name: string;
  builtIn: boolean;
  members: number;
  changedAt: string | null;
  rule: SegmentRule;
}

export const listSegments = () => api<{ segments: LiveSegment[] }>('GET', '/api/segments').then((r) => r.segments);

export const createSegment = (name: string, rule: unknown) =>
  api<{ segment: LiveSegment }>('POST', '/api/segments', { name, rule }).then((r) => r.segment);

export const segmentMembers = (id: string) =>
  api<{ members: SegmentProfile[] }>('GET', `/api/segments/${encodeURIComponent(id)}/members`).then((r) => r.members);

export const exportUrl = (id: string, format: 'csv' | 'json') => `/api/segments/${encodeURIComponent(id)}/export?format=${format}`;

export const deleteSegment = (id: string) => api<void>('DELETE', `/api/segments/${encodeURIComponent(id)}`).then(() => undefined);

/** Words for a failed call: the server's reason, or that the device is offline. */
export function failureText(err: unknown, offlineText: string): string {
  if (err instanceof NetworkError) return offlineText;
  if (err instanceof ApiError) return err.message;
  return errorText.INTERNAL;
}

/**
 * The marketing feed as the owner sees it on /admin/marketing: for each segment, its latest
 * membership changes (who joined or left, when) and the webhook endpoints that receive them
 * (subscribed to segment.membership_changed, for every segment or for this one). The changes
 * themselves reach those endpoints through the outbox within a poll of being recorded.
 */
import type { SegmentFeed } from '../../shared/integrations/webhooks';
import type { Queryable } from '../db/db';
import { listDefinitions } from '../segments/service';

export const RECENT_CHANGES = 10;

export async function marketingFeed(db: Queryable, limit = RECENT_CHANGES): Promise<SegmentFeed[]> {
  const ids = (await listDefinitions(db)).map((d) => d.id);
  const recent = await db.query<{ segment_id: string; id: string; type: string; actor_id: string; name: string | null; created_at: Date }>(
    `SELECT s.id AS segment_id, r.id, r.type, r.actor_id, u.name, r.created_at
       FROM unnest($1::text[]) AS s (id)
       CROSS JOIN LATERAL (SELECT v.id, v.type, v.actor_id, v.created_at FROM viral_events v
                            WHERE v.type IN ('segment.joined', 'segment.left') AND v.data ->> 'segmentId' = s.id
                            ORDER BY v.rev DESC LIMIT $2) r
       LEFT JOIN users u ON u.id = r.actor_id`,
    [ids, limit],
  );
  const endpoints = await db.query<{ id: string; url: string; status: 'active' | 'disabled'; segment_ids: string[] | null }>(
    `SELECT id, url, status, segment_ids FROM webhook_endpoints WHERE 'segment.membership_changed' = ANY (event_types) ORDER BY created_at, id`,
  );
  return ids.map((segmentId) => ({
    segmentId,
    recent: recent
      .filter((r) => r.segment_id === segmentId)
      .map((r) => ({
        eventId: r.id,
        change: r.type === 'segment.joined' ? ('joined' as const) : ('left' as const),
        userId: r.actor_id,
        name: r.name ?? r.actor_id,
        at: r.created_at.toISOString(),
      })),
    endpoints: endpoints.filter((e) => e.segment_ids === null || e.segment_ids.includes(segmentId)).map(({ id, url, status }) => ({ id, url, status })),
  }));
}

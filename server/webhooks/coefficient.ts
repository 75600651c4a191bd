/**
 * `coefficient.updated`: the metrics publisher tells us of every platform K snapshot it writes
 * (one per window whose data changed); when K or its parts (inviters, invitations, acceptances)
 * moved for a window, the new figures are queued for the endpoints that subscribe. A snapshot
 * rewritten for another reason (its weekly trend, a new day) sends nothing, and neither does a
 * window over fewer than 5 inviters (its figures are suppressed, shared/analytics/privacy.ts).
 */
import { readSnapshot } from '../../shared/analytics/snapshots';
import { METRICS_SOURCE, type WebhookData } from '../../shared/integrations/cloudEvents';
import type { MetricsDoc } from '../../shared/metrics';
import type { Queryable } from '../db/db';
import type { Logger } from '../log';
import { enqueueMessage } from './store';

export function coefficientFeed(db: Queryable, log: Logger, queued: () => void): (docs: MetricsDoc[]) => Promise<void> {
  const last = new Map<string, string>();
  return async (docs) => {
    let any = 0;
    for (const doc of docs) {
      const p = readSnapshot('platform', doc);
      // Over fewer than 5 inviters there is nothing to send (DESIGN §6): the figures are hidden.
      if (!p || p.suppressed || p.k === null || p.status === null) continue;
      const key = JSON.stringify([p.k, p.inviters, p.sent, p.accepted]);
      if (last.get(doc.id) === key) continue;
      last.set(doc.id, key);
      const data: WebhookData<'coefficient.updated'> = {
        windowDays: p.windowDays,
        k: p.k,
        kLow: p.kLow!,
        kHigh: p.kHigh!,
        status: p.status,
        inviters: p.inviters!,
        sent: p.sent!,
        accepted: p.accepted!,
        invitesPerInviter: p.invitesPerInviter!,
        acceptanceRate: p.acceptanceRate!,
        start: p.start,
        end: p.end,
        computedAt: doc.computedAt,
      };
      try {
        any += await enqueueMessage(db, { type: 'coefficient.updated', source: `${METRICS_SOURCE}/${doc.id}`, subject: doc.id, time: new Date(doc.computedAt), data });
      } catch (err) {
        last.delete(doc.id);
        log.error({ err, snapshot: doc.id }, 'coefficient.updated could not be queued');
      }
    }
    if (any > 0) queued();
  };
}

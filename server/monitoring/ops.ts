/**
 * The ops webhook (OPS_WEBHOOK_URL): every alert change as a CloudEvent of type
 * `alert.opened`, `alert.changed` or `alert.resolved`, signed per Standard Webhooks with
 * OPS_WEBHOOK_SECRET by the same code as the integrators' webhooks (server/webhooks/send.ts).
 * The id (`<alert id>.<change number>`) is the same on a retry, so a receiver can deduplicate.
 * These topics go to ops only; they are not offered to integrators' endpoints.
 */
import type { CloudEvent } from '../../shared/integrations/cloudEvents';
import { alertTitles } from '../../shared/alerts';
import { sendWebhook, type AttemptResult } from '../webhooks/send';
import type { OpsDelivery } from './alertStore';

export const OPS_SOURCE = '/plusone/monitor';

export interface OpsTarget {
  url: string;
  secret: string;
  timeoutMs: number;
}

export function opsEvent({ change, seq, alert }: OpsDelivery, at = new Date()) {
  return {
    specversion: '1.0' as const,
    id: `${alert.id}.${seq}`,
    source: OPS_SOURCE,
    type: `alert.${change}`,
    subject: alert.key,
    time: at.toISOString(),
    datacontenttype: 'application/json' as const,
    data: { ...alert, title: alertTitles[alert.key] },
  };
}

export function sendOps(target: OpsTarget, delivery: OpsDelivery): Promise<AttemptResult> {
  // sendWebhook signs whatever event it is given; its type names the integrators' topics only.
  return sendWebhook(target.url, target.secret, opsEvent(delivery) as unknown as CloudEvent, target.timeoutMs);
}

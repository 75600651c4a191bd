/**
 * The integrations screen's calls (owner only): webhook endpoints, their delivery log, replays
 * and notices, and the marketing feed. Errors arrive as the shared `ApiError` or `NetworkError`.
 */
import { errorText } from '../../../shared/errors';
import type { AttemptView, EndpointNotice, EndpointView, SegmentFeed, WebhookEventType } from '../../../shared/integrations/webhooks';
import { api, ApiError, NetworkError } from '../../api';

export const listEndpoints = () => api<{ endpoints: EndpointView[] }>('GET', '/api/webhooks/endpoints').then((r) => r.endpoints);

export const createEndpoint = (input: { url: string; description: string; eventTypes: WebhookEventType[]; segmentIds: string[] | null }) =>
  api<{ endpoint: EndpointView; secret: string }>('POST', '/api/webhooks/endpoints', input);

const base = (id: string) => `/api/webhooks/endpoints/${encodeURIComponent(id)}`;

export const enableEndpoint = (id: string) => api<{ endpoint: EndpointView }>('POST', `${base(id)}/enable`).then((r) => r.endpoint);

export const listAttempts = (id: string, limit = 50) => api<{ attempts: AttemptView[] }>('GET', `${base(id)}/attempts?limit=${limit}`).then((r) => r.attempts);

export const replayEvent = (id: string, eventId: string) => api<{ deliveryId: number; eventType: WebhookEventType }>('POST', `${base(id)}/replay`, { eventId });

export const listNotices = () => api<{ notices: EndpointNotice[] }>('GET', '/api/webhooks/notices').then((r) => r.notices);

export const marketingFeed = () => api<{ segments: SegmentFeed[] }>('GET', '/api/marketing/feed').then((r) => r.segments);

export const deleteEndpoint = (id: string) => api<void>('DELETE', base(id)).then(() => undefined);

/** Words for a failed call: the server's reason, or that the device is offline. */
export function failureText(err: unknown): string {
  if (err instanceof NetworkError) return 'You are offline: integrations need a connection.';
  if (err instanceof ApiError) return err.message;
  return errorText.INTERNAL;
}

import { useEffect, useState, type FormEvent } from 'react';
import { webhookEventText, webhookEventTypes, type EndpointView, type WebhookEventType } from '../../../shared/integrations/webhooks';
import { listSegments, type LiveSegment } from '../marketing/segmentsApi';
import { createEndpoint, failureText } from './integrationsApi';

interface Props {
  onCreated: (created: { endpoint: EndpointView; secret: string }) => void;
}

/** Adds an endpoint: its URL, what it is for, the event types it receives (and, for segment changes, which segments). */
export function EndpointForm({ onCreated }: Props) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState<Set<WebhookEventType>>(new Set(['invitation.accepted']));
  const [segments, setSegments] = useState<LiveSegment[]>([]);
  const [segmentIds, setSegmentIds] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const wantsSegments = types.has('segment.membership_changed');

  useEffect(() => {
    if (!wantsSegments || segments.length > 0) return;
    listSegments().then(setSegments, () => setSegments([]));
  }, [wantsSegments, segments.length]);

  function toggle(type: WebhookEventType) {
    setTypes((current) => {
      const next = new Set(current);
      if (next.has(type)) next.delete(type);
      else next.add(type);
      return next;
    });
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await createEndpoint({
        url: url.trim(),
        description,
        eventTypes: webhookEventTypes.filter((t) => types.has(t)),
        segmentIds: wantsSegments && segmentIds.length > 0 ? segmentIds : null,
      });
      setUrl('');
      setDescription('');
      setSegmentIds([]);
      onCreated(created);
    } catch (err) {
      setError(failureText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="endpoint-form" onSubmit={(e) => void submit(e)} aria-labelledby="add-endpoint-title">
      <h2 id="add-endpoint-title">Add an endpoint</h2>
      <label>
        URL
        <input type="url" required placeholder="https://crm.example.com/webhooks/plusone" value={url} onChange={(e) => setUrl(e.target.value)} data-testid="webhook-url" />
      </label>
      <label>
        What it is for <span className="muted">(optional)</span>
        <input type="text" maxLength={200} value={description} onChange={(e) => setDescription(e.target.value)} data-testid="webhook-description" />
      </label>
      <fieldset className="event-types" data-testid="event-type-picker">
        <legend>Events to send</legend>
        {webhookEventTypes.map((t) => (
          <label key={t} className="event-type">
            <input type="checkbox" checked={types.has(t)} onChange={() => toggle(t)} data-testid={`event-type-${t}`} />
            <span>
              <code>{t}</code>
              <br />
              <span className="muted small">{webhookEventText[t]}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {wantsSegments && (
        <label>
          Segments <span className="muted">(none chosen: every segment)</span>
          <select multiple value={segmentIds} onChange={(e) => setSegmentIds([...e.target.selectedOptions].map((o) => o.value))} data-testid="webhook-segments">
            {segments.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="webhook-form-error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy || types.size === 0} data-testid="add-webhook">
        {busy ? 'Adding…' : 'Add endpoint'}
      </button>
    </form>
  );
}

import { useState } from 'react';
import type { EndpointView } from '../../../shared/integrations/webhooks';
import { DeliveryLog } from './DeliveryLog';
import { endpointStatusText } from './integrationsText';

interface Props {
  endpoint: EndpointView;
  onEnable: () => void;
  onRemove: () => void;
  onChanged: () => void;
}

/** One endpoint: where it points, its state, what it receives, its counts, its log on demand. */
export function EndpointCard({ endpoint: e, onEnable, onRemove, onChanged }: Props) {
  const [open, setOpen] = useState(false);
  const state = e.status === 'disabled' ? 'disabled' : e.failingSince ? 'failing' : 'active';
  return (
    <li className={`card endpoint-card endpoint-${state}`} data-testid="endpoint-card" data-endpoint-id={e.id}>
      <div className="section-head">
        <h3 className="endpoint-url">{e.url}</h3>
        <span className={`badge endpoint-status-${state}`} data-testid="endpoint-status">
          {endpointStatusText(e)}
        </span>
      </div>
      {e.description && <p className="muted small">{e.description}</p>}
      <p className="small">
        {e.eventTypes.map((t) => (
          <code key={t} className="event-chip">
            {t}
          </code>
        ))}
        {e.segmentIds && <span className="muted"> · segments: {e.segmentIds.join(', ')}</span>}
      </p>
      <p className="small" data-testid="endpoint-counts">
        {e.deliveries.succeeded} delivered · {e.deliveries.pending} waiting · {e.deliveries.failed} given up
      </p>
      <div className="segment-actions">
        <button type="button" aria-expanded={open} data-testid="show-delivery-log" onClick={() => setOpen((v) => !v)}>
          {open ? 'Hide delivery log' : 'Delivery log'}
        </button>
        {e.status === 'disabled' && (
          <button type="button" className="primary" data-testid="enable-endpoint" onClick={onEnable}>
            Enable
          </button>
        )}
        <button type="button" data-testid="remove-endpoint" onClick={onRemove}>
          Remove
        </button>
      </div>
      {open && <DeliveryLog endpointId={e.id} disabled={e.status === 'disabled'} version={`${e.deliveries.pending}:${e.deliveries.succeeded}:${e.deliveries.failed}`} onReplayed={onChanged} />}
    </li>
  );
}

import { useEffect, useState, type FormEvent } from 'react';
import type { AttemptView } from '../../../shared/integrations/webhooks';
import { failureText, listAttempts, replayEvent } from './integrationsApi';
import { attemptResult, deliveryText, shortId, when } from './integrationsText';

type State = { status: 'loading' } | { status: 'failed'; reason: string } | { status: 'ready'; attempts: AttemptView[] };

interface Props {
  endpointId: string;
  disabled: boolean;
  /** Changes when the endpoint's counts do: the log is read again. */
  version: string;
  onReplayed: () => void;
}

/** An endpoint's latest attempts (newest first) with their answers, and replays: of a logged event, or of any event by id. */
export function DeliveryLog({ endpointId, disabled, version, onReplayed }: Props) {
  const [state, setState] = useState<State>({ status: 'loading' });
  const [message, setMessage] = useState<string | null>(null);
  const [eventId, setEventId] = useState('');
  const [again, setAgain] = useState(0);

  useEffect(() => {
    let current = true;
    listAttempts(endpointId).then(
      (attempts) => current && setState({ status: 'ready', attempts }),
      (err) => current && setState({ status: 'failed', reason: failureText(err) }),
    );
    return () => {
      current = false;
    };
  }, [endpointId, version, again]);

  async function replay(id: string) {
    try {
      const queued = await replayEvent(endpointId, id);
      setMessage(`Replay of ${queued.eventType} ${shortId(id)} queued.`);
      onReplayed();
      setTimeout(() => setAgain((n) => n + 1), 1000);
    } catch (err) {
      setMessage(failureText(err));
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (eventId.trim()) void replay(eventId.trim());
  }

  return (
    <div className="delivery-log" data-testid="delivery-log">
      {message && (
        <p className="muted small" role="status" data-testid="replay-status">
          {message}
        </p>
      )}
      {state.status === 'loading' && <p className="muted" aria-busy="true">Loading the log…</p>}
      {state.status === 'failed' && <p className="form-error">{state.reason}</p>}
      {state.status === 'ready' && state.attempts.length === 0 && <p className="muted" data-testid="delivery-log-empty">Nothing sent yet.</p>}
      {state.status === 'ready' && state.attempts.length > 0 && (
        <div className="table-scroll" role="region" aria-label="Delivery log" tabIndex={0}>
          <table className="figures-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Try</th>
                <th scope="col">Answer</th>
                <th scope="col">Delivery</th>
                <th scope="col">
                  <span className="visually-hidden">Replay</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {state.attempts.map((a) => (
                <tr key={a.id} data-testid="delivery-attempt" data-ok={a.ok} className={a.ok ? 'attempt-ok' : 'attempt-failed'}>
                  <td>{when(a.attemptedAt)}</td>
                  <td>
                    <code>{a.eventType}</code>
                    <br />
                    <span className="muted small" title={a.eventId}>
                      {shortId(a.eventId)}
                      {a.replay ? ' · replay' : ''}
                    </span>
                  </td>
                  <td>{a.attempt}</td>
                  <td>
                    <span data-testid="attempt-result">{attemptResult(a)}</span>
                    {a.responseExcerpt && (
                      <details>
                        <summary className="small">Response</summary>
                        <pre className="excerpt">{a.responseExcerpt}</pre>
                      </details>
                    )}
                  </td>
                  <td>{deliveryText(a)}</td>
                  <td>
                    <button type="button" disabled={disabled} data-testid="replay-event" onClick={() => void replay(a.eventId)}>
                      Replay
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form className="replay-form" onSubmit={submit}>
        <label>
          Replay any event by id
          <input value={eventId} onChange={(e) => setEventId(e.target.value)} placeholder="0190a5a0-…" data-testid="replay-event-id" />
        </label>
        <button type="submit" disabled={disabled || !eventId.trim()}>
          Replay
        </button>
      </form>
    </div>
  );
}

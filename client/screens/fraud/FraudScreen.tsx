/**
 * `/admin/fraud` (the owner): the review queue. Each held or blocked invitation or acceptance
 * shows who, the score and outcome, the rules' reasons in plain words and the model's top
 * reasons, and the inviter's reward; Clear (legitimate) and Confirm (fraud) decide it. Buttons
 * are real buttons, so the queue works from the keyboard (Tab, Enter). Online only: decisions
 * change the server's figures.
 */
import { useCallback, useEffect, useState } from 'react';
import { QueueResponse, type QueueItem, type ReviewDecision } from '../../../shared/fraud/queue';
import { outcomeText, reasonText } from '../../../shared/fraud/reasons';
import { ApiError, api } from '../../api';

const rewardText = { pending: 'Reward pending', held: 'Reward held', granted: 'Reward granted', clawed_back: 'Reward clawed back' } as const;
const percent = (v: number) => `${Math.round(v * 100)}%`;

function Item({ item, onDecide, busy }: { item: QueueItem; onDecide(d: ReviewDecision): void; busy: boolean }) {
  const who = item.subject === 'acceptance' ? `${item.acceptorName ?? 'someone'} accepted ${item.inviterName}’s invitation` : `${item.inviterName} invited ${item.recipientEmail}`;
  return (
    <li className="card" data-testid="fraud-item" data-item-id={item.id} data-invitation-id={item.invitationId} data-outcome={item.outcome}>
      <div className="section-head">
        <h3>{who}</h3>
        <span className={`badge ${item.outcome === 'block' ? 'refused' : 'queued'}`} data-testid="fraud-outcome">
          {outcomeText[item.outcome]} · score {percent(item.score)}
        </span>
      </div>
      <ul data-testid="fraud-reasons">
        {item.reasons.map((r) => (
          <li key={r.code}>
            <strong>{reasonText[r.code]}</strong>: {r.detail}
          </li>
        ))}
        {item.reasons.length === 0 && <li className="muted">No rule fired: the model flagged it.</li>}
      </ul>
      {item.modelScore !== null && (
        <p className="muted small" data-testid="fraud-model">
          Model {item.modelVersion}: {percent(item.modelScore)}
          {item.modelReasons.length > 0 && ` — mostly ${item.modelReasons.map((m) => m.label).join(', ')}`}
        </p>
      )}
      {item.reward && <p className="small" data-testid="fraud-reward">{rewardText[item.reward]}</p>}
      <div className="actions">
        <button type="button" data-testid="fraud-clear" disabled={busy} onClick={() => onDecide('clear')}>
          Clear (legitimate)
        </button>
        <button type="button" className="danger" data-testid="fraud-confirm" disabled={busy} onClick={() => onDecide('confirm')}>
          Confirm fraud
        </button>
      </div>
    </li>
  );
}

export function FraudScreen() {
  const [queue, setQueue] = useState<QueueResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setQueue(QueueResponse.parse(await api('GET', '/api/fraud/queue')));
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not load the review queue (offline?).');
    }
  }, []);
  useEffect(() => void load(), [load]);

  async function decide(item: QueueItem, decision: ReviewDecision) {
    setBusy(item.id);
    try {
      await api('POST', `/api/fraud/${item.id}/${decision}`);
      setNotice(decision === 'clear' ? 'Cleared: it counts again.' : 'Confirmed as fraud: excluded and its reward clawed back.');
      await load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'That did not go through: try again when online.');
    } finally {
      setBusy(null);
    }
  }

  return (
    <main>
      <section className="card">
        <div className="section-head">
          <h2>Fraud review{queue ? ` (${queue.pending} pending)` : ''}</h2>
          <button type="button" onClick={() => void load()}>
            Refresh
          </button>
        </div>
        <p className="muted small">Held invitations and acceptances, oldest first. Blocked invitations were refused to their sender with the reasons shown; they are not listed.</p>
        {error && <p className="form-error" role="alert">{error}</p>}
        {notice && <p role="status" data-testid="fraud-notice">{notice}</p>}
        {queue && queue.items.length === 0 && <p className="muted" data-testid="fraud-empty">Nothing to review.</p>}
      </section>
      {queue && queue.items.length > 0 && (
        <ul className="fraud-queue" data-testid="fraud-queue" style={{ listStyle: 'none', padding: 0 }}>
          {queue.items.map((item) => (
            <Item key={item.id} item={item} busy={busy === item.id} onDecide={(d) => void decide(item, d)} />
          ))}
        </ul>
      )}
    </main>
  );
}

/**
 * `/admin/delivery` (owner): messages that could not be delivered, with the reason and a way to
 * send one again; and, in demo mode (no SMTP_URL), the mail the local SMTP server caught.
 */
import { useCallback, useEffect, useState } from 'react';
import { ApiError, api } from '../../api';

interface DeadLetter {
  id: string;
  invitationId: string;
  channel: string;
  attempts: number;
  reason: string;
  failedAt: string;
  inviterName: string;
}

interface CaughtMail {
  id: string;
  to: string[];
  subject: string;
  receivedAt: string;
  raw: string;
}

export function DeliveryScreen() {
  const [dead, setDead] = useState<DeadLetter[] | null>(null);
  const [mail, setMail] = useState<CaughtMail[] | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setDead((await api<{ deadLetters: DeadLetter[] }>('GET', '/api/delivery/dead-letters')).deadLetters);
      setMail(await api<{ messages: CaughtMail[] }>('GET', '/api/dev/mailbox').then((r) => r.messages, () => null));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Could not load delivery status (offline?).');
    }
  }, []);
  useEffect(() => void load(), [load]);

  async function retry(id: string) {
    await api('POST', `/api/delivery/${id}/retry`).catch((err) => setError(err instanceof ApiError ? err.message : 'Retry failed.'));
    await load();
  }

  return (
    <main>
      <section className="card">
        <div className="section-head">
          <h2>Undelivered messages</h2>
          <button type="button" onClick={() => void load()}>Refresh</button>
        </div>
        {error && <p className="form-error" role="alert">{error}</p>}
        {dead && dead.length === 0 && <p className="muted">Every message went out.</p>}
        {dead && dead.length > 0 && (
          <div className="table-scroll">
            <table className="figures-table" data-testid="dead-letters">
              <thead>
                <tr><th>When</th><th>Inviter</th><th>Channel</th><th>Attempts</th><th>Reason</th><th /></tr>
              </thead>
              <tbody>
                {dead.map((d) => (
                  <tr key={d.id} data-testid="dead-letter" data-delivery-id={d.id} data-invitation-id={d.invitationId}>
                    <td>{new Date(d.failedAt).toLocaleString()}</td>
                    <td>{d.inviterName}</td>
                    <td>{d.channel}</td>
                    <td>{d.attempts}</td>
                    <td data-testid="dead-letter-reason">{d.reason}</td>
                    <td><button type="button" data-testid="send-again" onClick={() => void retry(d.id)}>Send again</button></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {mail && (
        <section className="card" data-testid="dev-mailbox">
          <h2>Local mailbox (demo mode)</h2>
          <p className="muted small">No SMTP_URL is set, so email goes to a mail catcher inside the server. Newest first.</p>
          <ul className="invitation-list">
            {mail.map((m) => (
              <li key={m.id}>
                <button type="button" className="link" onClick={() => setOpen(open === m.id ? null : m.id)}>
                  {m.subject || '(no subject)'} → {m.to.join(', ')} · {new Date(m.receivedAt).toLocaleTimeString()}
                </button>
                {open === m.id && <pre className="small" style={{ whiteSpace: 'pre-wrap' }}>{m.raw}</pre>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}

/**
 * `/invite/:code`: a couple's acceptance, on a phone. Shows who invited them; a signed-in person
 * accepts with one tap; a new person signs up and accepts in one go (shared/invites.ts).
 */
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import type { AcceptResult, InviteInfo } from '../../shared/invites';
import { ApiError, NetworkError, api } from '../api';
import { refreshSession, useSession } from '../auth/session';
import { SignupForm } from './SignupForm';

type Load = { kind: 'loading' } | { kind: 'ready'; info: InviteInfo } | { kind: 'error'; message: string };

export function InvitePage() {
  const { code = '' } = useParams();
  const user = useSession();
  const navigate = useNavigate();
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [accepted, setAccepted] = useState<AcceptResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  // A newcomer accepts first (DESIGN §1: open the link, accept, sign up), then gives their details.
  const [joining, setJoining] = useState(false);

  useEffect(() => {
    api<InviteInfo>('GET', `/api/invites/${encodeURIComponent(code)}`)
      .then((info) => setLoad({ kind: 'ready', info }))
      .catch((err) =>
        setLoad({ kind: 'error', message: err instanceof NetworkError ? 'You are offline: open this link again when you have a connection.' : err instanceof ApiError ? err.message : 'This invitation could not be opened.' }),
      );
  }, [code]);

  const done = async (result: AcceptResult) => {
    await refreshSession();
    setAccepted(result);
  };

  async function acceptSignedIn() {
    setError(null);
    try {
      await done(await api<AcceptResult>('POST', `/api/invites/${encodeURIComponent(code)}/accept`));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Accepting failed: try again when you have a connection.');
    }
  }

  if (load.kind === 'loading') return <p className="loading">Opening your invitation…</p>;
  if (load.kind === 'error') {
    return (
      <main className="invite-page">
        <h1>PlusOne</h1>
        <p className="form-error" role="alert" data-testid="invite-error">{load.message}</p>
      </main>
    );
  }
  const { info } = load;
  const from = info.venue && info.venue !== info.inviterName ? `${info.inviterName} (${info.venue})` : info.inviterName;
  return (
    <main className="invite-page">
      <h1>You're invited to PlusOne</h1>
      <p data-testid="invited-by" className="invited-by">
        <strong>{from}</strong> invited {info.recipientName ? info.recipientName : 'you'} to join PlusOne, where couples and wedding suppliers find each other.
      </p>
      {accepted ? (
        <section className="card" data-testid="invite-accepted">
          <p>Welcome! You accepted {accepted.inviterName}'s invitation.</p>
          <button type="button" className="primary" onClick={() => navigate('/dashboard/viral')}>Open PlusOne</button>
        </section>
      ) : !info.open ? (
        <p className="form-error" role="alert" data-testid="invite-closed">{info.reason}</p>
      ) : user ? (
        <section className="card">
          <p>Signed in as {user.email}.</p>
          {error && <p className="form-error" role="alert">{error}</p>}
          <button type="button" className="primary" data-testid="accept-invitation" onClick={() => void acceptSignedIn()}>
            Accept invitation
          </button>
        </section>
      ) : !joining ? (
        <section className="card">
          <button type="button" className="primary" data-testid="accept-invitation" onClick={() => setJoining(true)}>
            Accept invitation
          </button>
          <p className="muted small">
            Already on PlusOne? <Link to="/login" state={{ from: `/invite/${code}` }}>Sign in</Link> to accept.
          </p>
        </section>
      ) : (
        <>
          <SignupForm
            initialName={info.recipientName}
            cta="Join and accept"
            onSubmit={async (fields) => done(await api<AcceptResult>('POST', `/api/invites/${encodeURIComponent(code)}/signup`, fields))}
          />
          <p className="muted small">
            Already on PlusOne? <Link to="/login" state={{ from: `/invite/${code}` }}>Sign in</Link> to accept.
          </p>
        </>
      )}
    </main>
  );
}

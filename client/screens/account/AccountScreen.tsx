/**
 * `/account`, for every signed-in user: download everything PlusOne holds about you (one JSON
 * file), or erase your account. Erasing asks for the password again and says in plain words
 * what goes and what stays (anonymous counts); afterwards the app signs out.
 */
import { useId, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { errorText } from '../../../shared/errors';
import { ApiError, api } from '../../api';
import { signOut, useSession } from '../../auth/session';
import { stopUserSync } from '../../sync/userSync';
import './account.css';

type EraseState = { step: 'idle' } | { step: 'confirming'; error: string | null; busy: boolean };

export function AccountScreen() {
  const user = useSession();
  const navigate = useNavigate();
  const passwordId = useId();
  const [erase, setErase] = useState<EraseState>({ step: 'idle' });
  const [password, setPassword] = useState('');

  async function confirm(e: FormEvent) {
    e.preventDefault();
    if (!user) return;
    setErase({ step: 'confirming', error: null, busy: true });
    try {
      await api('POST', '/api/account/erase', { password });
    } catch (err) {
      const message = err instanceof ApiError ? errorText[err.code] : 'The server cannot be reached: your account was not erased. Try again when online.';
      setErase({ step: 'confirming', error: message, busy: false });
      return;
    }
    await stopUserSync(user.id);
    await signOut();
    navigate('/login', { replace: true, state: { erased: true } });
  }

  return (
    <main className="account" data-testid="account-screen">
      <h1>Your account</h1>
      <section className="card" aria-labelledby="my-data-title">
        <h2 id="my-data-title">Your data</h2>
        <p>
          Download everything PlusOne holds about you as one file: your profile, the invitations you sent and received, what happened
          to them, who referred you and whom you referred, your bookings and the marketing segments you are in.
        </p>
        <a className="button" href="/api/account/export" download data-testid="download-my-data">
          Download my data
        </a>
      </section>
      <section className="card danger-zone" aria-labelledby="erase-title">
        <h2 id="erase-title">Erase my account</h2>
        <p>Erasing removes your name, email, password and everything you wrote, for good. You are signed out everywhere and cannot sign in again.</p>
        <p>
          What stays is anonymous: counts such as how many invitations were sent and accepted, so the platform's figures do not change.
          Nobody can tell they were yours. People you referred, and the person who referred you, no longer see you in their chains.
        </p>
        {erase.step === 'idle' ? (
          <button type="button" className="danger" data-testid="erase-account" onClick={() => setErase({ step: 'confirming', error: null, busy: false })}>
            Erase my account…
          </button>
        ) : (
          <form onSubmit={(e) => void confirm(e)} aria-describedby="erase-title">
            <label htmlFor={passwordId}>Type your password to confirm</label>
            <input
              id={passwordId}
              type="password"
              autoComplete="current-password"
              required
              autoFocus
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              data-testid="erase-password"
            />
            <div className="actions">
              <button type="submit" className="danger" disabled={erase.busy} data-testid="confirm-erase">
                {erase.busy ? 'Erasing…' : 'Erase my account for good'}
              </button>
              <button type="button" disabled={erase.busy} onClick={() => (setErase({ step: 'idle' }), setPassword(''))}>
                Keep my account
              </button>
            </div>
            {erase.error && (
              <p className="refusal" role="alert" data-testid="erase-error">
                {erase.error}
              </p>
            )}
          </form>
        )}
      </section>
    </main>
  );
}

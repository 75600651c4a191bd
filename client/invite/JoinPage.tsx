/**
 * `/join`: the short code a supplier read out at the venue (`ABCD-EFGH`). It only says who
 * invited them and attributes a new sign-up to that person; guesses are limited by the server.
 */
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { parseShortCode } from '../../shared/codes';
import type { AcceptResult, ShortCodeInfo } from '../../shared/invites';
import { ApiError, NetworkError, api } from '../api';
import { refreshSession } from '../auth/session';
import { SignupForm } from './SignupForm';

export function JoinPage() {
  const navigate = useNavigate();
  const [typed, setTyped] = useState('');
  const [found, setFound] = useState<(ShortCodeInfo & { code: string }) | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function check(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const code = parseShortCode(typed);
    if (!code) {
      setError('A code is 8 letters and digits, like ABCD-EFGH (no 0, 1, I, L, O, U or V).');
      return;
    }
    try {
      setFound({ ...(await api<ShortCodeInfo>('POST', '/api/join/check', { shortCode: code })), code });
    } catch (err) {
      setError(err instanceof NetworkError ? 'You are offline: try again when you have a connection.' : err instanceof ApiError ? err.message : 'The code could not be checked.');
    }
  }

  return (
    <main className="invite-page">
      <h1>Join PlusOne with a code</h1>
      {!found ? (
        <form className="card" onSubmit={check}>
          <label>
            Your invitation code
            <input data-testid="short-code" autoCapitalize="characters" autoComplete="off" placeholder="ABCD-EFGH" value={typed} onChange={(e) => setTyped(e.target.value)} required maxLength={20} />
          </label>
          {error && <p className="form-error" role="alert" data-testid="short-code-error">{error}</p>}
          <button type="submit" className="primary" data-testid="check-short-code">Continue</button>
        </form>
      ) : (
        <>
          <p data-testid="invited-by">
            <strong>{found.inviterName}</strong> invited you.
          </p>
          <SignupForm
            cta="Join PlusOne"
            onSubmit={async (fields) => {
              await api<AcceptResult>('POST', '/api/join/signup', { ...fields, shortCode: found.code });
              await refreshSession();
              navigate('/dashboard/viral');
            }}
          />
        </>
      )}
    </main>
  );
}

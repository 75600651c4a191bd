import { useState, type FormEvent } from 'react';
import { ApiError, NetworkError } from '../api';

export interface SignupFields {
  name: string;
  email: string;
  password: string;
}

/** Name, email, password, and one button: makes a couple's account and accepts. */
export function SignupForm({ initialName = '', cta, onSubmit }: { initialName?: string; cta: string; onSubmit(fields: SignupFields): Promise<void> }) {
  const [name, setName] = useState(initialName);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit({ name, email, password });
    } catch (err) {
      setError(err instanceof NetworkError ? 'You are offline: try again when you have a connection.' : err instanceof ApiError ? err.message : 'Sign-up failed.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="card invite-signup">
      <label>
        Your name
        <input autoComplete="name" data-testid="signup-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} />
      </label>
      <label>
        Email
        <input type="email" autoComplete="email" inputMode="email" data-testid="signup-email" value={email} onChange={(e) => setEmail(e.target.value)} required />
      </label>
      <label>
        Password
        <input type="password" autoComplete="new-password" data-testid="signup-password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={8} />
      </label>
      {error && (
        <p className="form-error" role="alert" data-testid="signup-error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" data-testid="complete-signup" disabled={busy}>
        {busy ? 'One moment…' : cta}
      </button>
    </form>
  );
}

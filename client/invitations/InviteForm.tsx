import { useState, type FormEvent } from 'react';
import { relationshipLabel, relationships, type Relationship } from '../../shared/invitation';
import type { UserSync } from '../sync/userSync';
import { createInvitation } from './create';

interface Props {
  sync: UserSync;
  /** Test ids of the fields: the full form and the header's quick form differ (DESIGN §8). */
  ids: { email: string; relationship?: string; submit: string };
  compact?: boolean;
  onSent?: () => void;
}

export function InviteForm({ sync, ids, compact = false, onSent }: Props) {
  const [email, setEmail] = useState('');
  const [relationship, setRelationship] = useState<Relationship>('past_client');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    const result = await createInvitation(sync.db, sync.user, { recipientEmail: email, relationship });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setError(null);
    setEmail('');
    onSent?.();
  }

  return (
    <form className={compact ? 'invite-form compact' : 'invite-form'} onSubmit={submit} noValidate>
      <label>
        Email address
        <input
          type="email"
          inputMode="email"
          autoComplete="off"
          required
          data-testid={ids.email}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          placeholder="name@example.com"
        />
      </label>
      <label>
        Relationship
        <select data-testid={ids.relationship ?? `${ids.email}-relationship`} value={relationship} onChange={(e) => setRelationship(e.target.value as Relationship)}>
          {relationships.map((r) => (
            <option key={r} value={r}>
              {relationshipLabel[r]}
            </option>
          ))}
        </select>
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" data-testid={ids.submit} disabled={busy}>
        Send invitation
      </button>
    </form>
  );
}

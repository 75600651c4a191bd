import { useState, type FormEvent } from 'react';
import { channels, relationshipLabel, relationships, type Channel, type Relationship } from '../../shared/invitation';
import type { UserSync } from '../sync/userSync';
import { createInvitation } from './create';

interface Props {
  sync: UserSync;
  /** Test ids of the fields: the full form and the header's quick form differ (DESIGN §8). */
  ids: { email: string; relationship?: string; submit: string };
  compact?: boolean;
  onSent?: () => void;
}

const channelLabel: Record<Channel, string> = { email: 'Email', sms: 'SMS', whatsapp: 'WhatsApp' };

export function InviteForm({ sync, ids, compact = false, onSent }: Props) {
  const [email, setEmail] = useState('');
  const [relationship, setRelationship] = useState<Relationship>('past_client');
  const [channel, setChannel] = useState<Channel>('email');
  const [phone, setPhone] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    const byPhone = channel !== 'email';
    const result = await createInvitation(sync.db, sync.user, { recipientEmail: email, relationship, channel, recipientPhone: byPhone ? phone.replace(/[\s()-]/g, '') || null : null });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setError(null);
    setEmail('');
    setPhone('');
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
      <label>
        Send by
        <select data-testid={compact ? `${ids.email}-channel` : 'channel'} value={channel} onChange={(e) => setChannel(e.target.value as Channel)}>
          {channels.map((c) => (
            <option key={c} value={c}>
              {channelLabel[c]}
            </option>
          ))}
        </select>
      </label>
      {channel !== 'email' && (
        <label>
          Mobile number (international, like +44 7911 123456)
          <input type="tel" inputMode="tel" autoComplete="off" data-testid={compact ? `${ids.email}-phone` : 'recipient-phone'} value={phone} onChange={(e) => setPhone(e.target.value)} placeholder="+44 7911 123456" />
        </label>
      )}
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

-- Viral events (append-only, synced like invitations) and the time an invitation counts at:
-- the device's capture time when plausible, else the server's (shared/capture.ts).

ALTER TABLE invitations ADD COLUMN counted_at timestamptz;
ALTER TABLE invitations ADD COLUMN time_source text NOT NULL DEFAULT 'server'
  CHECK (time_source IN ('device', 'server'));
UPDATE invitations SET counted_at = created_at;
ALTER TABLE invitations ALTER COLUMN counted_at SET NOT NULL;
CREATE INDEX invitations_counted ON invitations (counted_at);
CREATE INDEX invitations_recipient_feed ON invitations (recipient_email, txid, rev);

CREATE TABLE viral_events (
  id uuid PRIMARY KEY,
  type text NOT NULL,
  actor_id text REFERENCES users (id),
  invitation_id uuid REFERENCES invitations (id),
  inviter_id text REFERENCES users (id),
  org_id text REFERENCES organisations (id),
  data jsonb NOT NULL DEFAULT '{}',
  captured_at timestamptz NOT NULL,
  counted_at timestamptz NOT NULL,
  time_source text NOT NULL CHECK (time_source IN ('device', 'server')),
  device_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  rev bigint NOT NULL,
  txid bigint NOT NULL
);
CREATE INDEX viral_events_actor_feed ON viral_events (actor_id, txid, rev);
CREATE INDEX viral_events_inviter_feed ON viral_events (inviter_id, txid, rev);
CREATE INDEX viral_events_org_feed ON viral_events (org_id, txid, rev);
CREATE INDEX viral_events_invitation ON viral_events (invitation_id);

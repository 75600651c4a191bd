-- PlusOne's first schema: accounts, sessions, invitations and metrics snapshots.
-- Every synced row carries `rev` (from the plusone_rev sequence, unique and increasing) and
-- `txid` (the writing transaction, from pg_current_xact_id()). Pulls read in (txid, rev) order
-- and only rows whose transaction is older than every transaction still in flight, so a row
-- that commits late is never skipped (shared/sync/SPEC.md, PULL rules).

CREATE SEQUENCE plusone_rev;

CREATE FUNCTION plusone_txid() RETURNS bigint
  LANGUAGE sql VOLATILE AS $$ SELECT pg_current_xact_id()::text::bigint $$;

CREATE FUNCTION plusone_horizon() RETURNS bigint
  LANGUAGE sql VOLATILE AS $$ SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint $$;

CREATE TABLE organisations (
  id text PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  id text PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('supplier', 'couple', 'coordinator', 'owner')),
  org_id text REFERENCES organisations (id),
  password_hash text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE invitations (
  id uuid PRIMARY KEY,
  inviter_id text NOT NULL REFERENCES users (id),
  org_id text REFERENCES organisations (id),
  recipient_email text NOT NULL,
  recipient_name text NOT NULL DEFAULT '',
  relationship text NOT NULL,
  channel text NOT NULL,
  status text NOT NULL,
  message text NOT NULL DEFAULT '',
  captured_at timestamptz NOT NULL,
  device_id text NOT NULL,
  write_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted boolean NOT NULL DEFAULT false,
  rev bigint NOT NULL,
  txid bigint NOT NULL
);
CREATE INDEX invitations_inviter_feed ON invitations (inviter_id, txid, rev);
CREATE INDEX invitations_org_feed ON invitations (org_id, txid, rev);
CREATE INDEX invitations_created ON invitations (created_at);

CREATE TABLE metrics (
  id text PRIMARY KEY,
  doc jsonb NOT NULL,
  rev bigint NOT NULL,
  txid bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX metrics_feed ON metrics (txid, rev);

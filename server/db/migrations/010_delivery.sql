-- Delivery outbox (server/delivery/README.md): one row per invitation message, written in the
-- same transaction as the invitation. Workers claim due rows with FOR UPDATE SKIP LOCKED and
-- a lease: `due_at` is when a pending row may next be tried, or when a sending row's lease
-- runs out (a worker that died mid-batch), so one partial index serves both claims. The row's
-- id is the idempotency key given to the provider, so a re-claimed row is not sent twice.
CREATE TABLE deliveries (
  id uuid PRIMARY KEY,
  invitation_id uuid NOT NULL REFERENCES invitations (id),
  channel text NOT NULL CHECK (channel IN ('email', 'sms', 'whatsapp')),
  -- The email address or E.164 phone number the message goes to.
  address text NOT NULL,
  state text NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'sending', 'sent', 'delivered', 'dead', 'cancelled')),
  attempts int NOT NULL DEFAULT 0,
  due_at timestamptz NOT NULL DEFAULT now(),
  -- Fencing token of the current claim: a worker whose lease ran out cannot record a result.
  claim_token uuid,
  provider_id text,
  last_error text,
  -- The secret in the message's /unsubscribe/<token> link.
  unsubscribe_token text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  delivered_at timestamptz
);
CREATE UNIQUE INDEX deliveries_invitation ON deliveries (invitation_id);
CREATE INDEX deliveries_due ON deliveries (due_at) WHERE state IN ('pending', 'sending');
CREATE UNIQUE INDEX deliveries_provider ON deliveries (channel, provider_id) WHERE provider_id IS NOT NULL;
CREATE INDEX deliveries_dead ON deliveries (updated_at) WHERE state = 'dead';
CREATE INDEX deliveries_pending_address ON deliveries (address) WHERE state = 'pending';

-- People who asked never to be messaged again: an email address or an E.164 phone number
-- (a phone opt-out covers SMS and WhatsApp). No delivery row is ever written for them.
CREATE TABLE delivery_opt_outs (
  address text PRIMARY KEY,
  source text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

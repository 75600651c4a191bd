-- Fraud (issue 8, points 3–6; server/fraud/README.md): assessments of invitations and
-- acceptances with the owner's review queue, the labels reviews give the model, referral
-- rewards, the device and network fingerprints the rules count, and the exclusion of
-- fraud-flagged acceptances from K, tiers and referred revenue.
--
-- Exclusion: an invitation whose acceptance is excluded (blocked, or confirmed by the owner)
-- keeps its status `accepted` (the couple did accept; the lattice never moves back) but has
-- `fraud_excluded`, and every counter counts it as `opened`: not in K's accepted, not a success
-- of its supplier's connection, not in the cycle time. The counters' trigger and connector
-- relink of migration 004 are replaced below to read `fraud_counted_status`; the drift check
-- (server/viral/kRebuild.ts) reads it too. Referred revenue follows users.referred_by, which
-- the exclusion clears (server/fraud/review.ts).

ALTER TABLE invitations ADD COLUMN fraud_excluded boolean NOT NULL DEFAULT false;
-- The snapshot counts the excluded acceptances of a window.
CREATE INDEX invitations_fraud_excluded ON invitations (counted_at) WHERE fraud_excluded;
-- Rules count a device's invitations and accounts.
CREATE INDEX invitations_device ON invitations (device_id, created_at);

CREATE FUNCTION fraud_counted_status(p_status text, p_excluded boolean) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN p_excluded AND p_status = 'accepted' THEN 'opened' ELSE p_status END $$;

-- One row per judged invitation or acceptance. invitation_id has no foreign key: a blocked
-- invitation is never written, and its assessment is what tells the owner it was tried.
CREATE TABLE fraud_assessments (
  id uuid PRIMARY KEY,
  subject text NOT NULL CHECK (subject IN ('invitation', 'acceptance')),
  invitation_id uuid NOT NULL,
  inviter_id text NOT NULL REFERENCES users (id),
  acceptor_id text REFERENCES users (id),
  recipient_email text NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('allow', 'review', 'block')),
  score double precision NOT NULL,
  rule_score double precision NOT NULL,
  model_score double precision,
  model_version text,
  -- [{ code, weight, detail }] from shared/fraud/rules.ts; [{ feature, label, contribution }].
  reasons jsonb NOT NULL DEFAULT '[]',
  model_reasons jsonb NOT NULL DEFAULT '[]',
  -- The model's features when it was judged (invitations), so a review's decision becomes a label.
  features jsonb,
  -- none: nothing to review (allowed, or a refused invitation); pending: in the owner's queue.
  review_state text NOT NULL DEFAULT 'none' CHECK (review_state IN ('none', 'pending', 'cleared', 'confirmed')),
  reviewed_by text REFERENCES users (id),
  reviewed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (subject, invitation_id)
);
CREATE INDEX fraud_assessments_queue ON fraud_assessments (created_at) WHERE review_state = 'pending';
CREATE INDEX fraud_assessments_inviter ON fraud_assessments (inviter_id, created_at);

-- The owner's decisions, as labels for the next training run (`npm run train:fraud`).
CREATE TABLE fraud_labels (
  assessment_id uuid PRIMARY KEY REFERENCES fraud_assessments (id),
  subject text NOT NULL,
  fraud boolean NOT NULL,
  features jsonb,
  labelled_by text NOT NULL REFERENCES users (id),
  labelled_at timestamptz NOT NULL DEFAULT now()
);

-- Devices (the client's device id), networks (an IP prefix) and payment details (a card
-- fingerprint, when payments exist) each account was seen with, and how: inviting or accepting.
CREATE TABLE fraud_fingerprints (
  kind text NOT NULL CHECK (kind IN ('device', 'network', 'payment')),
  value text NOT NULL,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  via text NOT NULL CHECK (via IN ('invite', 'accept')),
  first_seen timestamptz NOT NULL DEFAULT now(),
  last_seen timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, value, via, user_id)
);
CREATE INDEX fraud_fingerprints_user ON fraud_fingerprints (user_id);

-- An inviter's reward for an acceptance: pending until it qualifies (the person books, or comes
-- back), then granted; held while under review; clawed back when confirmed as fraud.
CREATE TABLE referral_rewards (
  invitation_id uuid PRIMARY KEY REFERENCES invitations (id),
  inviter_id text NOT NULL REFERENCES users (id),
  referred_id text REFERENCES users (id),
  amount_cents int NOT NULL CHECK (amount_cents >= 0),
  state text NOT NULL CHECK (state IN ('pending', 'held', 'granted', 'clawed_back')),
  qualified_by text CHECK (qualified_by IN ('active', 'booked')),
  accepted_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  granted_at timestamptz,
  clawed_back_at timestamptz
);
CREATE INDEX referral_rewards_pending ON referral_rewards (accepted_at) WHERE state = 'pending';
CREATE INDEX referral_rewards_inviter ON referral_rewards (inviter_id);

-- Migration 004's connector relink, reading the counted status.
CREATE OR REPLACE FUNCTION connector_relink(p_supplier text, p_email text) RETURNS void
  LANGUAGE plpgsql AS $$
DECLARE
  old_link record;
  new_link record;
BEGIN
  SELECT relationship, status INTO old_link FROM connector_links WHERE supplier_id = p_supplier AND recipient_email = p_email;
  SELECT relationship, fraud_counted_status(status, fraud_excluded) AS status INTO new_link FROM invitations
   WHERE inviter_id = p_supplier AND recipient_email = p_email AND NOT deleted AND relationship <> 'fellow_supplier'
   ORDER BY (fraud_counted_status(status, fraud_excluded) = 'accepted') DESC, updated_at DESC, id DESC LIMIT 1;
  IF old_link IS NOT DISTINCT FROM new_link THEN RETURN; END IF;
  INSERT INTO connector_stats (supplier_id) VALUES (p_supplier) ON CONFLICT DO NOTHING;
  IF old_link.status IS NOT NULL THEN
    UPDATE connector_mix SET n = n - 1 WHERE supplier_id = p_supplier AND relationship = old_link.relationship AND status = old_link.status;
    DELETE FROM connector_mix WHERE supplier_id = p_supplier AND n = 0;
    UPDATE connector_stats SET connections = connections - 1 WHERE supplier_id = p_supplier;
  END IF;
  IF new_link.status IS NULL THEN
    DELETE FROM connector_links WHERE supplier_id = p_supplier AND recipient_email = p_email;
  ELSE
    INSERT INTO connector_links AS l (supplier_id, recipient_email, relationship, status)
    VALUES (p_supplier, p_email, new_link.relationship, new_link.status)
    ON CONFLICT (supplier_id, recipient_email) DO UPDATE SET relationship = EXCLUDED.relationship, status = EXCLUDED.status;
    INSERT INTO connector_mix AS m (supplier_id, relationship, status, n) VALUES (p_supplier, new_link.relationship, new_link.status, 1)
    ON CONFLICT (supplier_id, relationship, status) DO UPDATE SET n = m.n + 1;
    UPDATE connector_stats SET connections = connections + 1 WHERE supplier_id = p_supplier;
  END IF;
END $$;

-- Migration 004's counters trigger, counting the counted status (a change of fraud_excluded is
-- a change of status for the counters). Attribution still follows the real status: it happens
-- at acceptance, before any exclusion; the exclusion undoes it.
CREATE OR REPLACE FUNCTION invitations_analytics() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  role text;
  same_key boolean;
  old_status text;
  new_status text := fraud_counted_status(NEW.status, NEW.fraud_excluded);
  old_cycle int;
  new_cycle int := floor(extract(epoch FROM NEW.accepted_at - NEW.counted_at) / 86400)::int;
BEGIN
  SELECT u.role INTO role FROM users u WHERE u.id = NEW.inviter_id;
  IF TG_OP = 'UPDATE' THEN
    old_status := fraud_counted_status(OLD.status, OLD.fraud_excluded);
    old_cycle := floor(extract(epoch FROM OLD.accepted_at - OLD.counted_at) / 86400)::int;
    same_key := OLD.deleted = NEW.deleted AND OLD.inviter_id = NEW.inviter_id AND OLD.channel = NEW.channel
      AND OLD.variant = NEW.variant AND plusone_day(OLD.counted_at) = plusone_day(NEW.counted_at);
    -- An accepted row whose cycle time moved within its day (its capture time edited by hours)
    -- is recounted too, or its cycle-time bucket would keep the old value.
    IF NOT same_key OR old_status <> new_status OR (new_status = 'accepted' AND old_cycle IS DISTINCT FROM new_cycle) THEN
      IF NOT OLD.deleted THEN
        PERFORM k_count(OLD.inviter_id, role, OLD.channel, OLD.variant, plusone_day(OLD.counted_at), old_status, old_cycle, -1, NOT same_key);
      END IF;
      IF NOT NEW.deleted THEN
        PERFORM k_count(NEW.inviter_id, role, NEW.channel, NEW.variant, plusone_day(NEW.counted_at), new_status, new_cycle, 1, NOT same_key);
      END IF;
    END IF;
  ELSIF NOT NEW.deleted THEN
    PERFORM k_count(NEW.inviter_id, role, NEW.channel, NEW.variant, plusone_day(NEW.counted_at), new_status, new_cycle, 1, true);
  END IF;

  IF role = 'supplier' THEN
    PERFORM connector_relink(NEW.inviter_id, NEW.recipient_email);
    IF TG_OP = 'UPDATE' AND OLD.recipient_email <> NEW.recipient_email THEN
      PERFORM connector_relink(OLD.inviter_id, OLD.recipient_email);
    END IF;
    IF new_status = 'accepted' AND NOT NEW.deleted THEN
      UPDATE connector_stats SET last_success_at = greatest(last_success_at, NEW.accepted_at) WHERE supplier_id = NEW.inviter_id;
    END IF;
  END IF;

  -- Attribution: the first accepted invitation for an existing user makes its inviter their referrer.
  -- The attribution is recorded as a `referral.attributed` event in the same transaction.
  IF NEW.status = 'accepted' AND NOT NEW.deleted AND NOT NEW.fraud_excluded AND (TG_OP = 'INSERT' OR OLD.status <> 'accepted') THEN
    WITH referred AS (
      UPDATE users SET referred_by = NEW.inviter_id, referred_at = NEW.accepted_at, referral_invitation_id = NEW.id
       WHERE email = NEW.recipient_email AND referred_by IS NULL AND may_refer(NEW.inviter_id, id)
      RETURNING id)
    INSERT INTO viral_events (id, type, actor_id, invitation_id, inviter_id, org_id, data, captured_at, counted_at, time_source, rev, txid)
    SELECT gen_random_uuid(), 'referral.attributed', referred.id, NEW.id, NEW.inviter_id, NEW.org_id,
           jsonb_build_object('referrerId', NEW.inviter_id, 'referredId', referred.id, 'channel', NEW.channel, 'variant', NEW.variant),
           NEW.accepted_at, NEW.accepted_at, 'server', nextval('plusone_rev'), plusone_txid()
      FROM referred;
  END IF;
  RETURN NULL;
END $$;

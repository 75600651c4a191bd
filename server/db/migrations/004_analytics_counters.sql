-- Viral analytics, kept fresh by counters that a trigger updates in the same transaction as
-- the invitation write that changes them (DESIGN §4, issue 6). Every write path (push, events,
-- delivery callbacks, demo data) goes through the trigger, so no path can forget the counters.
--
-- K over a window [a, b] of days = accepted ÷ distinct inviters. Counting invitations per day
-- is easy (k_daily). The hard part is the exact number of distinct inviters over any window and
-- breakdown without a scan over inviters. The design (see also server/analytics/kCounters.ts):
--
--   An inviter is active on a day when they created at least one invitation counted on it.
--   For each active day d of an inviter, let p be their previous active day. The inviter is
--   counted in a window [a, b] exactly once: on their first active day inside it, which is the
--   one active day d in [a, b] with p < a. So
--       inviters(a, b) = Σ over d in [a, b] of  #{ inviters active on d whose previous day < a }.
--   k_reach(start_day = a, day = d) holds that count for every a in (d − 90, d], so a window of
--   up to 90 days reads at most 90 rows, whatever the number of invitations or inviters.
--   A new active day d (previous p, next q) adds 1 to (a, d) for a in (p, d], and moves q's
--   rows for a in (p, d] down by one (q's previous day is now d). A writer records that as at
--   most three delta rows (day, gap, ±1) per dimension, only on an inviter's first invitation
--   of a day; the compaction spreads them over the window starts.
--
-- No hot rows: the trigger never updates a shared counter row (every writer of a day would
-- queue on it, like a global counter). It appends delta rows (k_daily_delta, k_reach_delta,
-- k_cycle_delta) that `k_compact()` folds into the main tables about once a second, and reads
-- add both. The per-inviter rows (k_inviter_days) are updated in place under a lock per inviter,
-- so two transactions of one inviter see each other's active days.
--
-- Windows are whole UTC days, at most 90 (MAX_WINDOW_DAYS in shared/viral.ts). Dimensions: the
-- whole platform ('all', ''), the inviter's role ('actor'), the channel, the template variant,
-- and the experiment arm ('experiment', '<channel>:<variant>': the 'variant' dimension mixes the
-- channels, each having its own experiment).

ALTER TABLE invitations ADD COLUMN variant text NOT NULL DEFAULT 'control';
ALTER TABLE invitations ADD COLUMN accepted_at timestamptz;
CREATE INDEX invitations_inviter_recipient ON invitations (inviter_id, recipient_email);

-- Attribution: accepting an invitation makes the inviter the referrer of the user it was for.
ALTER TABLE users ADD COLUMN referred_by text REFERENCES users (id);
ALTER TABLE users ADD COLUMN referred_at timestamptz;
ALTER TABLE users ADD COLUMN referral_invitation_id uuid REFERENCES invitations (id);
CREATE INDEX users_referred_by ON users (referred_by);

-- Bookings give referred revenue (amounts in cents).
CREATE TABLE bookings (
  id uuid PRIMARY KEY,
  couple_id text NOT NULL REFERENCES users (id),
  supplier_id text REFERENCES users (id),
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  booked_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bookings_couple ON bookings (couple_id);

-- Invitations per day and dimension, one column per current status.
CREATE TABLE k_daily (
  dim text NOT NULL,
  val text NOT NULL,
  day date NOT NULL,
  queued int NOT NULL DEFAULT 0,
  sent int NOT NULL DEFAULT 0,
  delivered int NOT NULL DEFAULT 0,
  opened int NOT NULL DEFAULT 0,
  accepted int NOT NULL DEFAULT 0,
  declined int NOT NULL DEFAULT 0,
  cancelled int NOT NULL DEFAULT 0,
  PRIMARY KEY (dim, val, day)
);

-- How many invitations an inviter has on a day, per dimension (the active days).
CREATE TABLE k_inviter_days (
  dim text NOT NULL,
  val text NOT NULL,
  inviter_id text NOT NULL,
  day date NOT NULL,
  n int NOT NULL,
  PRIMARY KEY (dim, val, inviter_id, day)
);

-- Inviters active on `day` whose previous active day is before `start_day` (see above).
CREATE TABLE k_reach (
  dim text NOT NULL,
  val text NOT NULL,
  start_day date NOT NULL,
  day date NOT NULL,
  n int NOT NULL,
  PRIMARY KEY (dim, val, start_day, day)
);
-- A breakdown reads every value of a dimension for one window start.
CREATE INDEX k_reach_breakdown ON k_reach (dim, start_day, day);

-- Appended by writers, folded into the main tables by k_compact(); reads add both.
CREATE TABLE k_daily_delta (LIKE k_daily);
CREATE INDEX k_daily_delta_day ON k_daily_delta (dim, val, day);
-- One row per change of an active day's gap to the previous one (gap capped at 90): it counts
-- for the window starts a in (day − gap, day].
CREATE TABLE k_reach_delta (
  dim text NOT NULL,
  val text NOT NULL,
  day date NOT NULL,
  gap int NOT NULL CHECK (gap BETWEEN 1 AND 90),
  n int NOT NULL
);
CREATE INDEX k_reach_delta_day ON k_reach_delta (dim, val, day);
-- The compaction empties the delta tables every few seconds: vacuum them often, or reads scan dead rows.
ALTER TABLE k_daily_delta SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000);
ALTER TABLE k_reach_delta SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000);

-- Accepted invitations by their day and whole days from creation to acceptance (cycle time).
CREATE TABLE k_cycle (
  dim text NOT NULL,
  val text NOT NULL,
  day date NOT NULL,
  days int NOT NULL,
  n int NOT NULL,
  PRIMARY KEY (dim, val, day, days)
);
CREATE TABLE k_cycle_delta (LIKE k_cycle);
ALTER TABLE k_cycle_delta SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000);

-- Super-connectors: a supplier's couple connections (distinct recipients, not fellow
-- suppliers), each at the state of its best invitation, counted by relationship × status; the
-- score itself is computed by shared/analytics/superConnector.ts.
CREATE TABLE connector_links (
  supplier_id text NOT NULL REFERENCES users (id),
  recipient_email text NOT NULL,
  relationship text NOT NULL,
  status text NOT NULL,
  PRIMARY KEY (supplier_id, recipient_email)
);
CREATE TABLE connector_mix (
  supplier_id text NOT NULL REFERENCES users (id),
  relationship text NOT NULL,
  status text NOT NULL,
  n int NOT NULL,
  PRIMARY KEY (supplier_id, relationship, status)
);
CREATE TABLE connector_stats (
  supplier_id text PRIMARY KEY REFERENCES users (id),
  connections int NOT NULL DEFAULT 0,
  last_success_at timestamptz,
  score double precision,
  tier text,
  scored_at timestamptz
);
CREATE INDEX connector_stats_connections ON connector_stats (connections);
CREATE INDEX connector_stats_tier ON connector_stats (tier) WHERE tier IS NOT NULL;

CREATE FUNCTION plusone_day(ts timestamptz) RETURNS date
  LANGUAGE sql IMMUTABLE AS $$ SELECT (ts AT TIME ZONE 'UTC')::date $$;

-- Adds `sign` to k_reach(a, d) for a in (prev, d] ∩ (d − 90, d]; prev NULL means no earlier day.
CREATE FUNCTION k_reach_add(p_dim text, p_val text, p_day date, p_prev date, p_sign int) RETURNS void
  LANGUAGE sql AS $$
  INSERT INTO k_reach_delta (dim, val, day, gap, n) VALUES (p_dim, p_val, p_day, least(coalesce(p_day - p_prev, 90), 90), p_sign)
$$;

-- An inviter's day became active (sign 1) or stopped being active (sign -1).
CREATE FUNCTION k_link_day(p_dim text, p_val text, p_inviter text, p_day date, p_sign int) RETURNS void
  LANGUAGE plpgsql AS $$
DECLARE
  prev date;
  nxt date;
BEGIN
  SELECT max(day) INTO prev FROM k_inviter_days WHERE dim = p_dim AND val = p_val AND inviter_id = p_inviter AND day < p_day;
  SELECT min(day) INTO nxt FROM k_inviter_days WHERE dim = p_dim AND val = p_val AND inviter_id = p_inviter AND day > p_day;
  PERFORM k_reach_add(p_dim, p_val, p_day, prev, p_sign);
  IF nxt IS NOT NULL THEN
    PERFORM k_reach_add(p_dim, p_val, nxt, prev, -p_sign);
    PERFORM k_reach_add(p_dim, p_val, nxt, p_day, p_sign);
  END IF;
END $$;

-- Adds (sign 1) or removes (sign -1) one invitation's contribution to the K counters.
CREATE FUNCTION k_count(p_inviter text, p_role text, p_channel text, p_variant text, p_day date,
                        p_status text, p_cycle_days int, p_sign int, p_with_inviter boolean) RETURNS void
  LANGUAGE plpgsql AS $$
DECLARE
  d record;
  cnt int;
BEGIN
  -- One inviter's transactions take turns on their active days (each sees the other's days).
  IF p_with_inviter THEN PERFORM pg_advisory_xact_lock(7474004, hashtext(p_inviter)); END IF;
  FOR d IN SELECT * FROM (VALUES ('all', ''), ('actor', p_role), ('channel', p_channel), ('variant', p_variant),
                                 ('experiment', p_channel || ':' || p_variant)) AS v (dim, val) LOOP
    INSERT INTO k_daily_delta (dim, val, day, queued, sent, delivered, opened, accepted, declined, cancelled)
    VALUES (d.dim, d.val, p_day,
            CASE WHEN p_status = 'queued' THEN p_sign ELSE 0 END, CASE WHEN p_status = 'sent' THEN p_sign ELSE 0 END,
            CASE WHEN p_status = 'delivered' THEN p_sign ELSE 0 END, CASE WHEN p_status = 'opened' THEN p_sign ELSE 0 END,
            CASE WHEN p_status = 'accepted' THEN p_sign ELSE 0 END, CASE WHEN p_status = 'declined' THEN p_sign ELSE 0 END,
            CASE WHEN p_status = 'cancelled' THEN p_sign ELSE 0 END);
    IF p_status = 'accepted' AND p_cycle_days IS NOT NULL THEN
      INSERT INTO k_cycle_delta (dim, val, day, days, n) VALUES (d.dim, d.val, p_day, p_cycle_days, p_sign);
    END IF;
    IF p_with_inviter THEN
      INSERT INTO k_inviter_days AS i (dim, val, inviter_id, day, n) VALUES (d.dim, d.val, p_inviter, p_day, p_sign)
      ON CONFLICT (dim, val, inviter_id, day) DO UPDATE SET n = i.n + EXCLUDED.n
      RETURNING n INTO cnt;
      IF p_sign = 1 AND cnt = 1 THEN
        PERFORM k_link_day(d.dim, d.val, p_inviter, p_day, 1);
      ELSIF cnt = 0 THEN
        DELETE FROM k_inviter_days WHERE dim = d.dim AND val = d.val AND inviter_id = p_inviter AND day = p_day;
        PERFORM k_link_day(d.dim, d.val, p_inviter, p_day, -1);
      END IF;
    END IF;
  END LOOP;
END $$;

-- Re-derives one supplier→recipient connection from its invitations (accepted first, else the
-- latest) and moves the supplier's relationship × status counts with it.
CREATE FUNCTION connector_relink(p_supplier text, p_email text) RETURNS void
  LANGUAGE plpgsql AS $$
DECLARE
  old_link record;
  new_link record;
BEGIN
  SELECT relationship, status INTO old_link FROM connector_links WHERE supplier_id = p_supplier AND recipient_email = p_email;
  SELECT relationship, status INTO new_link FROM invitations
   WHERE inviter_id = p_supplier AND recipient_email = p_email AND NOT deleted AND relationship <> 'fellow_supplier'
   ORDER BY (status = 'accepted') DESC, updated_at DESC, id DESC LIMIT 1;
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

-- May `p_referrer` become the referrer of `p_user`? Not themselves, and never closing a loop:
-- `p_user` must not already be up the referrer's chain (walked at most 1000 steps).
CREATE FUNCTION may_refer(p_referrer text, p_user text) RETURNS boolean
  LANGUAGE sql STABLE AS $$
  SELECT p_user <> p_referrer AND p_user NOT IN (
    WITH RECURSIVE up (id, depth) AS (
      SELECT referred_by, 1 FROM users WHERE id = p_referrer AND referred_by IS NOT NULL
      UNION ALL
      SELECT u.referred_by, up.depth + 1 FROM users u JOIN up ON u.id = up.id
       WHERE u.referred_by IS NOT NULL AND up.depth < 1000)
    SELECT up.id FROM up)
$$;

-- Acceptance time is the server's, set once when an invitation first becomes accepted.
CREATE FUNCTION invitations_stamp_acceptance() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'accepted' AND NEW.accepted_at IS NULL THEN NEW.accepted_at := now(); END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER invitations_stamp_acceptance BEFORE INSERT OR UPDATE ON invitations
  FOR EACH ROW EXECUTE FUNCTION invitations_stamp_acceptance();

CREATE FUNCTION invitations_analytics() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  role text;
  same_key boolean;
BEGIN
  SELECT u.role INTO role FROM users u WHERE u.id = NEW.inviter_id;
  IF TG_OP = 'UPDATE' THEN
    same_key := OLD.deleted = NEW.deleted AND OLD.inviter_id = NEW.inviter_id AND OLD.channel = NEW.channel
      AND OLD.variant = NEW.variant AND plusone_day(OLD.counted_at) = plusone_day(NEW.counted_at);
    IF NOT OLD.deleted AND (NOT same_key OR OLD.status <> NEW.status) THEN
      PERFORM k_count(OLD.inviter_id, role, OLD.channel, OLD.variant, plusone_day(OLD.counted_at), OLD.status,
        floor(extract(epoch FROM OLD.accepted_at - OLD.counted_at) / 86400)::int, -1, NOT same_key);
    END IF;
    IF NOT NEW.deleted AND (NOT same_key OR OLD.status <> NEW.status) THEN
      PERFORM k_count(NEW.inviter_id, role, NEW.channel, NEW.variant, plusone_day(NEW.counted_at), NEW.status,
        floor(extract(epoch FROM NEW.accepted_at - NEW.counted_at) / 86400)::int, 1, NOT same_key);
    END IF;
  ELSIF NOT NEW.deleted THEN
    PERFORM k_count(NEW.inviter_id, role, NEW.channel, NEW.variant, plusone_day(NEW.counted_at), NEW.status,
      floor(extract(epoch FROM NEW.accepted_at - NEW.counted_at) / 86400)::int, 1, true);
  END IF;

  IF role = 'supplier' THEN
    PERFORM connector_relink(NEW.inviter_id, NEW.recipient_email);
    IF TG_OP = 'UPDATE' AND OLD.recipient_email <> NEW.recipient_email THEN
      PERFORM connector_relink(OLD.inviter_id, OLD.recipient_email);
    END IF;
    IF NEW.status = 'accepted' AND NOT NEW.deleted THEN
      UPDATE connector_stats SET last_success_at = greatest(last_success_at, NEW.accepted_at) WHERE supplier_id = NEW.inviter_id;
    END IF;
  END IF;

  -- Attribution: the first accepted invitation for an existing user makes its inviter their referrer.
  -- The attribution is recorded as a `referral.attributed` event in the same transaction.
  IF NEW.status = 'accepted' AND NOT NEW.deleted AND (TG_OP = 'INSERT' OR OLD.status <> 'accepted') THEN
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
CREATE TRIGGER invitations_analytics AFTER INSERT OR UPDATE ON invitations
  FOR EACH ROW EXECUTE FUNCTION invitations_analytics();

-- Folds the appended deltas into the main counter tables, in one transaction, one process at a
-- time (others skip). Rows appended by transactions still in flight stay for the next run.
CREATE FUNCTION k_compact() RETURNS int
  LANGUAGE plpgsql AS $$
DECLARE
  moved int := 0;
  touched int;
BEGIN
  IF NOT pg_try_advisory_xact_lock(7474003) THEN RETURN 0; END IF;
  WITH d AS (DELETE FROM k_daily_delta RETURNING *)
  INSERT INTO k_daily AS k (dim, val, day, queued, sent, delivered, opened, accepted, declined, cancelled)
  SELECT dim, val, day, sum(queued), sum(sent), sum(delivered), sum(opened), sum(accepted), sum(declined), sum(cancelled)
    FROM d GROUP BY dim, val, day
  ON CONFLICT (dim, val, day) DO UPDATE SET
    queued = k.queued + EXCLUDED.queued, sent = k.sent + EXCLUDED.sent, delivered = k.delivered + EXCLUDED.delivered,
    opened = k.opened + EXCLUDED.opened, accepted = k.accepted + EXCLUDED.accepted,
    declined = k.declined + EXCLUDED.declined, cancelled = k.cancelled + EXCLUDED.cancelled;
  GET DIAGNOSTICS touched = ROW_COUNT;
  moved := moved + touched;
  WITH d AS (DELETE FROM k_reach_delta RETURNING *),
       g AS (SELECT dim, val, day, gap, sum(n)::int AS n FROM d GROUP BY dim, val, day, gap HAVING sum(n) <> 0)
  INSERT INTO k_reach AS r (dim, val, start_day, day, n)
  SELECT dim, val, day - i, day, sum(n) FROM g CROSS JOIN LATERAL generate_series(0, gap - 1) AS i GROUP BY dim, val, day - i, day
  ON CONFLICT (dim, val, start_day, day) DO UPDATE SET n = r.n + EXCLUDED.n;
  GET DIAGNOSTICS touched = ROW_COUNT;
  moved := moved + touched;
  WITH d AS (DELETE FROM k_cycle_delta RETURNING *)
  INSERT INTO k_cycle AS c (dim, val, day, days, n)
  SELECT dim, val, day, days, sum(n) FROM d GROUP BY dim, val, day, days
  ON CONFLICT (dim, val, day, days) DO UPDATE SET n = c.n + EXCLUDED.n;
  GET DIAGNOSTICS touched = ROW_COUNT;
  RETURN moved + touched;
END $$;

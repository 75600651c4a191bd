-- Template experiments (DESIGN §5, issue 7): one experiment per channel, its variants with their
-- weights and templates. Assignment is the pure hash of shared/experiments/assign.ts over the
-- experiment's seed and the inviter's id; clients get the config (not the templates) through the
-- `experiments` metrics snapshot. The starter experiments are created at start from the shared
-- default templates (server/experiments/store.ts), so their text lives in one place.
CREATE TABLE experiments (
  channel text PRIMARY KEY CHECK (channel IN ('email', 'sms', 'whatsapp')),
  seed text NOT NULL,
  mode text NOT NULL DEFAULT 'fixed' CHECK (mode IN ('fixed', 'thompson')),
  -- Chance to beat control that makes a variant the winner.
  threshold double precision NOT NULL DEFAULT 0.95 CHECK (threshold > 0.5 AND threshold < 1),
  -- running: assign by weight; concluded: everyone gets default_variant (after a promotion).
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'concluded')),
  default_variant text NOT NULL DEFAULT 'control',
  -- Set once, when a variant first passes the threshold (the experiment.winner event).
  winner text,
  winner_at timestamptz,
  promoted_at timestamptz,
  started_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE experiment_variants (
  channel text NOT NULL REFERENCES experiments (channel) ON DELETE CASCADE,
  name text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{0,39}$'),
  weight double precision NOT NULL CHECK (weight >= 0),
  -- Validated by shared/templates.ts before it is stored.
  subject text NOT NULL DEFAULT '',
  body text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (channel, name)
);

-- Results per experiment variant come from the K counters of migration 004, under a fifth
-- dimension 'experiment' whose value is '<channel>:<variant>' (the 'variant' dimension mixes the
-- channels). k_count keeps its signature; only its list of dimensions grows.
CREATE OR REPLACE FUNCTION k_count(p_inviter text, p_role text, p_channel text, p_variant text, p_day date,
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

-- The new dimension for the invitations already there (same derivation as server/viral/kRebuild.ts).
CREATE TEMP TABLE experiment_backfill ON COMMIT DROP AS
  SELECT 'experiment'::text AS dim, i.channel || ':' || i.variant AS val, i.inviter_id, i.status, i.accepted_at,
         i.counted_at, plusone_day(i.counted_at) AS day
    FROM invitations i JOIN users u ON u.id = i.inviter_id
   WHERE NOT i.deleted;

INSERT INTO k_daily (dim, val, day, queued, sent, delivered, opened, accepted, declined, cancelled)
SELECT dim, val, day,
       count(*) FILTER (WHERE status = 'queued'), count(*) FILTER (WHERE status = 'sent'),
       count(*) FILTER (WHERE status = 'delivered'), count(*) FILTER (WHERE status = 'opened'),
       count(*) FILTER (WHERE status = 'accepted'), count(*) FILTER (WHERE status = 'declined'),
       count(*) FILTER (WHERE status = 'cancelled')
  FROM experiment_backfill GROUP BY dim, val, day;

INSERT INTO k_inviter_days (dim, val, inviter_id, day, n)
SELECT dim, val, inviter_id, day, count(*) FROM experiment_backfill GROUP BY dim, val, inviter_id, day;

INSERT INTO k_reach (dim, val, start_day, day, n)
WITH days AS (SELECT DISTINCT dim, val, inviter_id, day FROM experiment_backfill),
     gaps AS (SELECT dim, val, day,
                     least(coalesce(day - lag(day) OVER (PARTITION BY dim, val, inviter_id ORDER BY day), 90), 90) AS gap
                FROM days),
     grouped AS (SELECT dim, val, day, gap, count(*)::int AS n FROM gaps GROUP BY dim, val, day, gap)
SELECT dim, val, day - i, day, sum(n)::int
  FROM grouped CROSS JOIN LATERAL generate_series(0, gap - 1) AS i
 GROUP BY dim, val, day - i, day;

INSERT INTO k_cycle (dim, val, day, days, n)
SELECT dim, val, day, floor(extract(epoch FROM accepted_at - counted_at) / 86400)::int, count(*)
  FROM experiment_backfill WHERE status = 'accepted' AND accepted_at IS NOT NULL
 GROUP BY 1, 2, 3, 4;

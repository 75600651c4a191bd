-- The counters of migration 004, kept with fewer statements per counted row: the five
-- dimensions' daily deltas in one INSERT, their cycle-time deltas in one, and the inviter's
-- active days in one upsert whose returned counts say which days became, or stopped being,
-- active (those, and only those, move k_reach through k_link_day, as before). Same rows, same
-- meaning: the randomized counters test (server/viral/kCounters.test.ts) compares every counter
-- with a recount from the raw rows. The trigger runs this for each written invitation, so its
-- statement count is the main part of a push's cost per row.
CREATE OR REPLACE FUNCTION k_count(p_inviter text, p_role text, p_channel text, p_variant text, p_day date,
                                   p_status text, p_cycle_days int, p_sign int, p_with_inviter boolean) RETURNS void
  LANGUAGE plpgsql AS $$
DECLARE
  d record;
BEGIN
  -- One inviter's transactions take turns on their active days (each sees the other's days).
  IF p_with_inviter THEN PERFORM pg_advisory_xact_lock(7474004, hashtext(p_inviter)); END IF;
  INSERT INTO k_daily_delta (dim, val, day, queued, sent, delivered, opened, accepted, declined, cancelled)
  SELECT v.dim, v.val, p_day,
         CASE WHEN p_status = 'queued' THEN p_sign ELSE 0 END, CASE WHEN p_status = 'sent' THEN p_sign ELSE 0 END,
         CASE WHEN p_status = 'delivered' THEN p_sign ELSE 0 END, CASE WHEN p_status = 'opened' THEN p_sign ELSE 0 END,
         CASE WHEN p_status = 'accepted' THEN p_sign ELSE 0 END, CASE WHEN p_status = 'declined' THEN p_sign ELSE 0 END,
         CASE WHEN p_status = 'cancelled' THEN p_sign ELSE 0 END
    FROM (VALUES ('all', ''), ('actor', p_role), ('channel', p_channel), ('variant', p_variant),
                 ('experiment', p_channel || ':' || p_variant)) AS v (dim, val);
  IF p_status = 'accepted' AND p_cycle_days IS NOT NULL THEN
    INSERT INTO k_cycle_delta (dim, val, day, days, n)
    SELECT v.dim, v.val, p_day, p_cycle_days, p_sign
      FROM (VALUES ('all', ''), ('actor', p_role), ('channel', p_channel), ('variant', p_variant),
                   ('experiment', p_channel || ':' || p_variant)) AS v (dim, val);
  END IF;
  IF p_with_inviter THEN
    FOR d IN
      INSERT INTO k_inviter_days AS i (dim, val, inviter_id, day, n)
      SELECT v.dim, v.val, p_inviter, p_day, p_sign
        FROM (VALUES ('all', ''), ('actor', p_role), ('channel', p_channel), ('variant', p_variant),
                     ('experiment', p_channel || ':' || p_variant)) AS v (dim, val)
      ON CONFLICT (dim, val, inviter_id, day) DO UPDATE SET n = i.n + EXCLUDED.n
      RETURNING i.dim, i.val, i.n
    LOOP
      IF p_sign = 1 AND d.n = 1 THEN
        PERFORM k_link_day(d.dim, d.val, p_inviter, p_day, 1);
      ELSIF d.n = 0 THEN
        DELETE FROM k_inviter_days WHERE dim = d.dim AND val = d.val AND inviter_id = p_inviter AND day = p_day;
        PERFORM k_link_day(d.dim, d.val, p_inviter, p_day, -1);
      END IF;
    END LOOP;
  END IF;
END $$;

-- plusone_horizon() was VOLATILE: a volatile SQL function takes a fresh snapshot, so inside a
-- pull it could see a transaction as finished that the pull's own snapshot did not yet see
-- committed, and the pull could serve rows past it and skip its row (found by the randomized
-- sync suite). STABLE makes it read the calling statement's snapshot (SPEC PULL2).
CREATE OR REPLACE FUNCTION plusone_horizon() RETURNS bigint
  LANGUAGE sql STABLE AS $$ SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint $$;

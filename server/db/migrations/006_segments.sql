-- Marketing segments (DESIGN §4): the custom rules an owner writes, and who is in each segment
-- now. The four built-in segments are defined in code (shared/analytics/segments.ts) and have no
-- row in `segments`; their memberships live in `segment_members` like any other. Every change of
-- membership is also a viral_event (segment.joined / segment.left), written in the same
-- transaction as the change (server/segments/service.ts).

CREATE TABLE segments (
  id text PRIMARY KEY,
  name text NOT NULL,
  -- A SegmentRule, validated by the shared schema before it is stored.
  rule jsonb NOT NULL,
  created_by text REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
-- Names are what marketing reads: two segments never share one, whatever the case.
CREATE UNIQUE INDEX segments_name ON segments (lower(name));

-- segment_id is a built-in id or a segments.id (no foreign key: built-ins have no row).
CREATE TABLE segment_members (
  segment_id text NOT NULL,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  joined_at timestamptz NOT NULL,
  PRIMARY KEY (segment_id, user_id)
);

-- When each segment's membership last changed (the snapshot's `changedAt`).
CREATE TABLE segment_state (
  segment_id text PRIMARY KEY,
  changed_at timestamptz NOT NULL
);

-- The profile query reads each inviter's latest invitation and their last 30 days.
CREATE INDEX invitations_inviter_counted ON invitations (inviter_id, counted_at) INCLUDE (status) WHERE NOT deleted;

-- Whole days from `since` to `now`, never negative (a clock ahead of the server); NULL stays NULL.
CREATE FUNCTION plusone_whole_days(since timestamptz, now timestamptz) RETURNS int
  LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN since IS NULL THEN NULL ELSE greatest(0, floor(extract(epoch FROM (now - since)) / 86400))::int END
$$;

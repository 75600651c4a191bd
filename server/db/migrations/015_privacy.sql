-- Privacy (issue 8, points 7–8; shared/privacy.ts says what is kept): invitations older than a
-- year are anonymised by a daily job (server/privacy/anonymise.ts), a person may erase their
-- account (server/privacy/erase.ts), and both are logged here without any personal data: when,
-- what, how many rows per table, how long it took.

-- Set when an invitation's recipient address was replaced by a placeholder (the row is done).
ALTER TABLE invitations ADD COLUMN anonymised_at timestamptz;
-- The job looks for old rows not yet done, oldest first.
CREATE INDEX invitations_to_anonymise ON invitations (created_at) WHERE anonymised_at IS NULL;

-- Set when the account was erased: it keeps its id, role and organisation (the counters are
-- keyed by them), and can never sign in again.
ALTER TABLE users ADD COLUMN erased_at timestamptz;

CREATE TABLE privacy_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('anonymisation', 'erasure')),
  -- What started it: the daily schedule, the owner's "run now", or a person erasing their account.
  trigger text NOT NULL CHECK (trigger IN ('schedule', 'owner', 'user')),
  started_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL,
  duration_ms int NOT NULL,
  -- Anonymisation: invitations created before this were due.
  cutoff timestamptz,
  -- Rows changed per table, e.g. {"invitations": 120, "viral_events": 30}.
  rows jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX privacy_log_recent ON privacy_log (started_at DESC);

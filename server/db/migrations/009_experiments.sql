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

-- Results per experiment variant come from the K counters of migration 004, under their
-- 'experiment' dimension ('<channel>:<variant>').

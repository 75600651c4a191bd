-- Monitoring (issue 9, point 5 and 6): the health monitor's alerts and the recorded errors.
--
-- An alert is one unhealthy stretch of one condition (shared/alerts.ts: alertKeys). The partial
-- unique index keeps one open alert per condition even when several server processes evaluate
-- at once: the one whose INSERT wins announces it. `ops_pending` marks a change the ops webhook
-- has not received yet; `ops_seq` numbers the changes, so a retried delivery keeps its id.
CREATE TABLE alerts (
  id uuid PRIMARY KEY,
  key text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('warning', 'critical')),
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  opened_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  last_value double precision,
  message text NOT NULL,
  ops_event text CHECK (ops_event IN ('opened', 'changed', 'resolved')),
  ops_seq int NOT NULL DEFAULT 0,
  ops_pending boolean NOT NULL DEFAULT false,
  CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
);
CREATE UNIQUE INDEX alerts_one_open ON alerts (key) WHERE status = 'open';
CREATE INDEX alerts_resolved ON alerts (resolved_at DESC) WHERE status = 'resolved';
CREATE INDEX alerts_ops_pending ON alerts (id) WHERE ops_pending;

-- Errors, server (5xx answers) and client (the PWA's own reports), one row per kind: the same
-- source and fingerprint (a hash of the error's name and stack frames) count on one row, which
-- keeps the latest occurrence's context (request id, route, user id, page).
CREATE TABLE error_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source text NOT NULL CHECK (source IN ('server', 'client')),
  fingerprint text NOT NULL,
  kind text NOT NULL,
  message text NOT NULL,
  count bigint NOT NULL DEFAULT 1,
  first_seen timestamptz NOT NULL DEFAULT now(),
  last_seen timestamptz NOT NULL DEFAULT now(),
  context jsonb NOT NULL DEFAULT '{}',
  UNIQUE (source, fingerprint)
);
CREATE INDEX error_log_recent ON error_log (last_seen DESC);

-- Rate limits (issue 8, point 1): the counters of rate-limiter-flexible's PostgreSQL store, in
-- the table shape it expects (key, points, expire in ms since the epoch). Every limiter of every
-- server process shares this one table, each under its own key prefix, so two processes on one
-- database count together. With REDIS_URL set, Redis holds the counters instead and this table
-- stays empty.
CREATE TABLE rate_limits (
  key varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);

-- Metrics snapshots become an envelope of several kinds (shared/analytics/snapshots.ts), each
-- for an audience: 'all' (every signed-in user), 'owner', or 'user:<id>'. Pulls and live
-- updates serve a snapshot only to its audience. Old-shape snapshots are recomputed at start.
DELETE FROM metrics;
ALTER TABLE metrics ADD COLUMN kind text NOT NULL;
ALTER TABLE metrics ADD COLUMN audience text NOT NULL DEFAULT 'all';
CREATE INDEX metrics_audience_feed ON metrics (audience, txid, rev);

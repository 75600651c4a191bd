-- A user's plan (issue 8): 'premium' raises the invitation allowance (20 an hour, 100 a day,
-- against 10 and 50 for 'regular'; shared/limits.ts holds the numbers). Everyone starts regular.
-- A super-connector tier (connector_stats.tier) gives the highest allowance whatever the plan.
ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'regular' CHECK (plan IN ('regular', 'premium'));

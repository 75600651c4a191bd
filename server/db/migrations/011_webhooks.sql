-- Webhooks (issue 7, points 9 and 11): the owner's endpoints, an outbox of deliveries and a log
-- of every attempt. A viral event of a subscribed type is fanned out to its endpoints by a
-- trigger, in the transaction that records the event: an event that commits has its deliveries,
-- one that rolls back has none. coefficient.updated is not a viral event: the metrics publisher
-- stores it in webhook_messages and enqueues its deliveries itself (server/webhooks/coefficient.ts).
-- Workers claim due deliveries with FOR UPDATE SKIP LOCKED and hold them by a lease
-- (server/webhooks/worker.ts).

CREATE TABLE webhook_endpoints (
  id uuid PRIMARY KEY,
  url text NOT NULL,
  description text NOT NULL DEFAULT '',
  -- Topics from shared/integrations/webhooks.ts (webhookEventTypes).
  event_types text[] NOT NULL,
  -- segment.membership_changed only for these segments; NULL: every segment.
  segment_ids text[],
  -- `whsec_` + base64: signs every delivery (Standard Webhooks). Shown to the owner once.
  secret text NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  -- The first failed attempt since the last success; NULL while healthy.
  failing_since timestamptz,
  disabled_at timestamptz,
  disabled_reason text,
  created_by text REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Published messages that are not viral events (coefficient.updated), kept for retries and replays.
CREATE TABLE webhook_messages (
  id uuid PRIMARY KEY,
  type text NOT NULL,
  source text NOT NULL,
  subject text,
  time timestamptz NOT NULL,
  data jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_messages_created ON webhook_messages (created_at);

-- The outbox: one row per (event, endpoint), and one more per manual replay.
CREATE TABLE webhook_deliveries (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  -- A viral_events.id or a webhook_messages.id.
  event_id uuid NOT NULL,
  event_type text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts int NOT NULL DEFAULT 0,
  -- When it is due; while a worker holds it, when its lease ends.
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- The holding worker's token (NULL when nobody holds it).
  lease text,
  replay boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, status);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (finished_at) WHERE status <> 'pending';

-- The delivery log: every attempt, with its answer (a bounded excerpt).
CREATE TABLE webhook_attempts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id bigint NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  attempt int NOT NULL,
  attempted_at timestamptz NOT NULL,
  ok boolean NOT NULL,
  latency_ms int,
  response_status int,
  error text,
  response_excerpt text
);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, id DESC);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id);

-- The marketing screen reads each segment's latest membership changes.
CREATE INDEX viral_events_segment_changes ON viral_events ((data ->> 'segmentId'), rev DESC)
  WHERE type IN ('segment.joined', 'segment.left');

-- The topic a viral event is published under (shared/integrations/webhooks.ts: webhookTopicOf).
CREATE FUNCTION webhook_topic(event_type text) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN event_type IN ('segment.joined', 'segment.left') THEN 'segment.membership_changed'
    WHEN event_type IN ('invitation.sent', 'invitation.accepted', 'referral.attributed', 'connector.tier_changed',
                        'experiment.winner') THEN event_type
  END
$$;

-- No NOTIFY: it takes a database-wide lock at commit, which would serialise the pushes that
-- record subscribed events; workers poll every WEBHOOK_POLL_MS instead (a due row is one cheap
-- index probe away).
CREATE FUNCTION webhook_fan_out() RETURNS trigger
  LANGUAGE plpgsql AS $$
DECLARE
  topic text := webhook_topic(NEW.type);
BEGIN
  INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type)
  SELECT e.id, NEW.id, topic FROM webhook_endpoints e
   WHERE e.status = 'active' AND topic = ANY (e.event_types)
     AND (topic <> 'segment.membership_changed' OR e.segment_ids IS NULL OR NEW.data ->> 'segmentId' = ANY (e.segment_ids));
  RETURN NULL;
END $$;

CREATE TRIGGER viral_events_webhooks AFTER INSERT ON viral_events
  FOR EACH ROW WHEN (webhook_topic(NEW.type) IS NOT NULL)
  EXECUTE FUNCTION webhook_fan_out();

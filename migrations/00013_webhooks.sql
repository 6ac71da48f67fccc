-- Outbound webhooks: the endpoints a brand registers, the events published to them (the
-- outbox), one delivery per event and endpoint, and the log of every attempt to deliver it.
-- Signing secrets are sealed by the application (AES-256-GCM under the secrets keyring): the
-- database holds only the ciphertext and the ID of the key that sealed it.

-- +goose Up
CREATE TABLE webhook_endpoints (
    tenant_id            uuid        NOT NULL REFERENCES tenants (id),
    id                   uuid        NOT NULL,
    url                  text        NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
    description          text        NOT NULL DEFAULT '' CHECK (length(description) <= 200),
    event_types          text[]      NOT NULL CHECK (cardinality(event_types) > 0),
    status               text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'disabled')),
    -- Why the platform disabled it: 'gone' (the receiver answered 410) or 'failing'.
    disabled_reason      text        NOT NULL DEFAULT '' CHECK (disabled_reason IN ('', 'gone', 'failing')),
    disabled_at          timestamptz,
    secret_key_id        text        NOT NULL CHECK (secret_key_id ~ '^[a-z0-9-]{1,32}$'),
    secret_sealed        bytea       NOT NULL CHECK (length(secret_sealed) > 0),
    -- After a rotation the previous secret signs too, until previous_until, so receivers can
    -- switch without rejecting deliveries.
    previous_key_id      text,
    previous_sealed      bytea,
    previous_until       timestamptz,
    -- Health: attempts failed since the last success, and when the first of them failed.
    consecutive_failures integer     NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    failing_since        timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
-- Publishing finds the subscribed endpoints of a type.
CREATE INDEX webhook_endpoints_types ON webhook_endpoints USING gin (event_types) WHERE status <> 'disabled';
ALTER TABLE webhook_endpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_endpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_endpoints
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- An event published to the brand's endpoints; its ID is the webhook-id every delivery and
-- retry of it carries, so receivers can recognise a repeat.
CREATE TABLE webhook_events (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id),
    id         text        NOT NULL CHECK (id ~ '^msg_[0-9a-f]{32}$'),
    type       text        NOT NULL CHECK (type ~ '^[a-z][a-z_]*\.[a-z][a-z_]*$'),
    -- The body sent, exactly as signed.
    body       bytea       NOT NULL,
    -- A sample sent from the console or API to try an endpoint.
    test       boolean     NOT NULL DEFAULT false,
    -- The customer whose data the body carries, so merging and erasing them reach this copy.
    subject_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX webhook_events_age ON webhook_events (tenant_id, created_at);
CREATE INDEX webhook_events_subject ON webhook_events (tenant_id, subject_id) WHERE subject_id IS NOT NULL;
ALTER TABLE webhook_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_events
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

CREATE TABLE webhook_deliveries (
    tenant_id       uuid        NOT NULL,
    id              uuid        NOT NULL,
    endpoint_id     uuid        NOT NULL,
    event_id        text        NOT NULL,
    -- pending: an attempt is scheduled; held: the endpoint is paused; succeeded; failed: out
    -- of attempts, or the endpoint was disabled.
    status          text        NOT NULL CHECK (status IN ('pending', 'held', 'succeeded', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz,
    last_status     integer,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, endpoint_id, event_id),
    FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, event_id) REFERENCES webhook_events (tenant_id, id) ON DELETE CASCADE
);
-- An endpoint's deliveries, newest first; the held ones to release on resume.
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (tenant_id, endpoint_id, created_at DESC, id DESC);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (tenant_id, event_id);
ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_deliveries
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- The log: every attempt's request and what the receiver answered.
CREATE TABLE webhook_attempts (
    tenant_id       uuid        NOT NULL,
    delivery_id     uuid        NOT NULL,
    attempt         integer     NOT NULL CHECK (attempt >= 1),
    request_headers jsonb       NOT NULL,
    -- The receiver's status; null when no answer came (refused, timed out).
    response_status integer,
    -- The first 4 KiB of the answer.
    response_body   text        NOT NULL DEFAULT '',
    error           text        NOT NULL DEFAULT '',
    latency_ms      integer     NOT NULL CHECK (latency_ms >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, delivery_id, attempt),
    FOREIGN KEY (tenant_id, delivery_id) REFERENCES webhook_deliveries (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE webhook_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_attempts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_attempts
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_events;
DROP TABLE webhook_endpoints;

-- Domain events: the facts modules publish inside the transaction that makes a change (the
-- outbox). Each subscriber's River job names the events it reacts to; the rows are kept a week
-- for those jobs and their retries, then purged.

-- +goose Up
CREATE TABLE domain_events (
    tenant_id   uuid        NOT NULL REFERENCES tenants (id),
    -- A UUIDv7: ordered by time of publication.
    id          uuid        NOT NULL,
    type        text        NOT NULL CHECK (type ~ '^[a-z][a-z_]*\.[a-z][a-z_]*$'),
    -- json, not jsonb: the text is kept as published (webhooks send it as it is).
    data        json        NOT NULL,
    -- The customer whose personal data the event carries, so merging and erasing reach it.
    subject_id  uuid,
    occurred_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX domain_events_age ON domain_events (tenant_id, occurred_at);
CREATE INDEX domain_events_subject ON domain_events (tenant_id, subject_id) WHERE subject_id IS NOT NULL;
ALTER TABLE domain_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE domain_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON domain_events
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE domain_events;

-- Segments: a brand's saved segments (a JSON tree of conditions), their members kept
-- materialised by jobs, and auto-tag rules (a tree and the tag its members get).

-- +goose Up
CREATE TABLE segments (
    tenant_id    uuid        NOT NULL REFERENCES tenants (id),
    id           uuid        NOT NULL,
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    description  text        NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    -- The tree as segment.Tree encodes it, checked against the brand's fields when saved.
    tree         jsonb       NOT NULL,
    -- How many customers matched at the last full refresh, and when it ran.
    member_count bigint      NOT NULL DEFAULT 0,
    refreshed_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX segments_name ON segments (tenant_id, lower(name));
ALTER TABLE segments ENABLE ROW LEVEL SECURITY;
ALTER TABLE segments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON segments
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- Who is in each saved segment, refreshed in full after a change and periodically, and for
-- the customers of each batch of events as it is ingested.
CREATE TABLE segment_members (
    tenant_id   uuid        NOT NULL,
    segment_id  uuid        NOT NULL,
    customer_id uuid        NOT NULL,
    since       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, segment_id, customer_id),
    FOREIGN KEY (tenant_id, segment_id) REFERENCES segments (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
-- The segments a customer is in (merging, data download).
CREATE INDEX segment_members_customer ON segment_members (tenant_id, customer_id);
ALTER TABLE segment_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE segment_members FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON segment_members
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- Auto-tag rules: one rule per tag, so a rule only ever removes the tag rows it set.
CREATE TABLE tag_rules (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id),
    id         uuid        NOT NULL,
    tag        text        NOT NULL CHECK (length(tag) BETWEEN 1 AND 40 AND tag !~ '[[:cntrl:]]'),
    tree       jsonb       NOT NULL,
    enabled    boolean     NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX tag_rules_tag ON tag_rules (tenant_id, tag);
ALTER TABLE tag_rules ENABLE ROW LEVEL SECURITY;
ALTER TABLE tag_rules FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tag_rules
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- "Joined campaign Z": the few events that carry a campaign, by campaign.
CREATE INDEX customer_events_campaign ON customer_events (tenant_id, (payload ->> 'campaign'), customer_id)
    WHERE payload ? 'campaign';

-- Event windows ("purchases in the last 90 days") over the whole brand read the events of a
-- type and time range with their customers from the index alone, without the table. It
-- replaces 00008's index on the same keys.
CREATE INDEX customer_events_window ON customer_events (tenant_id, type, occurred_at) INCLUDE (customer_id);
DROP INDEX customer_events_type_time;

-- Segments start from their most selective profile conditions: the customers of a city, or of
-- a lifecycle stage (in a city), with their IDs, from the index alone. They replace 00007's and
-- 00010's indexes on the leading keys, which listings use just as well.
CREATE INDEX customers_city_ids ON customers (tenant_id, city) INCLUDE (id) WHERE city <> '';
DROP INDEX customers_city;
CREATE INDEX customers_lifecycle_ids ON customers (tenant_id, lifecycle_stage, city) INCLUDE (id);
DROP INDEX customers_lifecycle;

-- +goose Down
CREATE INDEX customers_lifecycle ON customers (tenant_id, lifecycle_stage);
DROP INDEX customers_lifecycle_ids;
CREATE INDEX customers_city ON customers (tenant_id, city) WHERE city <> '';
DROP INDEX customers_city_ids;
CREATE INDEX customer_events_type_time ON customer_events (tenant_id, type, occurred_at);
DROP INDEX customer_events_window;
DROP INDEX customer_events_campaign;
DROP TABLE tag_rules;
DROP TABLE segment_members;
DROP TABLE segments;

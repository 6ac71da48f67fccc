-- The activity stream: every event partners and the Mini Program send about a customer
-- (purchases, visits, page views, ...), and per customer the aggregates the reactions to them
-- keep (what lifecycle stages and segments read).

-- +goose Up
CREATE TABLE customer_events (
    -- The tenant is implied by the customer's foreign key: no second key check per row.
    tenant_id   uuid        NOT NULL,
    -- The sender's own event ID: sending an event again is recognised as a duplicate.
    id          text        NOT NULL CHECK (length(id) BETWEEN 1 AND 100),
    customer_id uuid        NOT NULL,
    type        text        NOT NULL CHECK (type IN ('purchase', 'visit', 'page_view', 'click', 'share', 'referral', 'survey')
                                            OR type ~ '^custom:[a-z][a-z0-9_]{0,39}$'),
    channel     text        NOT NULL CHECK (channel IN ('mini_program', 'pos', 'website', 'email', 'wechat', 'other')),
    -- When it happened, as the sender says: history may be sent later (backfill).
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    -- Purchases only: what the customer paid, in fen.
    amount_fen  bigint CHECK (amount_fen >= 0),
    store       text,
    -- The rest of the event: a purchase's items (sku, category, quantity, price_fen), survey
    -- answers, a referral's target...
    payload     jsonb       NOT NULL DEFAULT '{}',
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
-- A customer's timeline, newest first. It carries type and amount so that recomputing a
-- customer's aggregates reads the index alone.
CREATE INDEX customer_events_timeline ON customer_events (tenant_id, customer_id, occurred_at DESC, id DESC)
    INCLUDE (type, amount_fen);
-- Vacuum after every 1% of new rows rather than 20%: it keeps the visibility map current, so
-- those reads skip the table (an append-mostly table is otherwise rarely vacuumed).
ALTER TABLE customer_events SET (autovacuum_vacuum_insert_scale_factor = 0.01);
-- Aggregates over the brand by type and time ("purchases in the last 30 days").
CREATE INDEX customer_events_type_time ON customer_events (tenant_id, type, occurred_at);
ALTER TABLE customer_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON customer_events
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- Recomputed from the customer's events by the reaction job, so a job run twice counts nothing
-- twice.
CREATE TABLE customer_activity (
    tenant_id        uuid        NOT NULL,
    customer_id      uuid        NOT NULL,
    first_seen_at    timestamptz,
    last_seen_at     timestamptz,
    last_purchase_at timestamptz,
    purchase_count   bigint      NOT NULL DEFAULT 0,
    spend_fen        bigint      NOT NULL DEFAULT 0,
    visit_count      bigint      NOT NULL DEFAULT 0,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, customer_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
ALTER TABLE customer_activity ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_activity FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON customer_activity
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE customer_activity;
DROP TABLE customer_events;

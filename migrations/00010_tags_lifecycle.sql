-- Tags on customers (set by admins and partners, by auto-tag rules, or imported from WeChat fan
-- tags) and each customer's lifecycle stage, with the recency rules each brand sets for it.

-- +goose Up
CREATE TABLE customer_tags (
    tenant_id   uuid        NOT NULL,
    customer_id uuid        NOT NULL,
    tag         text        NOT NULL CHECK (length(tag) BETWEEN 1 AND 40 AND tag !~ '[[:cntrl:]]'),
    -- How the customer first got the tag; auto-tag rules only remove what they set.
    source      text        NOT NULL CHECK (source IN ('manual', 'rule', 'wechat')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, customer_id, tag),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
-- Who has a tag: tag filters, segments and counts per tag.
CREATE INDEX customer_tags_by_tag ON customer_tags (tenant_id, tag, customer_id);
ALTER TABLE customer_tags ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_tags FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON customer_tags
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- A brand's recency rules; a brand without a row uses the defaults.
CREATE TABLE lifecycle_settings (
    tenant_id     uuid        NOT NULL PRIMARY KEY REFERENCES tenants (id),
    -- A customer who joined within new_days is new.
    new_days      integer     NOT NULL DEFAULT 30 CHECK (new_days BETWEEN 1 AND 3650),
    -- Days since the last purchase (or since joining, without one) after which a customer is
    -- at risk, then lapsed.
    at_risk_days  integer     NOT NULL DEFAULT 90 CHECK (at_risk_days BETWEEN 1 AND 3650),
    lapsed_days   integer     NOT NULL DEFAULT 180 CHECK (lapsed_days BETWEEN 1 AND 3650),
    -- A lapsed customer who buys again is won back for this many days.
    won_back_days integer     NOT NULL DEFAULT 30 CHECK (won_back_days BETWEEN 1 AND 3650),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (at_risk_days < lapsed_days)
);
ALTER TABLE lifecycle_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE lifecycle_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON lifecycle_settings
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- Every customer has a stage; jobs move customers between stages as events arrive and as time
-- passes.
ALTER TABLE customers
    ADD COLUMN lifecycle_stage text NOT NULL DEFAULT 'new'
        CHECK (lifecycle_stage IN ('new', 'active', 'at_risk', 'lapsed', 'won_back')),
    ADD COLUMN lifecycle_since timestamptz NOT NULL DEFAULT now();
CREATE INDEX customers_lifecycle ON customers (tenant_id, lifecycle_stage);

-- +goose Down
DROP INDEX customers_lifecycle;
ALTER TABLE customers DROP COLUMN lifecycle_since, DROP COLUMN lifecycle_stage;
DROP TABLE lifecycle_settings;
DROP TABLE customer_tags;

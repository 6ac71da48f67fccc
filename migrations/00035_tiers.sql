-- The tiered membership module: each brand's tier rules in versions, each member's tier and
-- its history, and the figures tiers qualify on, kept by the module's own subscribers: per
-- customer and day of the brand's time zone, what they spent and had refunded, whether they
-- came (a purchase or a visit), and the status points (成长值) they earned and had taken back.

-- +goose Up
-- A version of a brand's tier rules (domain/tiers/tier.Program): its ladder and settings, in
-- effect from effective_from until the next version's. Versions never change.
CREATE TABLE tier_programs (
    tenant_id      uuid        NOT NULL REFERENCES tenants (id),
    version        integer     NOT NULL CHECK (version > 0),
    effective_from timestamptz NOT NULL,
    ladder         jsonb       NOT NULL,
    settings       jsonb       NOT NULL,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, version)
);
ALTER TABLE tier_programs ENABLE ROW LEVEL SECURITY;
ALTER TABLE tier_programs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tier_programs
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- A member's tier: since when, until when it holds unless an evaluation renews it (NULL: the
-- lowest tier, which never lapses), and whether an admin set it (manual, until manual_until or
-- for good), with the reason of the last change. A customer gets a row with their first
-- figure; the row is what the subscribers and the evaluation lock.
CREATE TABLE tier_members (
    tenant_id    uuid        NOT NULL,
    customer_id  uuid        NOT NULL,
    tier         text        NOT NULL CHECK (length(tier) BETWEEN 1 AND 32),
    since        timestamptz NOT NULL,
    valid_until  timestamptz,
    manual       boolean     NOT NULL DEFAULT false,
    manual_until timestamptz,
    reason       text        NOT NULL DEFAULT '' CHECK (length(reason) <= 200),
    -- The validity a tier.will_downgrade was published for, so that it is published once.
    warned_for   timestamptz,
    -- The day the member's first figure was counted: the anniversary window's origin.
    joined       date        NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, customer_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
    CHECK (manual OR manual_until IS NULL)
) WITH (fillfactor = 80);
-- No index but the key: an evaluation rewrites most rows (a renewal, valid_until) and, with room
-- on their pages, does it as heap-only updates, without touching an index.
ALTER TABLE tier_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE tier_members FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tier_members
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- Every change of a member's tier: from and to (from NULL: the first), its kind, the reason,
-- the figures that decided it, the validity after, and who made it (an admin's, partner's or
-- the module's own).
CREATE TABLE tier_history (
    tenant_id   uuid        NOT NULL,
    id          uuid        NOT NULL,
    customer_id uuid        NOT NULL,
    from_tier   text,
    to_tier     text        NOT NULL,
    kind        text        NOT NULL CHECK (kind IN ('upgrade', 'downgrade', 'renewal', 'manual', 'expiry', 'rule_change')),
    reason      text        NOT NULL CHECK (length(reason) <= 200),
    figures     jsonb       NOT NULL,
    valid_until timestamptz,
    actor       text        NOT NULL CHECK (length(actor) <= 200),
    occurred_at timestamptz NOT NULL,
    -- One index, which a member's history reads: an evaluation appends a row per member it
    -- renews, in customer order. No key to customers (its check was a fifth of the evaluation's
    -- time): a member's rows follow their tier_members row, which has one.
    PRIMARY KEY (tenant_id, customer_id, id)
);
ALTER TABLE tier_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE tier_history FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tier_history
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- What tiers qualify on, per customer and day of the brand's zone. Counters without a key to
-- customers (the evaluation reads millions; a merge moves them with the customer's data).
CREATE TABLE tier_facts (
    tenant_id       uuid    NOT NULL,
    customer_id     uuid    NOT NULL,
    day             date    NOT NULL,
    spend_fen       bigint  NOT NULL DEFAULT 0,
    refund_fen      bigint  NOT NULL DEFAULT 0,
    visited         boolean NOT NULL DEFAULT false,
    status_points   bigint  NOT NULL DEFAULT 0,
    status_refunded bigint  NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, customer_id, day)
);
ALTER TABLE tier_facts ENABLE ROW LEVEL SECURITY;
ALTER TABLE tier_facts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tier_facts
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- The events already counted in tier_facts (activity:<event id>, points:<operation id>), so a
-- re-processed event never counts twice.
CREATE TABLE tier_fact_keys (
    tenant_id uuid NOT NULL,
    key       text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    PRIMARY KEY (tenant_id, key)
);
ALTER TABLE tier_fact_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE tier_fact_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tier_fact_keys
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

REVOKE UPDATE, DELETE, TRUNCATE ON tier_programs FROM engage_app;
REVOKE DELETE, TRUNCATE ON tier_history, tier_fact_keys FROM engage_app;

-- +goose Down
DROP TABLE tier_fact_keys;
DROP TABLE tier_facts;
DROP TABLE tier_history;
DROP TABLE tier_members;
DROP TABLE tier_programs;

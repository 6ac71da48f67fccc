-- Anti-fraud for points: each brand's fraud rules (limits per day, week or month, velocity,
-- patterns, a risk rank threshold, redemptions right after an unusual earning), what the rules
-- count (one row per earning or referral and subject it is counted under), the review queue of
-- flagged earnings and redemptions, and the customers' external risk ranks (WeChat's
-- getuserriskrank), kept so that earning never waits for WeChat.

-- +goose Up
CREATE TABLE points_fraud_settings (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id),
    -- fraud.Settings as JSON: {"limits": [...], "velocity": {...}, "referrals": {...}, ...}.
    rules      jsonb       NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id)
);
ALTER TABLE points_fraud_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE points_fraud_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON points_fraud_settings
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- What the rules count: an earning under its customer, store and device; a receipt also under
-- its store as a receipt; a referral under its device, IP address and phone prefix. Written
-- only while the brand has rules; the points of the spendable wallet.
CREATE TABLE points_fraud_activity (
    tenant_id    uuid        NOT NULL,
    id           uuid        NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('earn', 'receipt', 'referral')),
    subject      text        NOT NULL CHECK (subject IN ('customer', 'store', 'device', 'ip', 'phone')),
    value        text        NOT NULL CHECK (length(value) BETWEEN 1 AND 200),
    customer_id  uuid        NOT NULL,
    points       bigint      NOT NULL,
    operation_id uuid,
    at           timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
-- The totals of a subject over a window (fraud.Query), read as an index-only scan.
CREATE INDEX points_fraud_activity_window ON points_fraud_activity (tenant_id, kind, subject, value, at) INCLUDE (points, operation_id);
ALTER TABLE points_fraud_activity ENABLE ROW LEVEL SECURITY;
ALTER TABLE points_fraud_activity FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON points_fraud_activity
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- The review queue: an earning whose points are held (its lots pending until the decision), or
-- a refused redemption (key redeem:<the earning>, so refusals after one earning raise one flag).
CREATE TABLE points_fraud_flags (
    tenant_id          uuid        NOT NULL REFERENCES tenants (id),
    id                 uuid        NOT NULL,
    key                text        NOT NULL CHECK (length(key) BETWEEN 1 AND 300),
    kind               text        NOT NULL CHECK (kind IN ('earn', 'receipt', 'referral', 'redemption')),
    customer_id        uuid        NOT NULL,
    -- The held earning (or, for a redemption, the unusual earning before it).
    operation_id       uuid,
    purchase_id        text,
    -- [{"wallet": "points", "points": 120}]: what is held.
    held               jsonb       NOT NULL DEFAULT '[]',
    -- When the held points would have counted without the hold; null for at once.
    release_at         timestamptz,
    -- [fraud.Reason]: why.
    reasons            jsonb       NOT NULL,
    status             text        NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at         timestamptz NOT NULL,
    decided_by_kind    text,
    decided_by         text,
    decided_by_label   text,
    decided_at         timestamptz,
    decision_reason    text        CHECK (length(decision_reason) BETWEEN 1 AND 40),
    decision_note      text        CHECK (length(decision_note) <= 500),
    -- The operation a decision wrote (a release or a cancellation).
    decision_operation uuid,
    PRIMARY KEY (tenant_id, id),
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE UNIQUE INDEX points_fraud_flags_key ON points_fraud_flags (tenant_id, key);
CREATE INDEX points_fraud_flags_queue ON points_fraud_flags (tenant_id, status, id DESC);
CREATE INDEX points_fraud_flags_customer ON points_fraud_flags (tenant_id, customer_id);
ALTER TABLE points_fraud_flags ENABLE ROW LEVEL SECURITY;
ALTER TABLE points_fraud_flags FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON points_fraud_flags
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- A customer's latest external risk rank (0 to 4), asked of WeChat on registration and
-- referral awards.
CREATE TABLE points_risk_ranks (
    tenant_id   uuid        NOT NULL,
    customer_id uuid        NOT NULL,
    rank        integer     NOT NULL CHECK (rank BETWEEN 0 AND 4),
    checked_at  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, customer_id)
);
ALTER TABLE points_risk_ranks ENABLE ROW LEVEL SECURITY;
ALTER TABLE points_risk_ranks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON points_risk_ranks
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE points_risk_ranks;
DROP TABLE points_fraud_flags;
DROP TABLE points_fraud_activity;
DROP TABLE points_fraud_settings;

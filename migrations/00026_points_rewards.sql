-- The reward catalog of the points module: each brand's rewards (their text in Chinese and
-- English, images, price in points and optionally cash, limits, validity and who may claim
-- them), the stock of each (apart from the reward, so claims do not contend with an admin's
-- edit), the claims (redemptions, each under its client's key) and the vouchers they issue.

-- +goose Up
CREATE TABLE rewards (
    tenant_id       uuid        NOT NULL REFERENCES tenants (id),
    id              uuid        NOT NULL,
    kind            text        NOT NULL CHECK (kind IN ('voucher', 'gift', 'discount', 'physical')),
    status          text        NOT NULL CHECK (status IN ('active', 'paused', 'archived')),
    title_zh        text        NOT NULL CHECK (length(title_zh) BETWEEN 1 AND 80),
    title_en        text        NOT NULL CHECK (length(title_en) BETWEEN 1 AND 80),
    description_zh  text        NOT NULL CHECK (length(description_zh) <= 2000),
    description_en  text        NOT NULL CHECK (length(description_en) <= 2000),
    images          text[]      NOT NULL CHECK (cardinality(images) <= 9),
    category        text        NOT NULL CHECK (length(category) <= 40),
    points          bigint      NOT NULL CHECK (points BETWEEN 1 AND 100000000),
    cash_fen        bigint      NOT NULL CHECK (cash_fen BETWEEN 0 AND 100000000),
    -- At most per_customer claims per customer, per_period_count per day, week or month of the
    -- brand's time zone (0: no limit).
    per_customer    integer     NOT NULL CHECK (per_customer BETWEEN 0 AND 1000),
    per_period_count integer    NOT NULL CHECK (per_period_count BETWEEN 0 AND 1000),
    per_period      text        CHECK (per_period IN ('day', 'week', 'month')),
    valid_from      timestamptz,
    valid_until     timestamptz CHECK (valid_until > valid_from),
    voucher_days    integer     NOT NULL CHECK (voucher_days BETWEEN 1 AND 3650),
    -- {"segments": [uuid...], "conditions": [{"attribute": "tier", "values": ["gold"]}]}
    eligibility     jsonb       NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CHECK ((per_period_count = 0) = (per_period IS NULL))
);
CREATE INDEX rewards_catalog ON rewards (tenant_id, status, points, id);
ALTER TABLE rewards ENABLE ROW LEVEL SECURITY;
ALTER TABLE rewards FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON rewards
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- How many of a reward may be claimed (total, NULL for no limit) and were (claimed, less the
-- cancelled). A claim takes one with a conditional update of this row.
CREATE TABLE reward_stock (
    tenant_id uuid   NOT NULL,
    reward_id uuid   NOT NULL,
    total     bigint CHECK (total BETWEEN 0 AND 100000000),
    claimed   bigint NOT NULL CHECK (claimed >= 0),
    PRIMARY KEY (tenant_id, reward_id),
    FOREIGN KEY (tenant_id, reward_id) REFERENCES rewards (tenant_id, id),
    CHECK (total IS NULL OR claimed <= total)
);
ALTER TABLE reward_stock ENABLE ROW LEVEL SECURITY;
ALTER TABLE reward_stock FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON reward_stock
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- A customer's claim of a reward: what it cost, the ledger operation that took the points, and
-- the client's key, one claim per key and customer.
CREATE TABLE reward_redemptions (
    tenant_id         uuid        NOT NULL,
    id                uuid        NOT NULL,
    reward_id         uuid        NOT NULL,
    customer_id       uuid        NOT NULL,
    key               text        NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    fingerprint       bytea       NOT NULL,
    points            bigint      NOT NULL CHECK (points > 0),
    cash_fen          bigint      NOT NULL CHECK (cash_fen >= 0),
    payment_reference text        CHECK (length(payment_reference) BETWEEN 1 AND 100),
    operation_id      uuid        NOT NULL,
    actor_kind        text        NOT NULL,
    actor_id          text        NOT NULL,
    created_at        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, reward_id) REFERENCES rewards (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
    FOREIGN KEY (tenant_id, operation_id) REFERENCES points_operations (tenant_id, id)
);
CREATE UNIQUE INDEX reward_redemptions_key ON reward_redemptions (tenant_id, customer_id, key);
CREATE INDEX reward_redemptions_claims ON reward_redemptions (tenant_id, customer_id, reward_id, created_at);
ALTER TABLE reward_redemptions ENABLE ROW LEVEL SECURITY;
ALTER TABLE reward_redemptions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON reward_redemptions
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- The voucher a claim issued: its code (unique in the brand), state and how it got there.
CREATE TABLE reward_vouchers (
    tenant_id     uuid        NOT NULL,
    id            uuid        NOT NULL,
    redemption_id uuid        NOT NULL,
    reward_id     uuid        NOT NULL,
    customer_id   uuid        NOT NULL,
    code          text        NOT NULL CHECK (code ~ '^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$'),
    state         text        NOT NULL CHECK (state IN ('issued', 'used', 'expired', 'cancelled')),
    issued_at     timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz,
    used_by       text,
    store         text        CHECK (length(store) <= 100),
    cancelled_at  timestamptz,
    reason        text        CHECK (length(reason) <= 200),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, redemption_id),
    FOREIGN KEY (tenant_id, redemption_id) REFERENCES reward_redemptions (tenant_id, id),
    FOREIGN KEY (tenant_id, reward_id) REFERENCES rewards (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
    CHECK ((state = 'used') = (used_at IS NOT NULL)),
    CHECK ((state = 'cancelled') = (cancelled_at IS NOT NULL))
);
CREATE UNIQUE INDEX reward_vouchers_code ON reward_vouchers (tenant_id, code);
CREATE INDEX reward_vouchers_customer ON reward_vouchers (tenant_id, customer_id, id DESC);
CREATE INDEX reward_vouchers_reward ON reward_vouchers (tenant_id, reward_id, id DESC);
CREATE INDEX reward_vouchers_due ON reward_vouchers (tenant_id, expires_at) WHERE state = 'issued';
ALTER TABLE reward_vouchers ENABLE ROW LEVEL SECURITY;
ALTER TABLE reward_vouchers FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON reward_vouchers
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

REVOKE DELETE, TRUNCATE ON rewards, reward_stock, reward_redemptions, reward_vouchers FROM engage_app;

-- +goose Down
DROP TABLE reward_vouchers;
DROP TABLE reward_redemptions;
DROP TABLE reward_stock;
DROP TABLE rewards;

-- Points for what customers do besides buying: the brand's action rules (joining, the daily
-- check-in and its streak bonuses, referrals, surveys, events), the check-ins themselves (one
-- per customer and day in the brand's time zone, with the streak they continue), and referrals
-- (one per referred customer, held until their first purchase where the rule says so). An
-- award is a ledger operation of its own kind.

-- +goose Up
ALTER TABLE points_operations DROP CONSTRAINT points_operations_kind_check;
ALTER TABLE points_operations ADD CONSTRAINT points_operations_kind_check
    CHECK (kind IN ('purchase', 'redeem', 'adjust', 'refund', 'release', 'expire', 'merge', 'award'));

CREATE TABLE points_action_rules (
    tenant_id            uuid        NOT NULL REFERENCES tenants (id),
    key                  text        NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{1,29}$'),
    action               text        NOT NULL CHECK (action IN ('registration', 'check_in', 'referral', 'survey', 'event')),
    event_type           text        NOT NULL DEFAULT '',
    wallet               text        NOT NULL,
    points               bigint      NOT NULL CHECK (points BETWEEN 0 AND 1000000),
    limit_count          integer     NOT NULL CHECK (limit_count BETWEEN 1 AND 1000),
    limit_period         text        NOT NULL CHECK (limit_period IN ('ever', 'day', 'week', 'month')),
    -- [{"days": 7, "points": 20, "repeat": true}]: a check-in rule's streak bonuses.
    streak               jsonb       NOT NULL DEFAULT '[]',
    referee_points       bigint      NOT NULL DEFAULT 0 CHECK (referee_points BETWEEN 0 AND 1000000),
    after_first_purchase boolean     NOT NULL DEFAULT false,
    title                text        NOT NULL DEFAULT '',
    title_en             text        NOT NULL DEFAULT '',
    tip                  text        NOT NULL DEFAULT '',
    tip_en               text        NOT NULL DEFAULT '',
    active               boolean     NOT NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, key)
);
ALTER TABLE points_action_rules ENABLE ROW LEVEL SECURITY;
ALTER TABLE points_action_rules FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON points_action_rules
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

CREATE TABLE points_check_ins (
    tenant_id    uuid        NOT NULL,
    customer_id  uuid        NOT NULL,
    -- The day in the brand's time zone.
    day          date        NOT NULL,
    -- The consecutive days of check-ins this one ends.
    streak       integer     NOT NULL CHECK (streak >= 1),
    points       bigint      NOT NULL,
    operation_id uuid,
    checked_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, customer_id, day),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
ALTER TABLE points_check_ins ENABLE ROW LEVEL SECURITY;
ALTER TABLE points_check_ins FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON points_check_ins
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

CREATE TABLE points_referrals (
    tenant_id   uuid        NOT NULL,
    -- A customer is referred once.
    referee_id  uuid        NOT NULL,
    referrer_id uuid        NOT NULL,
    rule_key    text        NOT NULL,
    -- The referral event that named the referrer.
    event_id    text        NOT NULL,
    status      text        NOT NULL CHECK (status IN ('pending', 'awarded')),
    created_at  timestamptz NOT NULL,
    awarded_at  timestamptz,
    PRIMARY KEY (tenant_id, referee_id),
    FOREIGN KEY (tenant_id, referee_id) REFERENCES customers (tenant_id, id),
    FOREIGN KEY (tenant_id, referrer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX points_referrals_referrer ON points_referrals (tenant_id, referrer_id);
ALTER TABLE points_referrals ENABLE ROW LEVEL SECURITY;
ALTER TABLE points_referrals FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON points_referrals
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE points_referrals;
DROP TABLE points_check_ins;
DROP TABLE points_action_rules;
ALTER TABLE points_operations DROP CONSTRAINT points_operations_kind_check;
ALTER TABLE points_operations ADD CONSTRAINT points_operations_kind_check
    CHECK (kind IN ('purchase', 'redeem', 'adjust', 'refund', 'release', 'expire', 'merge'));

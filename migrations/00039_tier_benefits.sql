-- The tiers module's benefits: what each tier of a brand gives its members (entry rewards,
-- birthday and anniversary gifts, perks, notes of the points multiplier, early access), and
-- every use of one: a reward given (once per member, benefit and period: the key) or a perk
-- claimed.

-- +goose Up
CREATE TABLE tier_benefits (
    tenant_id    uuid        NOT NULL REFERENCES tenants (id),
    id           uuid        NOT NULL,
    tier         text        NOT NULL CHECK (length(tier) BETWEEN 1 AND 32),
    kind         text        NOT NULL CHECK (kind IN ('entry_reward', 'birthday_gift', 'anniversary_gift', 'perk',
                                                      'multiplier_note', 'early_access')),
    title        jsonb       NOT NULL,
    description  jsonb       NOT NULL,
    reward_id    uuid,
    tag          text        NOT NULL DEFAULT '' CHECK (length(tag) <= 40),
    usage_limit  integer     NOT NULL DEFAULT 0 CHECK (usage_limit BETWEEN 0 AND 1000),
    limit_period text        NOT NULL DEFAULT 'ever' CHECK (limit_period IN ('ever', 'day', 'month', 'year')),
    valid_from   timestamptz,
    valid_until  timestamptz,
    existing     boolean     NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, reward_id) REFERENCES rewards (tenant_id, id),
    CHECK (valid_until IS NULL OR valid_from IS NULL OR valid_until > valid_from)
);
CREATE INDEX tier_benefits_tier ON tier_benefits (tenant_id, tier);
ALTER TABLE tier_benefits ENABLE ROW LEVEL SECURITY;
ALTER TABLE tier_benefits FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tier_benefits
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- A use of a benefit by a member: key is what makes it once (entry:<tier period>,
-- birthday:<year>, anniversary:<year>, or the member's claim key of a perk).
CREATE TABLE tier_benefit_uses (
    tenant_id   uuid        NOT NULL,
    benefit_id  uuid        NOT NULL,
    customer_id uuid        NOT NULL,
    key         text        NOT NULL CHECK (length(key) BETWEEN 1 AND 120),
    reward_id   uuid,
    used_at     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, benefit_id, customer_id, key),
    FOREIGN KEY (tenant_id, benefit_id) REFERENCES tier_benefits (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX tier_benefit_uses_customer ON tier_benefit_uses (tenant_id, customer_id, used_at);
ALTER TABLE tier_benefit_uses ENABLE ROW LEVEL SECURITY;
ALTER TABLE tier_benefit_uses FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tier_benefit_uses
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- A reward another module gives (rewards.Service.Give: a tier's entry reward or gift) is a voucher
-- issued free: a claim of no points and no ledger operation.
ALTER TABLE reward_redemptions DROP CONSTRAINT reward_redemptions_points_check,
    ADD CONSTRAINT reward_redemptions_points_check CHECK (points >= 0),
    ALTER COLUMN operation_id DROP NOT NULL,
    ADD CONSTRAINT reward_redemptions_gift CHECK ((operation_id IS NULL) = (points = 0));

-- +goose Down
DELETE FROM reward_vouchers v USING reward_redemptions d WHERE d.id = v.redemption_id AND d.operation_id IS NULL;
DELETE FROM reward_redemptions WHERE operation_id IS NULL;
ALTER TABLE reward_redemptions DROP CONSTRAINT reward_redemptions_gift,
    DROP CONSTRAINT reward_redemptions_points_check,
    ADD CONSTRAINT reward_redemptions_points_check CHECK (points > 0),
    ALTER COLUMN operation_id SET NOT NULL;
DROP TABLE tier_benefit_uses;
DROP TABLE tier_benefits;

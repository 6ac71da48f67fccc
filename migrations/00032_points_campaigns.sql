-- Bonus campaigns: for a scheduled window, purchases meeting a campaign's conditions earn extra
-- points (a multiplier of their base points or a fixed bonus) until its budget is spent. The
-- campaign row keeps its live performance, updated in the earning transaction under the row's
-- lock: issued never passes budget (a CHECK says so too). Participants are the distinct
-- customers who earned from a campaign, one row each.

-- +goose Up
CREATE TABLE points_campaigns (
    tenant_id      uuid        NOT NULL REFERENCES tenants (id),
    id             uuid        NOT NULL,
    name           text        NOT NULL,
    name_en        text        NOT NULL,
    description    text        NOT NULL DEFAULT '',
    description_en text        NOT NULL DEFAULT '',
    wallet         text        NOT NULL,
    starts_at      timestamptz NOT NULL,
    ends_at        timestamptz NOT NULL CHECK (ends_at > starts_at),
    kind           text        NOT NULL CHECK (kind IN ('multiplier', 'bonus')),
    percent        bigint      NOT NULL DEFAULT 0,
    points         bigint      NOT NULL DEFAULT 0,
    -- The rules' conditions (segments, attribute, store categories, min spend, weekdays, hours).
    conditions     jsonb       NOT NULL DEFAULT '{}',
    budget         bigint      NOT NULL CHECK (budget > 0),
    issued         bigint      NOT NULL DEFAULT 0 CHECK (issued BETWEEN 0 AND budget),
    participants   bigint      NOT NULL DEFAULT 0,
    purchases      bigint      NOT NULL DEFAULT 0,
    spend_fen      bigint      NOT NULL DEFAULT 0,
    stopped_at     timestamptz,
    stop_reason    text        NOT NULL DEFAULT '' CHECK (stop_reason IN ('', 'budget', 'admin')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
-- Earning reads the campaigns not stopped whose window holds its purchases.
CREATE INDEX points_campaigns_open ON points_campaigns (tenant_id, starts_at) WHERE stopped_at IS NULL;
ALTER TABLE points_campaigns ENABLE ROW LEVEL SECURITY;
ALTER TABLE points_campaigns FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON points_campaigns
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- A statistic, not a customer's data: no key to customers, a merge leaves both counted.
CREATE TABLE points_campaign_participants (
    tenant_id   uuid NOT NULL,
    campaign_id uuid NOT NULL,
    customer_id uuid NOT NULL,
    PRIMARY KEY (tenant_id, campaign_id, customer_id),
    FOREIGN KEY (tenant_id, campaign_id) REFERENCES points_campaigns (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE points_campaign_participants ENABLE ROW LEVEL SECURITY;
ALTER TABLE points_campaign_participants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON points_campaign_participants
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE points_campaign_participants;
DROP TABLE points_campaigns;

-- Each brand's channel settings: WeChat apps, SMS provider, mail server. Secrets (app
-- secrets, keys, passwords) are not here but in tenant_secrets, sealed.

-- +goose Up
CREATE TABLE channel_settings (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id),
    channel    text        NOT NULL CHECK (channel IN ('wechat_official_account', 'wechat_mini_program', 'sms', 'smtp')),
    config     jsonb       NOT NULL,
    tested_at  timestamptz,
    test_error text,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, channel)
);
ALTER TABLE channel_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE channel_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON channel_settings
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE channel_settings;

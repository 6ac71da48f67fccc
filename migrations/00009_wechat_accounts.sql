-- WeChat accounts: a customer's identity in each of the brand's WeChat apps (Mini Program,
-- Official Account). The OpenID is per app; the UnionID, when WeChat gives one, is the same
-- person across the brand's apps, which is how their accounts are merged into one customer.

-- +goose Up
CREATE TABLE wechat_accounts (
    tenant_id   uuid        NOT NULL REFERENCES tenants (id),
    app_id      text        NOT NULL CHECK (app_id ~ '^wx[0-9a-f]{16}$'),
    open_id     text        NOT NULL CHECK (length(open_id) BETWEEN 1 AND 128),
    union_id    text CHECK (length(union_id) BETWEEN 1 AND 128),
    customer_id uuid        NOT NULL,
    nickname    text        NOT NULL DEFAULT '',
    avatar_url  text        NOT NULL DEFAULT '',
    linked_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, app_id, open_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX wechat_accounts_union_id ON wechat_accounts (tenant_id, union_id) WHERE union_id IS NOT NULL;
CREATE INDEX wechat_accounts_customer ON wechat_accounts (tenant_id, customer_id);
ALTER TABLE wechat_accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE wechat_accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON wechat_accounts
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE wechat_accounts;

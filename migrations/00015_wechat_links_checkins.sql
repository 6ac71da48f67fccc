-- Admins managing customers' WeChat links (when each last logged in, which need to be
-- authorised again), the moment before which a customer's tokens no longer count (set when an
-- admin disconnects, re-authorises or moves a link), and the imports of the brand's WeChat
-- Official Account fan tags with what they found.

-- +goose Up
ALTER TABLE wechat_accounts
    ADD COLUMN last_login_at       timestamptz,
    -- Set by an admin: the customer must log in from WeChat again; the next login clears it.
    ADD COLUMN reauth_requested_at timestamptz;

-- One row per customer whose tokens were cut off; customer tokens issued before not_before
-- are refused. Read on every customer request together with the customer's existence.
CREATE TABLE customer_token_cutoffs (
    tenant_id   uuid        NOT NULL,
    customer_id uuid        NOT NULL,
    not_before  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, customer_id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE customer_token_cutoffs ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_token_cutoffs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON customer_token_cutoffs
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

CREATE TABLE wechat_fan_tag_imports (
    tenant_id    uuid        NOT NULL REFERENCES tenants (id),
    id           uuid        NOT NULL,
    status       text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    requested_at timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    -- What the last run found: the Official Account's tags, the fans listed under them, those
    -- linked to a customer (and so tagged).
    tags         integer     NOT NULL DEFAULT 0,
    fans         integer     NOT NULL DEFAULT 0,
    matched      integer     NOT NULL DEFAULT 0,
    -- Why it failed: not_configured, or WeChat's errcode.
    error_code   text        NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX wechat_fan_tag_imports_recent ON wechat_fan_tag_imports (tenant_id, requested_at DESC);
ALTER TABLE wechat_fan_tag_imports ENABLE ROW LEVEL SECURITY;
ALTER TABLE wechat_fan_tag_imports FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON wechat_fan_tag_imports
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE wechat_fan_tag_imports;
DROP TABLE customer_token_cutoffs;
ALTER TABLE wechat_accounts DROP COLUMN reauth_requested_at, DROP COLUMN last_login_at;

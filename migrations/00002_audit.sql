-- The audit trail: every change by an admin, a partner or the platform, in the transaction of
-- the change. Append-only for the application role; each row chains to the tenant's previous
-- row by hash so that any edit or deletion made around the application shows.

-- +goose Up
CREATE TABLE audit_log (
    tenant_id   uuid        NOT NULL REFERENCES tenants (id),
    seq         bigint      NOT NULL CHECK (seq > 0),
    occurred_at timestamptz NOT NULL,
    actor_kind  text        NOT NULL,
    actor_id    text        NOT NULL,
    actor_label text        NOT NULL,
    action      text        NOT NULL,
    target_type text        NOT NULL,
    target_id   text        NOT NULL,
    before      jsonb,
    after       jsonb,
    diff        jsonb,
    reason      text        NOT NULL,
    request_id  text        NOT NULL,
    ip          text        NOT NULL,
    user_agent  text        NOT NULL,
    prev_hash   bytea       NOT NULL,
    hash        bytea       NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_log_occurred_at ON audit_log (tenant_id, occurred_at DESC, seq DESC);
CREATE INDEX audit_log_target ON audit_log (tenant_id, target_type, target_id, seq DESC);
CREATE INDEX audit_log_action ON audit_log (tenant_id, action, seq DESC);
CREATE INDEX audit_log_actor ON audit_log (tenant_id, actor_id, seq DESC);
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_log
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM engage_app;

-- +goose Down
DROP TABLE audit_log;

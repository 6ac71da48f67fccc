-- Earning rules: each brand's purchase rule set, in versions. A version takes effect at its
-- time and stays in effect until the next one does; a purchase earns under the version in
-- effect when it happened (a brand without one earns by its wallets' base rates). Versions never
-- change: a change is a new version. One not yet in effect may be withdrawn (deleted).

-- +goose Up
CREATE TABLE points_rule_versions (
    tenant_id    uuid        NOT NULL REFERENCES tenants (id),
    version      integer     NOT NULL CHECK (version >= 1),
    effective_at timestamptz NOT NULL,
    -- The rule set (rules.Set as JSON): rules, caps, store categories.
    rules        jsonb       NOT NULL,
    note         text        CHECK (length(note) <= 500),
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- Withdrawn before it took effect: it never did.
    withdrawn_at timestamptz CHECK (withdrawn_at < effective_at),
    PRIMARY KEY (tenant_id, version)
);
-- Two versions never take effect at the same instant.
CREATE UNIQUE INDEX points_rule_versions_effective ON points_rule_versions (tenant_id, effective_at) WHERE withdrawn_at IS NULL;
ALTER TABLE points_rule_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE points_rule_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON points_rule_versions
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
-- Versions are immutable for the application role: only withdrawing one not yet in effect
-- changes a row.
REVOKE UPDATE, DELETE, TRUNCATE ON points_rule_versions FROM engage_app;
GRANT UPDATE (withdrawn_at) ON points_rule_versions TO engage_app;

-- +goose Down
DROP TABLE points_rule_versions;

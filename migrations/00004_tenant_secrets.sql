-- Per-tenant secrets (channel credentials: WeChat app secrets, SMS keys, SMTP passwords).
-- The application seals each value with AES-256-GCM before it gets here: the database holds
-- only the ciphertext and the ID of the master key that sealed it, never a plaintext.

-- +goose Up
CREATE TABLE tenant_secrets (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id),
    name       text        NOT NULL CHECK (name ~ '^[a-z][a-z0-9_.]{2,63}$'),
    key_id     text        NOT NULL CHECK (key_id ~ '^[a-z0-9-]{1,32}$'),
    sealed     bytea       NOT NULL CHECK (length(sealed) > 0),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);
ALTER TABLE tenant_secrets ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_secrets FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_secrets
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE tenant_secrets;

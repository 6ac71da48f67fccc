-- A brand's logo, shown in its console (and later in its Mini Program's pages).

-- +goose Up
CREATE TABLE brand_logos (
    tenant_id    uuid        NOT NULL REFERENCES tenants (id),
    content_type text        NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg')),
    data         bytea       NOT NULL CHECK (length(data) <= 524288),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id)
);
ALTER TABLE brand_logos ENABLE ROW LEVEL SECURITY;
ALTER TABLE brand_logos FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON brand_logos
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE brand_logos;

-- The event types each brand defines ("custom:<key>"), with the typed fields their payload
-- carries: ingestion refuses a custom event of an undefined type or with a payload that does
-- not follow its fields.

-- +goose Up
CREATE TABLE custom_event_types (
    tenant_id   uuid        NOT NULL REFERENCES tenants (id),
    key         text        NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
    label       text        NOT NULL DEFAULT '' CHECK (length(label) <= 100),
    description text        NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    -- [{key, label, type, required, enum_values, max_length}], checked by the domain.
    fields      jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(fields) = 'array'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, key)
);
ALTER TABLE custom_event_types ENABLE ROW LEVEL SECURITY;
ALTER TABLE custom_event_types FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON custom_event_types
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE custom_event_types;

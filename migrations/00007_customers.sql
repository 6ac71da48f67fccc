-- Customers: a brand's members, their profile, consents and the custom attributes the brand
-- defines.

-- +goose Up
CREATE TABLE customer_attribute_defs (
    tenant_id   uuid        NOT NULL REFERENCES tenants (id),
    key         text        NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
    type        text        NOT NULL CHECK (type IN ('string', 'number', 'date', 'boolean', 'enum')),
    label       text        NOT NULL DEFAULT '',
    enum_values text[]      NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, key)
);
ALTER TABLE customer_attribute_defs ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_attribute_defs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON customer_attribute_defs
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

CREATE TABLE customers (
    tenant_id       uuid        NOT NULL REFERENCES tenants (id),
    id              uuid        NOT NULL,
    external_id     text CHECK (length(external_id) BETWEEN 1 AND 100),
    name            text        NOT NULL DEFAULT '',
    gender          text        NOT NULL DEFAULT 'unknown' CHECK (gender IN ('unknown', 'female', 'male', 'other')),
    birth_date      date,
    phone           text CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    email           text,
    avatar_url      text,
    address         jsonb       NOT NULL DEFAULT '{}',
    language        text        NOT NULL DEFAULT 'zh-CN',
    preferred_store text        NOT NULL DEFAULT '',
    city            text        NOT NULL DEFAULT '',
    region          text        NOT NULL DEFAULT '',
    consents        jsonb       NOT NULL DEFAULT '{}',
    attributes      jsonb       NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX customers_phone ON customers (tenant_id, phone) WHERE phone IS NOT NULL;
CREATE UNIQUE INDEX customers_external_id ON customers (tenant_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX customers_email ON customers (tenant_id, lower(email)) WHERE email IS NOT NULL;
CREATE INDEX customers_newest ON customers (tenant_id, created_at DESC, id DESC);
CREATE INDEX customers_city ON customers (tenant_id, city) WHERE city <> '';
ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
ALTER TABLE customers FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON customers
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE customers;
DROP TABLE customer_attribute_defs;

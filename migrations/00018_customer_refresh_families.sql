-- Customers' refresh tokens, one row per family: a family starts at a Mini Program login (or
-- a development token) and each refresh replaces its token with the next generation's. A
-- token is signed, not stored: it names its family and generation, so the row only says which
-- generation is current. A token of an older generation coming back means it was copied:
-- the family is revoked.

-- +goose Up
CREATE TABLE customer_refresh_families (
    tenant_id        uuid        NOT NULL,
    id               uuid        NOT NULL,
    customer_id      uuid        NOT NULL,
    -- The generation of the family's current token; 1 for the login's.
    generation       bigint      NOT NULL DEFAULT 1 CHECK (generation >= 1),
    -- When the login the family descends from happened (as customer tokens count: seconds).
    authenticated_at timestamptz NOT NULL,
    refreshed_at     timestamptz,
    expires_at       timestamptz NOT NULL,
    revoked_at       timestamptz,
    -- reused: an older token came back; cut_off: the customer's tokens were cut off.
    revoked_reason   text        NOT NULL DEFAULT '' CHECK (revoked_reason IN ('', 'reused', 'cut_off')),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_refresh_families_customer ON customer_refresh_families (tenant_id, customer_id);
ALTER TABLE customer_refresh_families ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_refresh_families FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON customer_refresh_families
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE customer_refresh_families;

-- Merged duplicates and PIPL erasure. A merged customer's ID is remembered with the survivor it
-- was merged into, so that later requests for it can be told where the customer went. An
-- erased customer keeps their row (events, ledgers and aggregates still point at it) but no
-- personal data: a check makes sure nothing personal is written back.

-- +goose Up
ALTER TABLE customers ADD COLUMN erased_at timestamptz;
ALTER TABLE customers ADD CONSTRAINT customers_erased_no_personal_data CHECK (erased_at IS NULL OR (
    external_id IS NULL AND name = '' AND birth_date IS NULL AND phone IS NULL AND email IS NULL AND avatar_url IS NULL
    AND address = '{}' AND attributes = '{}'));

-- Duplicate suggestions look for the same name in the same city.
CREATE INDEX customers_name_city ON customers (tenant_id, name, city) WHERE name <> '';

CREATE TABLE customer_merges (
    tenant_id   uuid        NOT NULL REFERENCES tenants (id),
    -- The duplicate's ID: its row is gone.
    merged_id   uuid        NOT NULL,
    survivor_id uuid        NOT NULL,
    merged_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, merged_id),
    FOREIGN KEY (tenant_id, survivor_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX customer_merges_survivor ON customer_merges (tenant_id, survivor_id);
ALTER TABLE customer_merges ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_merges FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON customer_merges
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- Erasure requests: a customer's own (carried out after a cooling-off period, cancellable until
-- then) or an admin's (carried out at once), each worked by a job.
CREATE TABLE customer_erasures (
    tenant_id    uuid        NOT NULL REFERENCES tenants (id),
    id           uuid        NOT NULL,
    customer_id  uuid        NOT NULL,
    requested_by text        NOT NULL CHECK (requested_by IN ('customer', 'admin')),
    status       text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'cancelled', 'done')),
    requested_at timestamptz NOT NULL DEFAULT now(),
    due_at       timestamptz NOT NULL,
    closed_at    timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
-- One open request per customer.
CREATE UNIQUE INDEX customer_erasures_pending ON customer_erasures (tenant_id, customer_id) WHERE status = 'pending';
CREATE INDEX customer_erasures_newest ON customer_erasures (tenant_id, requested_at DESC, id DESC);
ALTER TABLE customer_erasures ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_erasures FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON customer_erasures
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE customer_erasures;
DROP TABLE customer_merges;
DROP INDEX customers_name_city;
ALTER TABLE customers DROP CONSTRAINT customers_erased_no_personal_data;
ALTER TABLE customers DROP COLUMN erased_at;

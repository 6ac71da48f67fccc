-- Receipt scanning. Each brand's receipt rules, and the receipts customers upload from the Mini
-- Program: the photo (kept in the blob store under image_key, identified by its SHA-256), what
-- OCR read and the fields parsed from it, the checks it failed, its status (pending, approved,
-- rejected with a reason) and, once approved, the purchase it earned points as.

-- +goose Up
CREATE TABLE receipt_settings (
    tenant_id            uuid        NOT NULL PRIMARY KEY REFERENCES tenants (id),
    -- Approve a receipt that passes every check without an admin.
    auto_approve         boolean     NOT NULL,
    max_age_days         integer     NOT NULL CHECK (max_age_days BETWEEN 1 AND 366),
    min_amount_fen       bigint      NOT NULL CHECK (min_amount_fen BETWEEN 0 AND 10000000000),
    -- 0: no limit.
    max_amount_fen       bigint      NOT NULL CHECK (max_amount_fen BETWEEN 0 AND 10000000000),
    auto_approve_max_fen bigint      NOT NULL CHECK (auto_approve_max_fen BETWEEN 0 AND 10000000000),
    -- The brand's stores as receipts print them: [{"code": ..., "name": ...}].
    stores               jsonb       NOT NULL CHECK (jsonb_typeof(stores) = 'array'),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE receipt_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE receipt_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON receipt_settings
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

CREATE TABLE receipts (
    tenant_id    uuid        NOT NULL,
    -- A UUIDv7: ordered by upload time.
    id           uuid        NOT NULL,
    customer_id  uuid        NOT NULL,
    status       text        NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    -- The photo in the blob store; NULL once the customer's data was erased.
    image_key    text        CHECK (length(image_key) BETWEEN 1 AND 200),
    image_hash   bytea       NOT NULL CHECK (length(image_hash) = 32),
    content_type text        NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp')),
    image_bytes  integer     NOT NULL CHECK (image_bytes > 0),
    -- What OCR read (NULL until it ran) and the fields parsed from it, or an admin's corrections.
    ocr_text     text,
    read_at      timestamptz,
    store        text        CHECK (length(store) <= 100),
    store_code   text        CHECK (length(store_code) BETWEEN 1 AND 100),
    amount_fen   bigint      CHECK (amount_fen BETWEEN 1 AND 10000000000),
    receipt_at   timestamptz,
    number       text        CHECK (length(number) BETWEEN 1 AND 40),
    -- The checks it failed: why it waits for an admin, or why it was refused.
    flags        text[]      NOT NULL DEFAULT '{}',
    reason       text        CHECK (reason IN ('duplicate', 'unreadable', 'not_a_receipt', 'stale', 'unknown_store', 'amount', 'other')),
    note         text        CHECK (length(note) <= 500),
    -- Who decided (the checks: actor_kind 'system'), and when.
    decided_kind text,
    decided_by   text,
    decided_at   timestamptz,
    -- The purchase an approved receipt earns points as ("receipt-<id>"), and what it earned.
    purchase_id  text        CHECK (length(purchase_id) BETWEEN 1 AND 100),
    points       bigint,
    credited_at  timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
    CHECK ((status = 'rejected') = (reason IS NOT NULL)),
    CHECK (status = 'pending' OR decided_at IS NOT NULL),
    CHECK (status <> 'approved' OR (purchase_id IS NOT NULL AND amount_fen IS NOT NULL AND receipt_at IS NOT NULL))
);
-- One photo per brand: the same bytes uploaded again are a duplicate.
CREATE UNIQUE INDEX receipts_image ON receipts (tenant_id, image_hash);
-- A store's receipt number is approved once.
CREATE UNIQUE INDEX receipts_number_approved ON receipts (tenant_id, coalesce(store_code, ''), number)
    WHERE status = 'approved' AND number IS NOT NULL;
CREATE INDEX receipts_number ON receipts (tenant_id, number) WHERE number IS NOT NULL AND status <> 'rejected';
CREATE INDEX receipts_customer ON receipts (tenant_id, customer_id, id);
-- The review queue.
CREATE INDEX receipts_status ON receipts (tenant_id, status, id);
ALTER TABLE receipts ENABLE ROW LEVEL SECURITY;
ALTER TABLE receipts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON receipts
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- +goose Down
DROP TABLE receipts;
DROP TABLE receipt_settings;

-- Loyalty points. Each brand's program: its settings (refund policy, how long purchase points
-- are held, how early expiry is announced) and its wallets (spendable points, status points and
-- any the brand adds), each with its base earning rate and expiry policy. And the ledger:
-- operations (what one request, event or sweep did to one customer, under its idempotency
-- key), their entries per wallet, lots of credited points with their expiry, the draws that
-- link every debit to the lots it took from, and each customer's balance per wallet, kept in the
-- transaction of every entry.
--
-- Operations, entries and draws are append-only for the application role: only whose they are
-- (a merge moves them to the survivor) and an operation's note (an erasure clears it) may
-- change. The amounts never do.

-- +goose Up
CREATE TABLE points_settings (
    tenant_id     uuid        NOT NULL PRIMARY KEY REFERENCES tenants (id),
    refund_policy text        NOT NULL CHECK (refund_policy IN ('pending_only', 'active_to_zero', 'allow_negative')),
    -- Purchase points are pending this many days after the purchase, then count.
    pending_days  integer     NOT NULL CHECK (pending_days BETWEEN 0 AND 365),
    -- points.expiring is published this many days before points expire (0: never).
    warning_days  integer     NOT NULL CHECK (warning_days BETWEEN 0 AND 365),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE points_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE points_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON points_settings
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

CREATE TABLE points_wallets (
    tenant_id            uuid    NOT NULL REFERENCES tenants (id),
    wallet               text    NOT NULL CHECK (wallet ~ '^[a-z][a-z0-9_]{1,39}$'),
    position             integer NOT NULL,
    spendable            boolean NOT NULL,
    -- The base rate: earn_points for every whole earn_per_fen of a purchase of at least
    -- min_spend_fen, at most max_points_per_order (0: no cap).
    earn_points          bigint  NOT NULL CHECK (earn_points BETWEEN 0 AND 1000000),
    earn_per_fen         bigint  NOT NULL CHECK (earn_per_fen BETWEEN 1 AND 100000000),
    min_spend_fen        bigint  NOT NULL CHECK (min_spend_fen BETWEEN 0 AND 10000000000),
    max_points_per_order bigint  NOT NULL CHECK (max_points_per_order BETWEEN 0 AND 100000000),
    -- Points expire at the end of the expiry_period (in the brand's time zone) that holds the
    -- day expiry_months after they were earned, or never.
    expiry_policy        text    NOT NULL CHECK (expiry_policy IN ('never', 'end_of_period')),
    expiry_months        integer NOT NULL CHECK (expiry_months BETWEEN 0 AND 120),
    expiry_period        text    NOT NULL CHECK (expiry_period IN ('day', 'month', 'quarter', 'half_year', 'year')),
    PRIMARY KEY (tenant_id, wallet)
);
ALTER TABLE points_wallets ENABLE ROW LEVEL SECURITY;
ALTER TABLE points_wallets FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON points_wallets
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- A customer's balance per wallet: the sum of the wallet's entries. Every change to a
-- customer's points locks these rows first (FOR UPDATE, in customer and wallet order), which
-- orders concurrent changes for one customer.
CREATE TABLE points_balances (
    tenant_id   uuid        NOT NULL,
    customer_id uuid        NOT NULL,
    wallet      text        NOT NULL CHECK (wallet ~ '^[a-z][a-z0-9_]{1,39}$'),
    -- Points that count; below zero only where the refund policy allows a debt.
    balance     bigint      NOT NULL,
    -- Points credited but held until their release date.
    pending     bigint      NOT NULL CHECK (pending >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, customer_id, wallet),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
ALTER TABLE points_balances ENABLE ROW LEVEL SECURITY;
ALTER TABLE points_balances FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON points_balances
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

CREATE TABLE points_operations (
    tenant_id   uuid        NOT NULL REFERENCES tenants (id),
    -- A UUIDv7: ordered by time.
    id          uuid        NOT NULL,
    customer_id uuid        NOT NULL,
    kind        text        NOT NULL CHECK (kind IN ('purchase', 'redeem', 'adjust', 'refund', 'release', 'expire', 'merge')),
    -- The idempotency key ("purchase:<event id>", "redeem:<reference>", ...): one operation
    -- per key in a brand. NULL for the ledger's own operations (release, expiry, merge).
    key         text        CHECK (length(key) BETWEEN 1 AND 300),
    -- What the request with the key asked, to tell a retry from a reuse of the key.
    fingerprint bytea,
    source      text        NOT NULL CHECK (source IN ('event', 'rule', 'campaign', 'admin', 'partner')),
    reason      text        NOT NULL CHECK (length(reason) BETWEEN 1 AND 40),
    -- An admin's free text: it may say something about the person, so erasure clears it.
    note        text        CHECK (length(note) <= 500),
    reference   text        CHECK (length(reference) BETWEEN 1 AND 200),
    -- The purchase an earning or refund is about, or the order a redemption paid for.
    purchase_id text        CHECK (length(purchase_id) BETWEEN 1 AND 100),
    actor_kind  text        NOT NULL,
    actor_id    text        NOT NULL,
    -- What the operation was computed from (a purchase's amount and the rates then), and
    -- its outcome per wallet as the first request with its key was answered.
    details     jsonb       NOT NULL,
    result      jsonb       NOT NULL,
    occurred_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE UNIQUE INDEX points_operations_key ON points_operations (tenant_id, key) WHERE key IS NOT NULL;
CREATE INDEX points_operations_purchase ON points_operations (tenant_id, purchase_id, kind) WHERE purchase_id IS NOT NULL;
CREATE INDEX points_operations_customer ON points_operations (tenant_id, customer_id);
ALTER TABLE points_operations ENABLE ROW LEVEL SECURITY;
ALTER TABLE points_operations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON points_operations
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- Credited points: an earning, a positive adjustment or points returned. remaining is what is
-- left of amount after the draws on it.
CREATE TABLE points_lots (
    tenant_id    uuid        NOT NULL,
    id           uuid        NOT NULL,
    customer_id  uuid        NOT NULL,
    wallet       text        NOT NULL,
    operation_id uuid        NOT NULL,
    amount       bigint      NOT NULL CHECK (amount > 0),
    remaining    bigint      NOT NULL CHECK (remaining BETWEEN 0 AND amount),
    -- Held until available_at; then released into the balance.
    pending      boolean     NOT NULL,
    earned_at    timestamptz NOT NULL,
    available_at timestamptz NOT NULL,
    -- The instant the points stop counting; NULL: never.
    expires_at   timestamptz,
    -- When points.expiring announced this lot's expiry.
    warned_at    timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id, wallet) REFERENCES points_balances (tenant_id, customer_id, wallet)
);
-- A customer's lots (merges, downloads), those with points left (every change), and the work of
-- the sweep: lots due for expiry, release, or an expiry warning.
CREATE INDEX points_lots_customer ON points_lots (tenant_id, customer_id, wallet);
CREATE INDEX points_lots_open ON points_lots (tenant_id, customer_id, wallet) WHERE remaining > 0;
CREATE INDEX points_lots_expiry ON points_lots (tenant_id, expires_at) WHERE remaining > 0 AND NOT pending AND expires_at IS NOT NULL;
CREATE INDEX points_lots_release ON points_lots (tenant_id, available_at) WHERE remaining > 0 AND pending;
CREATE INDEX points_lots_unwarned ON points_lots (tenant_id, expires_at)
    WHERE remaining > 0 AND NOT pending AND warned_at IS NULL AND expires_at IS NOT NULL;
ALTER TABLE points_lots ENABLE ROW LEVEL SECURITY;
ALTER TABLE points_lots FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON points_lots
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- One change to one wallet of a customer: points is the change to the balance, pending the
-- change to the pending points.
CREATE TABLE points_entries (
    tenant_id    uuid        NOT NULL,
    -- A UUIDv7: the history's order.
    id           uuid        NOT NULL,
    operation_id uuid        NOT NULL,
    customer_id  uuid        NOT NULL,
    wallet       text        NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('earn', 'release', 'redeem', 'expire', 'adjust', 'refund', 'reverse', 'cancel')),
    reason       text        NOT NULL CHECK (length(reason) BETWEEN 1 AND 40),
    points       bigint      NOT NULL,
    pending      bigint      NOT NULL,
    -- The lot an entry credited, released or cancelled from.
    lot_id       uuid,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, operation_id) REFERENCES points_operations (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX points_entries_history ON points_entries (tenant_id, customer_id, id DESC);
CREATE INDEX points_entries_operation ON points_entries (tenant_id, operation_id);
ALTER TABLE points_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE points_entries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON points_entries
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- What an entry took from a lot: redeemed, expired, taken back, cancelled, or the part of a
-- credit that repaid a negative balance.
CREATE TABLE points_draws (
    tenant_id uuid   NOT NULL,
    entry_id  uuid   NOT NULL,
    lot_id    uuid   NOT NULL,
    points    bigint NOT NULL CHECK (points > 0),
    PRIMARY KEY (tenant_id, entry_id, lot_id),
    FOREIGN KEY (tenant_id, entry_id) REFERENCES points_entries (tenant_id, id),
    FOREIGN KEY (tenant_id, lot_id) REFERENCES points_lots (tenant_id, id)
);
ALTER TABLE points_draws ENABLE ROW LEVEL SECURITY;
ALTER TABLE points_draws FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON points_draws
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

REVOKE UPDATE, DELETE, TRUNCATE ON points_operations, points_entries, points_draws FROM engage_app;
GRANT UPDATE (customer_id, note) ON points_operations TO engage_app;
GRANT UPDATE (customer_id) ON points_entries TO engage_app;

-- +goose Down
DROP TABLE points_draws;
DROP TABLE points_entries;
DROP TABLE points_lots;
DROP TABLE points_operations;
DROP TABLE points_balances;
DROP TABLE points_wallets;
DROP TABLE points_settings;

-- Loyalty points: manual adjustments above a brand's threshold wait for a second admin's
-- approval; the brand's value of a point (for the liability in reports); scheduled report
-- exports and the files they wrote; and the read-only reporting views a brand's BI tool queries
-- with a login of its own.

-- +goose Up
ALTER TABLE points_settings
    -- An adjustment of more points than this (either way) waits for a second admin; 0 never.
    ADD COLUMN adjustment_approval_above bigint NOT NULL DEFAULT 0 CHECK (adjustment_approval_above BETWEEN 0 AND 100000000),
    -- A point is worth point_value_fen fen for every point_value_points points.
    ADD COLUMN point_value_fen           bigint NOT NULL DEFAULT 1 CHECK (point_value_fen BETWEEN 0 AND 1000000),
    ADD COLUMN point_value_points        bigint NOT NULL DEFAULT 1 CHECK (point_value_points BETWEEN 1 AND 1000000);

-- An adjustment above the threshold, as requested; applied once when another admin approves it
-- (operation_id), or rejected.
CREATE TABLE points_adjustment_requests (
    tenant_id          uuid        NOT NULL REFERENCES tenants (id),
    id                 uuid        NOT NULL,
    customer_id        uuid        NOT NULL,
    wallet             text        NOT NULL CHECK (wallet ~ '^[a-z][a-z0-9_]{1,39}$'),
    points             bigint      NOT NULL CHECK (points <> 0 AND points BETWEEN -100000000 AND 100000000),
    reason_code        text        NOT NULL CHECK (length(reason_code) BETWEEN 1 AND 40),
    -- An admin's free text: erasure clears it, as an operation's note.
    note               text        CHECK (length(note) <= 500),
    -- A partner's ID of the adjustment: the same reference is the same request.
    reference          text        CHECK (length(reference) BETWEEN 1 AND 200),
    fingerprint        bytea       NOT NULL,
    status             text        NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    requested_by_kind  text        NOT NULL,
    requested_by       text        NOT NULL,
    requested_by_label text        NOT NULL,
    requested_at       timestamptz NOT NULL,
    decided_by_kind    text,
    decided_by         text,
    decided_by_label   text,
    decided_at         timestamptz,
    decision_note      text        CHECK (length(decision_note) <= 500),
    -- The operation an approval wrote.
    operation_id       uuid,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
    FOREIGN KEY (tenant_id, operation_id) REFERENCES points_operations (tenant_id, id),
    CHECK ((status = 'pending') = (decided_at IS NULL)),
    CHECK ((status = 'approved') = (operation_id IS NOT NULL))
);
CREATE UNIQUE INDEX points_adjustment_requests_reference ON points_adjustment_requests (tenant_id, reference) WHERE reference IS NOT NULL;
CREATE INDEX points_adjustment_requests_queue ON points_adjustment_requests (tenant_id, status, id DESC);
CREATE INDEX points_adjustment_requests_customer ON points_adjustment_requests (tenant_id, customer_id);
ALTER TABLE points_adjustment_requests ENABLE ROW LEVEL SECURITY;
ALTER TABLE points_adjustment_requests FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON points_adjustment_requests
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- Reports read entries by time.
CREATE INDEX points_entries_created ON points_entries (tenant_id, created_at);

-- A report exported every day, week or month (the period just ended, in the brand's time
-- zone), stored for download and mailed to recipients through the brand's mail server.
CREATE TABLE points_report_schedules (
    tenant_id   uuid        NOT NULL REFERENCES tenants (id),
    id          uuid        NOT NULL,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    frequency   text        NOT NULL CHECK (frequency IN ('daily', 'weekly', 'monthly')),
    format      text        NOT NULL CHECK (format IN ('csv', 'xlsx')),
    -- The report: the summary, or a custom report's dimensions and measures.
    report      jsonb       NOT NULL,
    recipients  text[]      NOT NULL CHECK (cardinality(recipients) <= 20),
    -- The start of the next period to export; it runs once that period has ended.
    next_period date        NOT NULL,
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
ALTER TABLE points_report_schedules ENABLE ROW LEVEL SECURITY;
ALTER TABLE points_report_schedules FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON points_report_schedules
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- A file a schedule wrote, one per schedule and period.
CREATE TABLE points_report_exports (
    tenant_id    uuid        NOT NULL REFERENCES tenants (id),
    id           uuid        NOT NULL,
    schedule_id  uuid        NOT NULL,
    name         text        NOT NULL,
    format       text        NOT NULL CHECK (format IN ('csv', 'xlsx')),
    period_start date        NOT NULL,
    period_end   date        NOT NULL,
    content      bytea       NOT NULL,
    recipients   text[]      NOT NULL,
    mailed_at    timestamptz,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, schedule_id, period_start),
    FOREIGN KEY (tenant_id, schedule_id) REFERENCES points_report_schedules (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE points_report_exports ENABLE ROW LEVEL SECURITY;
ALTER TABLE points_report_exports FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON points_report_exports
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- A brand's BI login: a database role of its own (made by the operator, see the points
-- module's README), whose session has app.tenant_id set to its brand. The reporting views show
-- a session only the rows of the brand its login is registered for here, and row-level security
-- only those of app.tenant_id: a login that sets another brand's ID sees nothing.
CREATE TABLE reporting_logins (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id),
    role_name  text        NOT NULL UNIQUE CHECK (role_name ~ '^[a-z][a-z0-9_]{2,62}$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, role_name)
);
ALTER TABLE reporting_logins ENABLE ROW LEVEL SECURITY;
ALTER TABLE reporting_logins FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON reporting_logins
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON reporting_logins FROM engage_app;

-- The views a BI tool reads. They run as their owner, under row-level security (forced on the
-- owner too), and security_barrier keeps a caller's own functions from seeing rows before the
-- brand's filter. The BI login has SELECT on these views and nothing else.
CREATE SCHEMA reporting;

CREATE VIEW reporting.points_entries WITH (security_barrier) AS
    SELECT e.tenant_id, e.id AS entry_id, e.created_at,
           (e.created_at AT TIME ZONE t.timezone)::date AS local_date,
           e.customer_id, e.wallet, e.kind, e.reason, e.points, e.pending,
           o.kind AS operation_kind, o.source, o.purchase_id, o.details ->> 'store' AS store
    FROM public.points_entries e
    JOIN public.points_operations o ON o.tenant_id = e.tenant_id AND o.id = e.operation_id
    JOIN public.tenants t ON t.id = e.tenant_id
    WHERE e.tenant_id = (SELECT l.tenant_id FROM public.reporting_logins l WHERE l.role_name = session_user);

CREATE VIEW reporting.points_balances WITH (security_barrier) AS
    SELECT b.tenant_id, b.customer_id, b.wallet, b.balance, b.pending, b.updated_at
    FROM public.points_balances b
    WHERE b.tenant_id = (SELECT l.tenant_id FROM public.reporting_logins l WHERE l.role_name = session_user);

CREATE VIEW reporting.points_daily WITH (security_barrier) AS
    SELECT e.tenant_id, (e.created_at AT TIME ZONE t.timezone)::date AS day, e.wallet,
           coalesce(sum(e.points) FILTER (WHERE e.kind IN ('earn', 'release')), 0)::bigint AS issued,
           coalesce(-sum(e.points) FILTER (WHERE e.kind = 'redeem'), 0)::bigint AS redeemed,
           coalesce(sum(e.points) FILTER (WHERE e.kind = 'reverse'), 0)::bigint AS returned,
           coalesce(-sum(e.points) FILTER (WHERE e.kind = 'refund'), 0)::bigint AS taken_back,
           coalesce(-sum(e.points) FILTER (WHERE e.kind = 'expire'), 0)::bigint AS expired,
           coalesce(sum(e.points) FILTER (WHERE e.kind = 'adjust'), 0)::bigint AS adjusted,
           sum(e.points)::bigint AS net,
           count(*) AS entries, count(DISTINCT e.customer_id) AS customers
    FROM public.points_entries e
    JOIN public.tenants t ON t.id = e.tenant_id
    WHERE e.tenant_id = (SELECT l.tenant_id FROM public.reporting_logins l WHERE l.role_name = session_user)
    GROUP BY 1, 2, 3;

-- +goose StatementBegin
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'engage_reporting') THEN
        GRANT USAGE ON SCHEMA reporting TO engage_reporting;
        GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO engage_reporting;
    END IF;
END $$;
-- +goose StatementEnd

-- +goose Down
DROP SCHEMA reporting CASCADE;
DROP TABLE reporting_logins;
DROP TABLE points_report_exports;
DROP TABLE points_report_schedules;
DROP INDEX points_entries_created;
DROP TABLE points_adjustment_requests;
ALTER TABLE points_settings DROP COLUMN adjustment_approval_above, DROP COLUMN point_value_fen, DROP COLUMN point_value_points;

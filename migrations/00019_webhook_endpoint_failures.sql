-- A failing webhook endpoint shows its last failed attempt: when, the receiver's status (0 for
-- no answer) and why no answer came.

-- +goose Up
ALTER TABLE webhook_endpoints
    ADD COLUMN last_failure_at     timestamptz,
    ADD COLUMN last_failure_status integer NOT NULL DEFAULT 0 CHECK (last_failure_status BETWEEN 0 AND 999),
    ADD COLUMN last_failure_error  text    NOT NULL DEFAULT '' CHECK (length(last_failure_error) <= 500);

-- +goose Down
ALTER TABLE webhook_endpoints DROP COLUMN last_failure_error, DROP COLUMN last_failure_status, DROP COLUMN last_failure_at;

-- Admins, their memberships in tenants, invitations, custom roles, local sign-in, API key
-- rotation and tenant plans.

-- +goose Up
ALTER TABLE tenants ADD COLUMN plan text NOT NULL DEFAULT 'standard' CHECK (plan IN ('trial', 'standard', 'enterprise'));

ALTER TABLE api_keys ADD COLUMN expires_at timestamptz;

CREATE TABLE admin_users (
    id          uuid        PRIMARY KEY,
    identity_id text        NOT NULL UNIQUE,
    email       text        NOT NULL UNIQUE CHECK (email = lower(email)),
    name        text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE admin_users IS 'platform-level: an admin is a person who may belong to several tenants; read to authenticate';
REVOKE DELETE, TRUNCATE ON admin_users FROM engage_app;

-- A member sees their own memberships in every tenant (app.user_id, set only after the identity
-- provider vouched for the session), and a tenant sees its members; writes are the tenant's.
CREATE TABLE memberships (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id),
    user_id    uuid        NOT NULL REFERENCES admin_users (id),
    roles      text[]      NOT NULL CHECK (cardinality(roles) > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON memberships
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid
           OR user_id = NULLIF(current_setting('app.user_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- An invitee sees the open invitations to their verified email in every tenant.
CREATE TABLE invitations (
    tenant_id   uuid        NOT NULL REFERENCES tenants (id),
    id          uuid        NOT NULL,
    email       text        NOT NULL CHECK (email = lower(email)),
    roles       text[]      NOT NULL CHECK (cardinality(roles) > 0),
    invited_by  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    accepted_at timestamptz,
    accepted_by uuid REFERENCES admin_users (id),
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX invitations_email ON invitations (email) WHERE accepted_at IS NULL AND revoked_at IS NULL;
ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON invitations
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid
           OR email = NULLIF(current_setting('app.user_email', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- Roles a tenant defines from the permission list, beside the built-in ones.
CREATE TABLE roles (
    tenant_id   uuid        NOT NULL REFERENCES tenants (id),
    name        text        NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{1,39}$'),
    description text        NOT NULL DEFAULT '',
    permissions text[]      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);
ALTER TABLE roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE roles FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON roles
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);

-- Local development sign-in: single-use links and the sessions they open.
CREATE TABLE login_links (
    id         uuid        PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES admin_users (id),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
COMMENT ON TABLE login_links IS 'platform-level: development sign-in links, used before any tenant is known';

CREATE TABLE admin_sessions (
    token_hash bytea       PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES admin_users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
COMMENT ON TABLE admin_sessions IS 'platform-level: local admin sessions, checked before any tenant is known';

-- +goose Down
DROP TABLE admin_sessions;
DROP TABLE login_links;
DROP TABLE roles;
DROP TABLE invitations;
DROP TABLE memberships;
DROP TABLE admin_users;
ALTER TABLE api_keys DROP COLUMN expires_at;
ALTER TABLE tenants DROP COLUMN plan;

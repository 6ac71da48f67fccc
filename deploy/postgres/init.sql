-- Engage: database roles for local development (docker compose).
--
-- The postgres image runs this file once, with psql, as the superuser, connected
-- to POSTGRES_DB (engage), when the data volume is empty. To re-run it:
--   docker compose -f deploy/compose.yaml down -v
--
-- DEV-ONLY PASSWORDS. The passwords below are published in the repository and
-- protect nothing. Production creates the same roles with passwords generated
-- and held in the secret store (Kubernetes Secret engage-secrets, or the cloud
-- provider's managed-database users); never reuse these values.
--
-- Two roles, as the architecture requires:
--   engage_owner  owns the database and every object in it; `engage migrate`
--                 connects as this role (ENGAGE_MIGRATE_DATABASE_URL).
--   engage_app    what `engage serve` and `engage worker` connect as
--                 (DATABASE_URL): not the owner, NOSUPERUSER, NOBYPASSRLS, DML
--                 only. Because it owns nothing, FORCE ROW LEVEL SECURITY and the
--                 tenant policies always apply to it.

\set ON_ERROR_STOP on

CREATE ROLE engage_owner
    LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD 'engage_owner_dev_only';

CREATE ROLE engage_app
    LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD 'engage_app_dev_only';

-- The owner owns the database; since PostgreSQL 15 the public schema is owned
-- by pg_database_owner, so engage_owner also owns (and may create in) public.
ALTER DATABASE engage OWNER TO engage_owner;

\connect engage

-- Nobody but the owner creates objects in public (the PostgreSQL 15+ default,
-- stated here so it holds on an upgraded cluster too).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO engage_app;

-- Everything the owner creates from now on (the migrations, River's tables)
-- is usable by the application role with DML only: no TRUNCATE, REFERENCES,
-- TRIGGER or DDL. Append-only tables (ledger entries, audit log) take UPDATE
-- and DELETE back in their own migration:
--   REVOKE UPDATE, DELETE ON <table> FROM engage_app;
ALTER DEFAULT PRIVILEGES FOR ROLE engage_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO engage_app;
ALTER DEFAULT PRIVILEGES FOR ROLE engage_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO engage_app;

-- Ory Kratos keeps its identities in a database of its own, so the admin
-- identity store never shares tables (or a role) with tenant data.
CREATE ROLE kratos
    LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD 'kratos_dev_only';
CREATE DATABASE kratos OWNER kratos;

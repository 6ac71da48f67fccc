-- Invitations carry a link: the hash of its secret is kept, never the secret. A brand has at most
-- one pending (neither accepted nor revoked) invitation per email: a newer one replaces the older,
-- which is revoked and names its replacement, so its link stops working.

-- +goose Up
ALTER TABLE invitations ADD COLUMN token_hash bytea, ADD COLUMN replaced_by uuid;
-- Older duplicates were made before the rule: the newest stays pending. The owner may read across
-- tenants only while row-level security is not forced, for this statement alone.
ALTER TABLE invitations NO FORCE ROW LEVEL SECURITY;
UPDATE invitations i SET revoked_at = now(), replaced_by = newest.id
FROM (SELECT DISTINCT ON (tenant_id, email) tenant_id, email, id FROM invitations
      WHERE accepted_at IS NULL AND revoked_at IS NULL ORDER BY tenant_id, email, created_at DESC, id DESC) newest
WHERE i.tenant_id = newest.tenant_id AND i.email = newest.email AND i.id <> newest.id
  AND i.accepted_at IS NULL AND i.revoked_at IS NULL;
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
CREATE UNIQUE INDEX invitations_one_pending ON invitations (tenant_id, email) WHERE accepted_at IS NULL AND revoked_at IS NULL;

-- +goose Down
DROP INDEX invitations_one_pending;
ALTER TABLE invitations DROP COLUMN replaced_by, DROP COLUMN token_hash;

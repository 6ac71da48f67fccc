// Package migrations holds Engage's SQL schema migrations, embedded in the binary.
//
// Conventions every migration follows:
//   - a tenant-owned table has tenant_id uuid NOT NULL leading its primary key and every foreign
//     key, and in the same migration gets ENABLE and FORCE ROW LEVEL SECURITY and a policy named
//     tenant_isolation with USING and WITH CHECK on the app.tenant_id setting (fail closed);
//   - the application role engage_app receives DML through default privileges; append-only
//     tables revoke UPDATE and DELETE from it explicitly;
//   - a platform-level table (no tenant_id) says so in its COMMENT.
package migrations

import "embed"

// FS holds the goose migration files.
//
//go:embed *.sql
var FS embed.FS

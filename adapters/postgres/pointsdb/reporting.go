package pointsdb

import (
	"context"
	"errors"
	"regexp"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// ReportingGroup is the database role every brand's BI login is a member of: it may read the
// views of the reporting schema and nothing else.
const ReportingGroup = "engage_reporting"

var reportingRole = regexp.MustCompile(`^[a-z][a-z0-9_]{2,62}$`)

// ErrReportingRole refuses a login name that is not 3-63 lower-case letters, digits and
// underscores, starting with a letter.
var ErrReportingRole = errors.New("a reporting login is 3-63 lower-case letters, digits and underscores, starting with a letter")

// CreateReportingLogin makes (or, when it exists, gives a new password to) the database login
// role of a brand's BI tool, over conn: a connection to the engage database as a role that may
// create roles (the cluster's superuser, as the operator runs it). The login may read the
// views of the reporting schema only, in read-only transactions, and sees the brand's rows
// only: its sessions have app.tenant_id set to the brand, row-level security applies under the
// views, and the views keep the rows of the brand the login is registered for in
// reporting_logins, so a session that sets another brand's ID sees nothing at all. Run it again
// after an upgrade that adds views, to grant them.
func CreateReportingLogin(ctx context.Context, conn *pgx.Conn, tenant uuid.UUID, role, password string) error {
	if !reportingRole.MatchString(role) || role == ReportingGroup {
		return ErrReportingRole
	}
	if password == "" {
		return errors.New("pointsdb: a reporting login needs a password")
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	name := pgx.Identifier{role}.Sanitize()
	group := pgx.Identifier{ReportingGroup}.Sanitize()
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, ReportingGroup).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		if _, err := tx.Exec(ctx, `CREATE ROLE `+group+` NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`); err != nil {
			return err
		}
	}
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, role).Scan(&exists); err != nil {
		return err
	}
	verb := "CREATE"
	if exists {
		verb = "ALTER"
	}
	// The password is a literal: CREATE ROLE takes no parameters. Quote it as SQL does.
	literal := "'" + regexp.MustCompile(`'`).ReplaceAllString(password, "''") + "'"
	stmts := []string{
		verb + ` ROLE ` + name + ` LOGIN PASSWORD ` + literal + ` NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION`,
		`GRANT ` + group + ` TO ` + name,
		`ALTER ROLE ` + name + ` SET app.tenant_id = '` + tenant.String() + `'`,
		`ALTER ROLE ` + name + ` SET default_transaction_read_only = on`,
		`GRANT USAGE ON SCHEMA reporting TO ` + group,
		`GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO ` + group,
	}
	for _, s := range stmts {
		if _, err := tx.Exec(ctx, s); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, tenant.String()); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO reporting_logins (tenant_id, role_name) VALUES ($1, $2)
		ON CONFLICT (role_name) DO NOTHING`, tenant, role); err != nil {
		return err
	}
	var registered uuid.UUID
	if err := tx.QueryRow(ctx, `SELECT tenant_id FROM reporting_logins WHERE role_name = $1`, role).Scan(&registered); err != nil {
		return err
	}
	if registered != tenant {
		return errors.New("pointsdb: this reporting login belongs to another brand")
	}
	return tx.Commit(ctx)
}

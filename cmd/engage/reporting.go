package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"

	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres/pointsdb"
)

const reportingUsage = `reporting-login SLUG_OR_ID --role NAME --admin-url URL`

// runReportingLogin makes (or gives a new password to) a brand's read-only BI login: it reads
// the reporting views of its brand only. The password is ENGAGE_REPORTING_PASSWORD, or a new one
// printed once.
func runReportingLogin(ctx context.Context, args []string) error {
	fs := newFlags("reporting-login", reportingUsage)
	role := fs.String("role", "", "the login's name: 3-63 lower-case letters, digits and underscores")
	adminURL := fs.String("admin-url", os.Getenv("ENGAGE_REPORTING_ADMIN_URL"),
		"PostgreSQL URL of a role that may create roles (the superuser), on the engage database")
	var ref string
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		ref, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if ref == "" {
		ref = fs.Arg(0)
	}
	if ref == "" || *role == "" || *adminURL == "" {
		fmt.Fprintln(os.Stderr, "Usage: engage "+reportingUsage)
		return errors.New("a brand, --role and --admin-url are required")
	}
	password, generated := os.Getenv("ENGAGE_REPORTING_PASSWORD"), false
	if password == "" {
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		password, generated = base64.RawURLEncoding.EncodeToString(b), true
	}
	return withApp(ctx, func(a *app) error {
		t, err := a.Tenants.Lookup(ctx, ref)
		if err != nil {
			return err
		}
		conn, err := pgx.Connect(ctx, *adminURL)
		if err != nil {
			return fmt.Errorf("connect as the admin role: %w", err)
		}
		defer conn.Close(ctx)
		if err := pointsdb.CreateReportingLogin(ctx, conn, t.ID.UUID(), *role, password); err != nil {
			return err
		}
		fmt.Printf("reporting login %s reads brand %s (%s) in the reporting schema\n", *role, t.Slug, t.ID)
		if generated {
			fmt.Printf("password (shown once): %s\n", password)
		}
		return nil
	})
}

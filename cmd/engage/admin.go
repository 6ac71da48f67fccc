package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/engagehq/engage/domain/access"
)

const adminUsage = `admin login-link --email EMAIL
       engage admin add --tenant SLUG --email EMAIL [--name NAME] [--roles owner]`

func runAdmin(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(os.Stderr, "Usage: engage "+adminUsage)
		return errors.New("missing action")
	}
	action, args := args[0], args[1:]
	fs := newFlags("admin "+action, adminUsage)
	email := fs.String("email", "", "the admin's email address")
	tenant := fs.String("tenant", "", "brand slug or ID (add)")
	name := fs.String("name", "", "the admin's name (add)")
	roles := fs.String("roles", access.RoleOwner.String(), "comma-separated roles (add)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return withApp(ctx, func(a *app) error { return adminAction(ctx, a, action, *email, *tenant, *name, *roles) })
}

func adminAction(ctx context.Context, a *app, action, email, tenant, name, roles string) error {
	switch action {
	case "login-link":
		return printLoginLink(ctx, a, email)
	case "add":
		t, err := a.Tenants.Lookup(ctx, tenant)
		if err != nil {
			return err
		}
		var rs []access.Role
		for _, n := range strings.Split(roles, ",") {
			r, err := access.ParseRole(strings.TrimSpace(n))
			if err != nil {
				return err
			}
			rs = append(rs, r)
		}
		m, err := a.Access.AddAdmin(ctx, t.ID, email, name, rs)
		if err != nil {
			return err
		}
		fmt.Printf("%s is a member of %s with roles %s\n", m.Email, t.Slug, strings.Join(roleNames(m.Roles), ","))
		return nil
	}
	return fmt.Errorf("unknown admin action %q; usage: engage %s", action, adminUsage)
}

// printLoginLink prints a one-time sign-in link; local sign-in refuses in production.
func printLoginLink(ctx context.Context, a *app, email string) error {
	token, err := a.SignIn.IssueLink(ctx, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return fmt.Errorf("sign-in link for %q: %w", email, err)
	}
	fmt.Printf("One-time sign-in for %s (valid 15 minutes, single use):\n  %s/console/login?token=%s\n", email, a.cfg.publicURL, token)
	return nil
}

func roleNames(rs []access.Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.String()
	}
	return out
}

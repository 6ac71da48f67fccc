package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/tenants"
)

const tenantUsage = `tenant create --slug SLUG --name NAME [--timezone TZ] [--locale zh-CN|en]
       engage tenant list
       engage tenant get|suspend|reinstate SLUG_OR_ID
       engage tenant issue-key SLUG_OR_ID --name NAME [--role owner]`

func runTenant(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(os.Stderr, "Usage: engage "+tenantUsage)
		return errors.New("missing action")
	}
	action, args := args[0], args[1:]
	fs := newFlags("tenant "+action, tenantUsage)
	slug := fs.String("slug", "", "URL-safe unique name (create)")
	name := fs.String("name", "", "brand name (create) or key name (issue-key)")
	tz := fs.String("timezone", tenants.DefaultTimezone, "IANA time zone (create)")
	locale := fs.String("locale", tenants.DefaultLocale, "zh-CN or en (create)")
	role := fs.String("role", access.RoleOwner.String(), "role of the issued key (issue-key)")
	// Accept the tenant reference before or after the flags.
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
	return withApp(ctx, func(a *app) error {
		return tenantAction(ctx, a, action, ref, tenants.Draft{Slug: *slug, Name: *name, Timezone: *tz, Locale: *locale}, *name, *role)
	})
}

func tenantAction(ctx context.Context, a *app, action, ref string, draft tenants.Draft, name, role string) error {
	var (
		t   tenants.Tenant
		err error
	)
	switch action {
	case "create":
		t, err = a.Tenancy.Create(ctx, draft)
	case "list":
		return listTenants(ctx, a)
	case "get":
		t, err = a.Tenants.Lookup(ctx, ref)
	case "suspend":
		t, err = a.Tenancy.Suspend(ctx, ref)
	case "reinstate":
		t, err = a.Tenancy.Reinstate(ctx, ref)
	case "issue-key":
		return issueKey(ctx, a, ref, name, role)
	default:
		return fmt.Errorf("unknown tenant action %q; usage: engage %s", action, tenantUsage)
	}
	if err != nil {
		return err
	}
	printTenants(t)
	return nil
}

func listTenants(ctx context.Context, a *app) error {
	after := ""
	for {
		page, err := a.Tenants.List(ctx, after, 200)
		if err != nil {
			return err
		}
		printTenants(page...)
		if len(page) < 200 {
			return nil
		}
		after = page[len(page)-1].Slug
	}
}

func printTenants(ts ...tenants.Tenant) {
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	for _, t := range ts {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Slug, t.Name, t.Status, t.Timezone, t.Locale)
	}
	_ = w.Flush()
}

func issueKey(ctx context.Context, a *app, ref, name, roleName string) error {
	t, err := a.Tenants.Lookup(ctx, ref)
	if err != nil {
		return err
	}
	role, err := access.ParseRole(roleName)
	if err != nil {
		return err
	}
	c, err := a.APIKeys.Create(ctx, t.ID, nil, name, role)
	if err != nil {
		return err
	}
	fmt.Printf("API key %s (%s, role %s) for %s — shown once:\n%s\n", c.Key.DisplayPrefix(), c.Key.Name, role, t.Slug, c.Token)
	return nil
}

package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// demoAdmins are the owners engage seed --demo gives each demo brand, in demoBrands order.
var demoAdmins = []string{"owner@lotus-tea.demo", "owner@north-peak.demo"}

// demoBrands are the brands engage seed --demo creates.
var demoBrands = []tenants.Draft{
	{Slug: "lotus-tea", Name: "莲花茶饮 Lotus Tea", Timezone: "Asia/Shanghai", Locale: tenants.LocaleChinese},
	{Slug: "north-peak", Name: "北峰户外 North Peak Outdoor", Timezone: "Asia/Shanghai", Locale: tenants.LocaleEnglish},
}

func runSeed(ctx context.Context, args []string) error {
	fs := newFlags("seed", "seed --demo")
	demo := fs.Bool("demo", false, "create the demo brands")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*demo {
		fs.Usage()
		return errors.New("say --demo")
	}
	return withApp(ctx, func(a *app) error { return seedDemo(ctx, a) })
}

// seedDemo creates the demo brands that do not exist yet, each with an owner API key; run
// again, it changes nothing.
func seedDemo(ctx context.Context, a *app) error {
	for i, d := range demoBrands {
		t, err := a.Tenants.Lookup(ctx, d.Slug)
		if errors.Is(err, tenants.ErrNotFound) {
			t, err = a.Tenancy.Create(ctx, d)
		}
		if err != nil {
			return fmt.Errorf("demo brand %s: %w", d.Slug, err)
		}
		keys, err := a.APIKeys.List(ctx, t.ID, ports.Page{Limit: 1})
		if err != nil {
			return err
		}
		if len(keys) == 0 {
			if err := issueKey(ctx, a, t.Slug, "demo", "owner"); err != nil {
				return err
			}
		}
		if _, err := a.Access.AddAdmin(ctx, t.ID, demoAdmins[i], "Demo owner", []access.Role{access.RoleOwner}); err != nil {
			return err
		}
		fmt.Printf("demo brand %s (%s) ready; admin %s\n", t.Slug, t.Name, demoAdmins[i])
	}
	return nil
}

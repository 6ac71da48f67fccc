package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

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
	fs := newFlags("seed", "seed --demo [--cdnow PATH]")
	demo := fs.Bool("demo", false, "create the demo brands")
	cdnow := fs.String("cdnow", "", "the CDNOW master file to load as "+demoBrands[0].Slug+"'s history "+
		"(default: $ENGAGE_CDNOW, else "+defaultCDNOW+" from the module root)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*demo {
		fs.Usage()
		return errors.New("say --demo")
	}
	return withApp(ctx, func(a *app) error { return seedDemoFrom(ctx, a, cdnowPath(*cdnow)) })
}

// seedDemo creates the demo brands and loads the CDNOW history from its default place.
func seedDemo(ctx context.Context, a *app) error { return seedDemoFrom(ctx, a, cdnowPath("")) }

// seedDemoFrom creates the demo brands that do not exist yet, each with an owner API key, and
// loads the CDNOW file at cdnow (when it exists) as the first brand's history; run again, it
// changes nothing.
func seedDemoFrom(ctx context.Context, a *app, cdnow string) error {
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
		if i == 0 {
			if err := seedCDNOW(ctx, a, t, cdnow); err != nil {
				return err
			}
		}
	}
	return nil
}

// defaultCDNOW is where the CDNOW master file is, from the module root.
const defaultCDNOW = "../shared/datasets/cdnow/CDNOW_master.txt"

// cdnowPath is flag, else $ENGAGE_CDNOW, else defaultCDNOW from the module root (the working
// directory when there is none above it).
func cdnowPath(flag string) string {
	if flag != "" {
		return flag
	}
	if p := os.Getenv("ENGAGE_CDNOW"); p != "" {
		return p
	}
	dir, err := os.Getwd()
	if err != nil {
		return defaultCDNOW
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(d, defaultCDNOW)
		}
		if filepath.Dir(d) == d {
			return filepath.Join(dir, defaultCDNOW)
		}
	}
}

// seedCDNOW loads the CDNOW purchases as brand t's history, through the same batch ingest as
// the API. Without the file it says so and leaves the brand without history.
func seedCDNOW(ctx context.Context, a *app, t tenants.Tenant, path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Printf("CDNOW data not found at %s: %s gets no purchase history (set --cdnow or ENGAGE_CDNOW to load it)\n", path, t.Slug)
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	sum, err := a.Demo.LoadCDNOW(ctx, t.ID, f)
	if err != nil {
		return fmt.Errorf("CDNOW history of %s: %w", t.Slug, err)
	}
	fmt.Printf("CDNOW history of %s: %d customers (%d new), %d purchases (%d new, %d already there) in %s\n",
		t.Slug, sum.Customers, sum.NewCustomers, sum.Rows, sum.Accepted, sum.Duplicates, sum.Elapsed.Round(time.Millisecond))
	return nil
}

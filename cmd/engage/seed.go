package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/engagehq/engage/application/customers/demodata"
	"github.com/engagehq/engage/application/customers/demodata/cdnow"
	"github.com/engagehq/engage/application/platform/apikeys"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/tenants"
)

// demoBrand is a brand engage seed --demo creates, its owner, and the part of the CDNOW
// history it gets.
type demoBrand struct {
	tenants.Draft
	admin string
	// every, above 1, loads only every every-th CDNOW customer; item is what they bought.
	every int
	item  event.Item
}

// demoBrands are the brands engage seed --demo creates: lotus-tea with the whole CDNOW
// history, north-peak with every 20th of its customers, buying outdoor gear.
var demoBrands = []demoBrand{
	{Draft: tenants.Draft{Slug: "lotus-tea", Name: "莲花茶饮 Lotus Tea", Timezone: "Asia/Shanghai", Locale: tenants.LocaleChinese},
		admin: "owner@lotus-tea.demo"},
	{Draft: tenants.Draft{Slug: "north-peak", Name: "北峰户外 North Peak Outdoor", Timezone: "Asia/Shanghai", Locale: tenants.LocaleEnglish},
		admin: "owner@north-peak.demo", every: 20, item: event.Item{SKU: "trail-gear", Category: "outdoor"}},
}

func runSeed(ctx context.Context, args []string) error {
	fs := newFlags("seed", "seed --demo [--cdnow PATH]")
	demo := fs.Bool("demo", false, "create the demo brands")
	path := fs.String("cdnow", "", "a CDNOW master file to load as the demo brands' history instead of the shipped one "+
		"(default: $ENGAGE_CDNOW, else the copy embedded in the binary)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*demo {
		fs.Usage()
		return errors.New("say --demo")
	}
	return withApp(ctx, func(a *app) error { return seedDemoFrom(ctx, a, cdnowSource(*path)) })
}

// seedDemo creates the demo brands and loads the CDNOW history from its default place.
func seedDemo(ctx context.Context, a *app) error { return seedDemoFrom(ctx, a, cdnowSource("")) }

// history opens the CDNOW file to load, and names it.
type history struct {
	name string
	open func() (io.ReadCloser, error)
}

// cdnowSource is the file at flag, else at $ENGAGE_CDNOW, else the shipped copy.
func cdnowSource(flag string) history {
	path := flag
	if path == "" {
		path = os.Getenv("ENGAGE_CDNOW")
	}
	if path == "" {
		return history{name: "the shipped CDNOW history", open: func() (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(cdnow.Master)), nil
		}}
	}
	return history{name: path, open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

// seedDemoFrom creates the demo brands that do not exist yet, each with an owner API key kept
// under ENGAGE_DIR (so that every start can show it), and loads their part of the CDNOW
// history from h, moved to end yesterday in the brand's time zone; run again, it changes
// nothing.
func seedDemoFrom(ctx context.Context, a *app, h history) error {
	now := time.Now()
	for _, d := range demoBrands {
		t, err := a.Tenants.Lookup(ctx, d.Slug)
		if errors.Is(err, tenants.ErrNotFound) {
			t, err = a.Tenancy.Create(ctx, d.Draft)
		}
		if err != nil {
			return fmt.Errorf("demo brand %s: %w", d.Slug, err)
		}
		if _, err := demoKey(ctx, a, t); err != nil {
			return fmt.Errorf("demo brand %s: %w", d.Slug, err)
		}
		if _, err := a.Access.AddAdmin(ctx, t.ID, d.admin, "Demo owner", []access.Role{access.RoleOwner}); err != nil {
			return err
		}
		fmt.Printf("demo brand %s (%s) ready; admin %s\n", t.Slug, t.Name, d.admin)
		if err := seedCDNOW(ctx, a, t, d, h, now); err != nil {
			return err
		}
	}
	return nil
}

// demoKeyName names the demo brands' owner keys.
const demoKeyName = "demo"

// demoKeyPath is where development keeps the secret of a demo brand's key.
func demoKeyPath(dir, slug string) string { return filepath.Join(dir, "demo-keys", slug) }

// demoKey returns the secret of brand t's demo owner key, kept in ENGAGE_DIR: the kept one
// while it still authenticates, else a new key, kept. Keys are stored hashed, so the file is
// the only place the secret is shown again from.
func demoKey(ctx context.Context, a *app, t tenants.Tenant) (string, error) {
	path := demoKeyPath(a.cfg.dir, t.Slug)
	if b, err := os.ReadFile(path); err == nil {
		token := strings.TrimSpace(string(b))
		p, err := a.APIKeys.Authenticate(ctx, token)
		switch {
		case (err == nil || errors.Is(err, tenants.ErrSuspended)) && p.Tenant.ID == t.ID:
			return token, nil
		case err != nil && !errors.Is(err, apikeys.ErrUnauthenticated) && !errors.Is(err, tenants.ErrSuspended):
			return "", err
		}
	}
	c, err := a.APIKeys.Create(ctx, t.ID, nil, demoKeyName, access.RoleOwner)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", err
	}
	return c.Token, os.WriteFile(path, []byte(c.Token+"\n"), 0o600)
}

// demoKeys lists the owner keys of the demo brands that exist, a line each.
func demoKeys(ctx context.Context, a *app) (string, error) {
	brands, err := demoTenants(ctx, a)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, t := range brands {
		token, err := demoKey(ctx, a, t)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "  %-14s %s\n", t.Slug+":", token)
	}
	return b.String(), nil
}

// seedCDNOW gives brand t the modules' part of the demo, then loads its part of the CDNOW
// purchases through the same batch ingest as the API, moved so that the history ends the day
// before now in the brand's time zone; the points subscriber earns them as it earns any purchase.
func seedCDNOW(ctx context.Context, a *app, t tenants.Tenant, d demoBrand, h history, now time.Time) error {
	zone, err := time.LoadLocation(t.Timezone)
	if err != nil {
		return fmt.Errorf("time zone of %s: %w", t.Slug, err)
	}
	// The modules' part (points program, rules, catalog, campaigns) first: the history then
	// earns under them as it is replayed.
	lastDay := now.In(zone).AddDate(0, 0, -1)
	if err := a.PrepareDemo(ctx, t.ID, lastDay); err != nil {
		return fmt.Errorf("demo brand %s: %w", t.Slug, err)
	}
	f, err := h.open()
	if errors.Is(err, os.ErrNotExist) {
		fmt.Printf("CDNOW data not found at %s: %s gets no purchase history\n", h.name, t.Slug)
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	replay := demodata.Replay{Zone: zone, LastDay: lastDay, Every: d.every, Item: d.item}
	sum, err := a.Demo.LoadCDNOW(ctx, t.ID, f, replay)
	if err != nil {
		return fmt.Errorf("CDNOW history of %s: %w", t.Slug, err)
	}
	fmt.Printf("CDNOW history of %s: %d customers (%d new), %d purchases (%d new, %d already there) in %s\n",
		t.Slug, sum.Customers, sum.NewCustomers, sum.Rows, sum.Accepted, sum.Duplicates, sum.Elapsed.Round(time.Millisecond))
	return nil
}

// demoTenants are the demo brands that exist, in demoBrands order.
func demoTenants(ctx context.Context, a *app) ([]tenants.Tenant, error) {
	var out []tenants.Tenant
	for _, d := range demoBrands {
		t, err := a.Tenants.Lookup(ctx, d.Slug)
		if errors.Is(err, tenants.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

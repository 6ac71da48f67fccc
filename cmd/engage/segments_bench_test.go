package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/application/customers/demodata"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/tenants"
)

// BenchmarkSegmentValuesOnTheDemo measures what a redraw of the segment builder reads for its
// pickers over the demo brand (23,570 customers, 69,659 purchases): every list, as each redraw
// read them before, against the lists of the fields drawn (the city of a new condition; a
// category-spend condition's categories, a scan of every purchase's items; a tag).
// Run it with: go test -run '^$' -bench SegmentValuesOnTheDemo -benchtime 20x ./cmd/engage/
func BenchmarkSegmentValuesOnTheDemo(b *testing.B) {
	ctx := context.Background()
	db := demoDatabase(b).OpenApp(b)
	tn, err := tenants.NewDirectory(platformdb.NewTenantStore(db)).Lookup(ctx, demoBrands[0].Slug)
	require.NoError(b, err)
	for _, c := range []struct {
		name  string
		lists []string
	}{
		{"every-list", []string{"city", "region", "preferred_store", "tag", "joined_campaign", "store", "category"}},
		{"city", []string{"city"}},
		{"tag", []string{"tag"}},
		{"category", []string{"category"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				require.NoError(b, db.ReadInTenant(ctx, tn.ID, func(ctx context.Context) error {
					_, err := customersdb.SegmentValues{}.Values(ctx, c.lists, segments.MaxValues)
					return err
				}))
			}
		})
	}
}

// millionVersion names the cached database of BenchmarkSegmentSaveAtAMillion; bump it when
// its data change.
const millionVersion = "v1"

// millionCustomers is the brand the benchmark saves segments in: a million demo profiles
// (demodata.Profile: names, cities, phones) imported as engage's bulk import does.
const millionCustomers = 1_000_000

// BenchmarkSegmentSaveAtAMillion measures saving a segment (create, then its deletion untimed)
// over a brand of a million customers, built once into a cached database, against the live
// count of the same tree: a city (上海, about a tenth of them) and the whole brand.
// Run it with: go test -run '^$' -bench SegmentSaveAtAMillion -benchtime 3x -timeout 60m ./cmd/engage/
func BenchmarkSegmentSaveAtAMillion(b *testing.B) {
	ctx := context.Background()
	b.Setenv("ENGAGE_SECRETS_KEY", testSecretsKey)
	b.Setenv("ENGAGE_LOG_LEVEL", "error")
	d := pgtest.Cached(b, "million_"+millionVersion, func(d *pgtest.Database) error {
		b.Setenv("DATABASE_URL", d.AppURL)
		b.Setenv("ENGAGE_MIGRATE_DATABASE_URL", d.OwnerURL)
		if err := withApp(ctx, func(a *app) error {
			tn, err := a.Tenancy.Create(ctx, tenants.Draft{Slug: "million", Name: "百万会员"})
			if err != nil {
				return err
			}
			const part = 5000
			for from := 0; from < millionCustomers; from += part {
				batch := make([]customer.Customer, 0, part)
				for id := from + 1; id <= from+part; id++ {
					batch = append(batch, demodata.Profile(id))
				}
				if _, err := a.Demo.ImportCustomers(ctx, tn.ID, batch); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
		conn, err := pgx.Connect(ctx, d.SuperuserURL)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, `VACUUM ANALYZE`)
		return err
	})
	b.Setenv("DATABASE_URL", d.AppURL)
	b.Setenv("ENGAGE_MIGRATE_DATABASE_URL", d.OwnerURL)
	require.NoError(b, withApp(ctx, func(a *app) error {
		tn, err := a.Tenants.Lookup(ctx, "million")
		require.NoError(b, err)
		for _, c := range []struct {
			name string
			tree any
		}{
			{"shanghai", map[string]any{"field": "city", "op": "=", "value": "上海"}},
			{"everyone", map[string]any{"field": "gender", "op": "in", "value": []any{"female", "male"}}},
		} {
			b.Run("count-"+c.name, func(b *testing.B) {
				for b.Loop() {
					_, err := a.Segments.Count(ctx, tn.ID, c.tree)
					require.NoError(b, err)
				}
			})
			b.Run("save-"+c.name, func(b *testing.B) {
				i := 0
				for b.Loop() {
					i++
					seg, err := a.Segments.Create(ctx, tn.ID, segments.Draft{Name: fmt.Sprintf("%s %d", c.name, i), Tree: c.tree})
					require.NoError(b, err)
					b.StopTimer()
					b.ReportMetric(float64(seg.Members), "members")
					require.NoError(b, a.Segments.Delete(ctx, tn.ID, seg.ID))
					b.StartTimer()
				}
			})
		}
		return nil
	}))
}

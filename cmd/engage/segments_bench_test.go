package main

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/application/customers/segments"
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

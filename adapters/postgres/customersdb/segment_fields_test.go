package customersdb_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/domain/customers/segment"
)

// The customers module declares each of its segment fields twice, in the domain and here with
// its SQL: the two lists name the same fields and families.
func TestEveryCustomerFieldHasItsSQL(t *testing.T) {
	t.Parallel()
	declared := map[string]bool{}
	fields := segment.CustomerFields()
	for _, f := range fields.Fields {
		if f.Family == "" {
			declared[f.Name] = true
		}
	}
	for _, fam := range fields.Families {
		declared[fam.Prefix] = true
	}
	withSQL := map[string]bool{}
	for _, f := range customersdb.SegmentFields() {
		require.NotNil(t, f.SQL, f.Name)
		withSQL[f.Name] = true
	}
	require.Equal(t, declared, withSQL)
}

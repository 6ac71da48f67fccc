package wire_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/ports"
)

// customerDataCases are the customer data contract's cases, by the section of the wired part
// each seeds (the part itself comes from the wiring). The kernel's are here; each module adds
// its own from a file of its own (customerdata_<module>_test.go).
var customerDataCases = map[string]pgtest.CustomerDataPart{
	// Published events carry the customer's data until their subscribers are done with them.
	"domain_events": {
		Seed: func(ctx context.Context, c uuid.UUID, personal string) error {
			data, err := json.Marshal(map[string]string{"name": personal})
			if err != nil {
				return err
			}
			return postgres.DomainEvents{}.Insert(ctx, []ports.DomainEvent{{ID: uuid.New(), Type: customer.Updated, Data: data,
				Subject: c, OccurredAt: time.Now()}})
		},
		Personal: "王小明",
	},
}

// addCustomerDataCases adds a module's cases, once each.
func addCustomerDataCases(cases map[string]pgtest.CustomerDataPart) {
	for section, c := range cases {
		if _, ok := customerDataCases[section]; ok {
			panic("two customer data cases for " + section)
		}
		customerDataCases[section] = c
	}
}

// Every wired part of a customer, whichever module adds it, follows the customer data
// contract (merge, download, erase): a part without a case fails here, so none is forgotten.
func TestEveryWiredCustomerDataPartMergesExportsAndErases(t *testing.T) {
	t.Parallel()
	pg := pgtest.New(t)
	a, err := wire.New(wire.Config{DatabaseURL: pg.AppURL, SecretsKey: "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
		SignInKey: []byte("wire test"), NoPeriodicJobs: true}, pg.OpenApp(t))
	require.NoError(t, err)
	parts := make([]pgtest.CustomerDataPart, 0, len(a.CustomerData))
	var sections []string
	for _, d := range a.CustomerData {
		c, ok := customerDataCases[d.Section()]
		require.Truef(t, ok, "the wired customer data part %q has no contract case: add one beside its module's others", d.Section())
		c.Data = d
		parts, sections = append(parts, c), append(sections, d.Section())
	}
	for section := range customerDataCases {
		require.Containsf(t, sections, section, "the contract case %q seeds no wired part", section)
	}
	require.Len(t, sections, len(slices.Compact(slices.Sorted(slices.Values(sections)))), "sections are unique")
	pgtest.RunCustomerData(t, a.DB, a.Tenants, newCustomer, parts)
}

// newCustomer adds a customer in the tenant of ctx.
func newCustomer(ctx context.Context) (uuid.UUID, error) {
	c := customer.Customer{ID: uuid.New(), Name: "Customer"}
	if err := c.Normalise(time.Now()); err != nil {
		return uuid.Nil, err
	}
	return c.ID, customersdb.Customers{}.Insert(ctx, c)
}

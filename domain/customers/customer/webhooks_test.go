package customer_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/platform/webhook"
)

// The customers module's public event types are in the webhook catalogue, each with a sample.
func TestTheCatalogueHasTheCustomerEvents(t *testing.T) {
	t.Parallel()
	samples := map[string]any{}
	for _, et := range webhook.Types() {
		samples[et.Name] = et.Sample
	}
	for _, name := range []string{customer.Created, customer.Updated, customer.Merged, customer.Erased, customer.Tagged} {
		require.Containsf(t, samples, name, "%s is registered", name)
		require.NotEmptyf(t, samples[name], "%s has a sample", name)
	}
	require.Equal(t, []string{"customer.created", "customer.updated", "customer.merged", "customer.erased", "customer.tagged"},
		[]string{customer.Created, customer.Updated, customer.Merged, customer.Erased, customer.Tagged}, "the names are public: partners subscribe by them")
}

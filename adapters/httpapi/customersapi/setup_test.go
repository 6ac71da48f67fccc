package customersapi_test

import (
	"testing"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
)

// testBundle is the whole API, with the helpers of the customers module's tests.
type testBundle struct{ *apitest.Bundle }

func setup(t *testing.T) *testBundle { return &testBundle{apitest.New(t)} }

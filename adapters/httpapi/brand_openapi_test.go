package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/domain/access"
)

func TestBrandDocumentsOfUnknownOrSuspendedBrandsAreNotFound(t *testing.T) {
	t.Parallel()
	b := apitest.New(t)
	suspended, _ := b.TenantWithKey(t, access.RoleOwner)
	_, err := b.Dir.Suspend(context.Background(), suspended.Slug)
	require.NoError(t, err)
	for _, slug := range []string{"no-such-brand", suspended.Slug, suspended.ID.String()} {
		r := b.Do(t, http.MethodGet, "/t/"+slug+"/openapi.json", "", nil)
		require.Equal(t, http.StatusNotFound, r.Status, slug)
		require.Equal(t, "tenant_not_found", r.ProblemCode(), slug)
	}
}

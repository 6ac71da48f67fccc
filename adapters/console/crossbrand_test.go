package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

// auditCount is how many entries tn's audit trail has: every change writes one.
func auditCount(t *testing.T, b *consoletest.Bundle, o consoletest.Objects) int {
	t.Helper()
	rs, err := b.App.Audit.List(context.Background(), o.Tenant.ID, ports.AuditFilter{}, ports.Page{Limit: 1000})
	require.NoError(t, err)
	return len(rs)
}

// An owner who aims the console's deletes (and the changes that end something: revoke, remove,
// disconnect, erase, pause, rotate) at another brand's objects gets 404, as for an object that
// does not exist, never a redirect that looks like success, and the other brand is unchanged.
func TestDeletingAnotherBrandsObjectIsNotFound(t *testing.T) {
	t.Parallel()
	b := consoletest.SetupKratos(t)
	lotus, north := b.Brand(t, "lotus-tea", "莲花茶饮"), b.Brand(t, "north-peak", "北峰户外")
	b.Member(t, lotus, "owner@lotus.example", access.RoleOwner)
	theirs := b.Furnish(t, north)
	owner := b.SessionCookie(t, "owner@lotus.example")
	token := csrfOf(t, b, owner)
	before := auditCount(t, b, theirs)
	var answered []string // what answered other than 404

	for _, rt := range []struct {
		pattern string
		form    url.Values
	}{
		{"/api-keys/{id}/revoke", nil},
		{"/api-keys/{id}/rotate", url.Values{"overlap_hours": {"0"}}},
		{"/team/invitations/{id}/revoke", nil},
		{"/team/members/{id}/remove", nil},
		{"/team/members/{id}/roles", url.Values{"roles": {"analyst"}}},
		{"/roles/{name}/delete", nil},
		{"/webhooks/{id}/delete", nil},
		{"/webhooks/{id}/pause", nil},
		{"/webhooks/{id}/rotate", nil},
		{"/segments/{id}/delete", nil},
		{"/tag-rules/{id}", url.Values{"action": {"delete"}}},
		{"/tag-rules/{id}", url.Values{"action": {"disable"}}},
		{"/settings/event-types/{key}/delete", nil},
		{"/customers/{id}/tags/remove", url.Values{"tag": {theirs.Tag}}},
		{"/customers/{id}/wechat-accounts/{openid}/disconnect", nil},
		{"/customers/{id}/wechat-accounts/{openid}/reauthorize", nil},
		{"/customers/{id}/erase", nil},
	} {
		path, ok := theirs.Fill(rt.pattern)
		require.True(t, ok, rt.pattern)
		form := url.Values{"_csrf": {token}}
		for k, v := range rt.form {
			form[k] = v
		}
		if status := post(t, b, "/console"+path, owner, form); status != http.StatusNotFound {
			answered = append(answered, fmt.Sprintf("POST %s %v: %d", rt.pattern, rt.form, status))
		}
	}
	require.Empty(t, answered, "every route answers 404 for north-peak's object")

	require.Equal(t, before, auditCount(t, b, theirs), "north-peak's trail records no change")
	ctx := context.Background()
	key, err := b.App.APIKeys.Get(ctx, north.ID, theirs.APIKey)
	require.NoError(t, err)
	require.Nil(t, key.RevokedAt)
	tags, err := b.App.Tags.Of(ctx, north.ID, theirs.Customer)
	require.NoError(t, err)
	require.Len(t, tags, 1)
	links, err := b.App.WeChatAccounts.List(ctx, north.ID, theirs.Customer)
	require.NoError(t, err)
	require.Len(t, links, 1)
	_, err = b.App.Segments.Get(ctx, north.ID, theirs.Segment)
	require.NoError(t, err)
}

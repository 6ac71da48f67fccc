package customersapi_test

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	goqr "github.com/piglig/go-qr"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/application/customers/customerauth"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/membercode"
)

func TestStaffCheckMembersInWithTheirCode(t *testing.T) {
	t.Parallel()
	b := setupMini(t)
	tn, owner := b.miniBrand(t, testMiniApp)
	_, otherKey := b.miniBrand(t, testOtherMini)
	login := b.login(t, tn.Slug, testMiniApp, "o-mp-1", "")
	token := login.Body["token"].(string)
	id := login.Body["customer_id"].(string)
	require.Equal(t, http.StatusOK, b.Do(t, http.MethodPatch, "/v1/me", token, map[string]any{"name": "王小明"}).Status)

	qr := b.Do(t, http.MethodGet, "/v1/me/qr", token, nil)
	require.Equal(t, http.StatusOK, qr.Status, "%s", qr.Raw)
	code := qr.Body["code"].(string)
	refresh, err := time.Parse(time.RFC3339, qr.Body["refresh_at"].(string))
	require.NoError(t, err)
	expires, err := time.Parse(time.RFC3339, qr.Body["expires_at"].(string))
	require.NoError(t, err)
	require.Equal(t, time.Minute, expires.Sub(refresh))
	require.WithinDuration(t, time.Now(), refresh, time.Minute)

	drawn := b.Do(t, http.MethodGet, "/v1/me/qr.png", token, nil)
	require.Equal(t, http.StatusOK, drawn.Status, "%s", drawn.Raw)
	require.Equal(t, "image/png", drawn.Header.Get("Content-Type"))
	require.Equal(t, "no-store", drawn.Header.Get("Cache-Control"))
	img, err := png.Decode(bytes.NewReader(drawn.Raw))
	require.NoError(t, err)
	scanned, err := goqr.Decode(img)
	require.NoError(t, err)
	require.NotEmpty(t, drawn.Header.Get("X-Code-Expires-At"))
	// The image is the same code unless a minute turned over between the two requests; the
	// scanned one is the current one either way.
	code = scanned

	in := b.Do(t, http.MethodPost, "/v1/checkins", owner, map[string]any{"code": code, "store": "静安店"}, "Idempotency-Key", "scan-1")
	require.Equal(t, http.StatusCreated, in.Status, "%s", in.Raw)
	require.Equal(t, id, in.Body["customer_id"])
	require.Equal(t, "王小明", in.Body["name"])
	require.Equal(t, "new", in.Body["lifecycle_stage"])

	retry := b.Do(t, http.MethodPost, "/v1/checkins", owner, map[string]any{"code": code, "store": "静安店"}, "Idempotency-Key", "scan-1")
	require.Equal(t, http.StatusCreated, retry.Status, "a retry with the same key replays the answer: %s", retry.Raw)
	require.Equal(t, in.Body["event_id"], retry.Body["event_id"])
	replay := b.Do(t, http.MethodPost, "/v1/checkins", owner, map[string]any{"code": code, "store": "静安店"})
	require.Equal(t, http.StatusConflict, replay.Status, "%s", replay.Raw)
	require.Equal(t, "member_code_used", replay.ProblemCode())
	require.Equal(t, []string{"body.code"}, replay.Fields())

	timeline := b.Do(t, http.MethodGet, "/v1/me/timeline?type=visit", token, nil)
	visits := timeline.Body["items"].([]any)
	require.Len(t, visits, 1, "one visit however often the code was sent")
	require.Equal(t, "pos", visits[0].(map[string]any)["channel"])
	require.Equal(t, "静安店", visits[0].(map[string]any)["store"])

	// The key the service signs with, derived as wiring derives it, dates codes at will.
	signer, err := membercode.NewSigner(membercode.DeriveKey(customerauth.DeriveKey(apitest.SecretsKey)))
	require.NoError(t, err)
	old, _ := signer.Issue(tn.ID.UUID(), uuid.MustParse(id), time.Now().Add(-2*time.Minute))
	ahead, _ := signer.Issue(tn.ID.UUID(), uuid.MustParse(id), time.Now().Add(2*time.Minute))
	ghost, _ := signer.Issue(tn.ID.UUID(), uuid.New(), time.Now())
	forger, err := membercode.NewSigner([]byte("not the service's key, 32 bytes."))
	require.NoError(t, err)
	forged, _ := forger.Issue(tn.ID.UUID(), uuid.MustParse(id), time.Now())
	fresh := b.Do(t, http.MethodGet, "/v1/me/qr", token, nil).Body["code"].(string)
	cases := []struct {
		name, key string
		body      map[string]any
		status    int
		code      string
		fields    []string
	}{
		{"expired", owner, map[string]any{"code": old, "store": "s"}, http.StatusUnprocessableEntity, "member_code_expired", []string{"body.code"}},
		{"from the future", owner, map[string]any{"code": ahead, "store": "s"}, http.StatusUnprocessableEntity, "member_code_not_yet_valid", []string{"body.code"}},
		{"forged", owner, map[string]any{"code": forged, "store": "s"}, http.StatusUnprocessableEntity, "member_code_bad_signature", []string{"body.code"}},
		{"malformed", owner, map[string]any{"code": "hello", "store": "s"}, http.StatusUnprocessableEntity, "member_code_malformed", []string{"body.code"}},
		{"another brand's", otherKey, map[string]any{"code": fresh, "store": "s"}, http.StatusUnprocessableEntity, "member_code_wrong_tenant", []string{"body.code"}},
		{"unknown member", owner, map[string]any{"code": ghost, "store": "s"}, http.StatusNotFound, "customer_not_found", nil},
		{"no store", owner, map[string]any{"code": fresh}, http.StatusUnprocessableEntity, "validation_failed", []string{"body.store"}},
		{"customer token", token, map[string]any{"code": fresh, "store": "s"}, http.StatusUnauthorized, "unauthenticated", []string{"header.Authorization"}},
	}
	for _, tc := range cases {
		r := b.Do(t, http.MethodPost, "/v1/checkins", tc.key, tc.body)
		require.Equalf(t, tc.status, r.Status, "%s: %s", tc.name, r.Raw)
		require.Equalf(t, tc.code, r.ProblemCode(), "%s: %s", tc.name, r.Raw)
		require.Equalf(t, tc.fields, r.Fields(), "%s: %s", tc.name, r.Raw)
	}
	require.Len(t, b.Do(t, http.MethodGet, "/v1/me/timeline?type=visit", token, nil).Body["items"], 1, "no refused code recorded a visit")

	k, err := b.Keys.Create(context.Background(), tn.ID, nil, "analyst", access.RoleAnalyst)
	require.NoError(t, err)
	analyst := k.Token
	r := b.Do(t, http.MethodPost, "/v1/checkins", analyst, map[string]any{"code": fresh, "store": "s"})
	require.Equal(t, http.StatusForbidden, r.Status, "checking in takes events:write: %s", r.Raw)
}

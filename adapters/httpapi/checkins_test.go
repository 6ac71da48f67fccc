package httpapi

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

	"github.com/engagehq/engage/application/customerauth"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/membercode"
)

func TestStaffCheckMembersInWithTheirCode(t *testing.T) {
	t.Parallel()
	b := setupMini(t)
	tn, owner := b.miniBrand(t, testMiniApp)
	_, otherKey := b.miniBrand(t, testOtherMini)
	login := b.login(t, tn.Slug, testMiniApp, "o-mp-1", "")
	token := login.body["token"].(string)
	id := login.body["customer_id"].(string)
	require.Equal(t, http.StatusOK, b.do(t, http.MethodPatch, "/v1/me", token, map[string]any{"name": "王小明"}).status)

	qr := b.do(t, http.MethodGet, "/v1/me/qr", token, nil)
	require.Equal(t, http.StatusOK, qr.status, "%s", qr.raw)
	code := qr.body["code"].(string)
	refresh, err := time.Parse(time.RFC3339, qr.body["refresh_at"].(string))
	require.NoError(t, err)
	expires, err := time.Parse(time.RFC3339, qr.body["expires_at"].(string))
	require.NoError(t, err)
	require.Equal(t, time.Minute, expires.Sub(refresh))
	require.WithinDuration(t, time.Now(), refresh, time.Minute)

	drawn := b.do(t, http.MethodGet, "/v1/me/qr.png", token, nil)
	require.Equal(t, http.StatusOK, drawn.status, "%s", drawn.raw)
	require.Equal(t, "image/png", drawn.header.Get("Content-Type"))
	require.Equal(t, "no-store", drawn.header.Get("Cache-Control"))
	img, err := png.Decode(bytes.NewReader(drawn.raw))
	require.NoError(t, err)
	scanned, err := goqr.Decode(img)
	require.NoError(t, err)
	require.NotEmpty(t, drawn.header.Get("X-Code-Expires-At"))
	// The image is the same code unless a minute turned over between the two requests; the
	// scanned one is the current one either way.
	code = scanned

	in := b.do(t, http.MethodPost, "/v1/checkins", owner, map[string]any{"code": code, "store": "静安店"}, "Idempotency-Key", "scan-1")
	require.Equal(t, http.StatusCreated, in.status, "%s", in.raw)
	require.Equal(t, id, in.body["customer_id"])
	require.Equal(t, "王小明", in.body["name"])
	require.Equal(t, "new", in.body["lifecycle_stage"])

	retry := b.do(t, http.MethodPost, "/v1/checkins", owner, map[string]any{"code": code, "store": "静安店"}, "Idempotency-Key", "scan-1")
	require.Equal(t, http.StatusCreated, retry.status, "a retry with the same key replays the answer: %s", retry.raw)
	require.Equal(t, in.body["event_id"], retry.body["event_id"])
	replay := b.do(t, http.MethodPost, "/v1/checkins", owner, map[string]any{"code": code, "store": "静安店"})
	require.Equal(t, http.StatusConflict, replay.status, "%s", replay.raw)
	require.Equal(t, "member_code_used", replay.problemCode())
	require.Equal(t, []string{"body.code"}, replay.fields())

	timeline := b.do(t, http.MethodGet, "/v1/me/timeline?type=visit", token, nil)
	visits := timeline.body["items"].([]any)
	require.Len(t, visits, 1, "one visit however often the code was sent")
	require.Equal(t, "pos", visits[0].(map[string]any)["channel"])
	require.Equal(t, "静安店", visits[0].(map[string]any)["store"])

	// The key the service signs with, derived as wiring derives it, dates codes at will.
	signer, err := membercode.NewSigner(membercode.DeriveKey(customerauth.DeriveKey(testSecretsKey)))
	require.NoError(t, err)
	old, _ := signer.Issue(tn.ID.UUID(), uuid.MustParse(id), time.Now().Add(-2*time.Minute))
	ahead, _ := signer.Issue(tn.ID.UUID(), uuid.MustParse(id), time.Now().Add(2*time.Minute))
	ghost, _ := signer.Issue(tn.ID.UUID(), uuid.New(), time.Now())
	forger, err := membercode.NewSigner([]byte("not the service's key, 32 bytes."))
	require.NoError(t, err)
	forged, _ := forger.Issue(tn.ID.UUID(), uuid.MustParse(id), time.Now())
	fresh := b.do(t, http.MethodGet, "/v1/me/qr", token, nil).body["code"].(string)
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
		r := b.do(t, http.MethodPost, "/v1/checkins", tc.key, tc.body)
		require.Equalf(t, tc.status, r.status, "%s: %s", tc.name, r.raw)
		require.Equalf(t, tc.code, r.problemCode(), "%s: %s", tc.name, r.raw)
		require.Equalf(t, tc.fields, r.fields(), "%s: %s", tc.name, r.raw)
	}
	require.Len(t, b.do(t, http.MethodGet, "/v1/me/timeline?type=visit", token, nil).body["items"], 1, "no refused code recorded a visit")

	k, err := b.keys.Create(context.Background(), tn.ID, nil, "analyst", access.RoleAnalyst)
	require.NoError(t, err)
	analyst := k.Token
	r := b.do(t, http.MethodPost, "/v1/checkins", analyst, map[string]any{"code": fresh, "store": "s"})
	require.Equal(t, http.StatusForbidden, r.status, "checking in takes events:write: %s", r.raw)
}

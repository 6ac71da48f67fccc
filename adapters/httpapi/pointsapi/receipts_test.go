package pointsapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/adapters/ocr/ocrtest"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	receiptsapp "github.com/engagehq/engage/application/points/receipts"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

// form is a multipart form with data as its image field, and its content type.
func form(t *testing.T, data []byte) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, err := w.CreateFormFile("image", "receipt.jpg")
	require.NoError(t, err)
	_, err = part.Write(data)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes(), w.FormDataContentType()
}

func (b *testBundle) upload(t *testing.T, token string, data []byte) apitest.Response {
	t.Helper()
	body, ct := form(t, data)
	return b.Do(t, http.MethodPost, "/v1/me/receipts", token, body, "Content-Type", ct)
}

// work runs the waiting receipt jobs, as River would.
func (b *testBundle) workReceipts(t *testing.T) {
	t.Helper()
	svc := module.Get[*receiptsapp.Service](b.App.Kernel)
	ctx := ports.WithActor(context.Background(), ports.JobActor("receipt_read"))
	for _, kind := range []string{"receipt_read", "receipt_credit"} {
		jobstest.Work(t, b.DB.Pool(), kind, func(raw []byte) error {
			var args receiptsapp.ReadArgs
			require.NoError(t, json.Unmarshal(raw, &args))
			if kind == "receipt_read" {
				return svc.Read(ctx, args)
			}
			return svc.Credit(ctx, receiptsapp.CreditArgs(args))
		})
	}
}

// A member uploads a photo of a receipt from the Mini Program; it is read, approved by the
// brand's rules and earns points, which the member sees; bad photos are clear 4xx answers.
func TestTheMemberUploadsAReceipt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.Do(t, http.MethodPut, "/v1/points/receipt-settings", b.owner, map[string]any{"auto_approve": true, "max_age_days": 7,
		"min_amount_fen": 100, "max_amount_fen": 0, "auto_approve_max_fen": 0,
		"stores": []map[string]any{{"code": "SH-NJW", "name": "全家便利店南京西路店"}}})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)

	day := time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, -1).Format("2006-01-02") + " 14:32"
	img, err := ocrtest.Render(ocrtest.Receipt("全家便利店（南京西路店）", day, "20261201031588", "88.00"), ocrtest.JPEG)
	require.NoError(t, err)
	up := b.upload(t, b.member, img)
	require.Equal(t, http.StatusCreated, up.Status, "%s", up.Raw)
	require.Equal(t, "pending", up.Body["status"])
	id := up.Body["id"].(string)
	require.Equal(t, "/v1/me/receipts/"+id, up.Header.Get("Location"))
	again := b.upload(t, b.member, img)
	require.Equal(t, http.StatusOK, again.Status, "%s", again.Raw)
	require.Equal(t, id, again.Body["id"])
	// The same photo as base64 JSON is the same receipt too.
	b64 := b.Do(t, http.MethodPost, "/v1/me/receipts", b.member, map[string]any{"image_base64": "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(img)})
	require.Equal(t, http.StatusOK, b64.Status, "%s", b64.Raw)
	require.Equal(t, id, b64.Body["id"])

	b.workReceipts(t)
	mine := b.Do(t, http.MethodGet, "/v1/me/receipts/"+id, b.member, nil)
	require.Equal(t, http.StatusOK, mine.Status, "%s", mine.Raw)
	require.Equal(t, "approved", mine.Body["status"], "%s", mine.Raw)
	require.Equal(t, 88.0, mine.Body["points"])
	require.Equal(t, 8800.0, mine.Body["fields"].(map[string]any)["amount_fen"])
	pts := b.Do(t, http.MethodGet, "/v1/me/points", b.member, nil)
	require.Equal(t, 88.0, wallet(t, pts.Body, "points")["balance"])
	list := b.Do(t, http.MethodGet, "/v1/me/receipts", b.member, nil)
	require.Len(t, list.Body["items"], 1)

	// An admin's queue and a decision on a decided receipt.
	loyal := b.APIKey(t, b.tn, access.RoleLoyaltyOperator)
	got := b.Do(t, http.MethodGet, "/v1/points/receipts/"+id, loyal, nil)
	require.Equal(t, http.StatusOK, got.Status, "%s", got.Raw)
	require.Equal(t, "SH-NJW", got.Body["store_code"])
	require.Equal(t, "system", got.Body["decided_by"])
	rej := b.Do(t, http.MethodPost, "/v1/points/receipts/"+id+"/reject", loyal, map[string]any{"reason": "stale"})
	require.Equal(t, http.StatusConflict, rej.Status, "%s", rej.Raw)
	require.Equal(t, "receipt_decided", rej.ProblemCode())
	analyst := b.APIKey(t, b.tn, access.RoleAnalyst)
	require.Equal(t, http.StatusForbidden, b.Do(t, http.MethodGet, "/v1/points/receipts", analyst, nil).Status)

	for name, c := range map[string]struct {
		status int
		code   string
		send   func() apitest.Response
	}{
		"not an image": {http.StatusUnprocessableEntity, "image_unreadable", func() apitest.Response { return b.upload(t, b.member, []byte("/etc/passwd\n")) }},
		"cut off":      {http.StatusUnprocessableEntity, "image_unreadable", func() apitest.Response { return b.upload(t, b.member, img[:len(img)/3]) }},
		"oversized": {http.StatusRequestEntityTooLarge, "image_too_large", func() apitest.Response {
			return b.upload(t, b.member, append([]byte{0xff, 0xd8, 0xff}, make([]byte, receiptsapp.MaxImageBytes)...))
		}},
		"no image field": {http.StatusUnprocessableEntity, "validation_failed", func() apitest.Response {
			var buf bytes.Buffer
			w := multipart.NewWriter(&buf)
			require.NoError(t, w.WriteField("photo", "x"))
			require.NoError(t, w.Close())
			return b.Do(t, http.MethodPost, "/v1/me/receipts", b.member, buf.Bytes(), "Content-Type", w.FormDataContentType())
		}},
		"bad base64": {http.StatusUnprocessableEntity, "validation_failed", func() apitest.Response {
			return b.Do(t, http.MethodPost, "/v1/me/receipts", b.member, map[string]any{"image_base64": "%%%"})
		}},
		"raw bytes": {http.StatusUnsupportedMediaType, "unsupported_media_type", func() apitest.Response {
			return b.Do(t, http.MethodPost, "/v1/me/receipts", b.member, img, "Content-Type", "image/jpeg")
		}},
	} {
		got := c.send()
		require.Equal(t, c.status, got.Status, "%s: %s", name, got.Raw)
		require.Equal(t, c.code, got.ProblemCode(), "%s: %s", name, got.Raw)
	}
	require.Len(t, b.Do(t, http.MethodGet, "/v1/me/receipts", b.member, nil).Body["items"], 1, "the refused photos kept nothing")
}

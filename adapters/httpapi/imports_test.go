package httpapi

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/engagehq/engage/application/customerimport"
	"github.com/engagehq/engage/domain/access"
)

const importCSV = "external_id,name,phone,email\n" +
	"crm-1,王小明,13812345678,ming@example.com\n" +
	"crm-2,李四,12345,li@example.com\n" +
	"crm-3,张三,,\n"

func TestACSVImportIsDryRunThenCommitted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.tenantWithKey(t, access.RoleOwner)
	csv := []string{"Content-Type", "text/csv"}

	dry := b.do(t, http.MethodPost, "/v1/customers/imports?dry_run=true", owner, importCSV, csv...)
	require.Equal(t, http.StatusOK, dry.status, "%s", dry.raw)
	require.Equal(t, true, dry.body["dry_run"])
	require.Equal(t, false, dry.body["committed"])
	require.EqualValues(t, 3, dry.body["rows"])
	require.EqualValues(t, 2, dry.body["created"])
	require.EqualValues(t, 1, dry.body["invalid"])
	require.Equal(t, []any{map[string]any{"row": 3.0, "column": "phone", "code": "invalid_value", "message": dry.body["problems"].([]any)[0].(map[string]any)["message"]}},
		dry.body["problems"])
	require.NotContains(t, string(dry.raw), "12345,", "the bad value is not echoed")
	require.Empty(t, b.do(t, http.MethodGet, "/v1/customers", owner, nil).body["items"])

	refused := b.do(t, http.MethodPost, "/v1/customers/imports", owner, importCSV, csv...)
	require.Equal(t, http.StatusUnprocessableEntity, refused.status, "%s", refused.raw)
	require.Equal(t, "import_has_invalid_rows", refused.problemCode())
	require.Equal(t, []string{"body.rows[3].phone"}, refused.fields())
	require.Empty(t, b.do(t, http.MethodGet, "/v1/customers", owner, nil).body["items"])

	committed := b.do(t, http.MethodPost, "/v1/customers/imports?skip_invalid=true", owner, importCSV,
		"Content-Type", "text/csv", "Idempotency-Key", "import-1")
	require.Equal(t, http.StatusOK, committed.status, "%s", committed.raw)
	require.Equal(t, true, committed.body["committed"])
	require.EqualValues(t, 2, committed.body["created"])
	require.EqualValues(t, 1, committed.body["skipped"])
	replayed := b.do(t, http.MethodPost, "/v1/customers/imports?skip_invalid=true", owner, importCSV,
		"Content-Type", "text/csv", "Idempotency-Key", "import-1")
	require.Equal(t, "true", replayed.header.Get("Idempotent-Replayed"))
	require.Len(t, b.do(t, http.MethodGet, "/v1/customers", owner, nil).body["items"], 2, "the replay imported nothing twice")
	trail := b.do(t, http.MethodGet, "/v1/audit-log?action=customers.import", owner, nil)
	require.Len(t, trail.body["items"], 1)
}

func TestAnExcelCSVUploadedAsAFormIsReadInGB18030(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.tenantWithKey(t, access.RoleOwner)
	gb, err := simplifiedchinese.GB18030.NewEncoder().String("name,city\n欧阳娜娜,广州\n")
	require.NoError(t, err)
	form := func(file string) (string, []byte) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		part, err := w.CreateFormFile("file", "会员.csv")
		require.NoError(t, err)
		_, err = part.Write([]byte(file))
		require.NoError(t, err)
		require.NoError(t, w.Close())
		return w.FormDataContentType(), buf.Bytes()
	}

	ct, body := form(gb)
	bad := b.do(t, http.MethodPost, "/v1/customers/imports?dry_run=true", owner, body, "Content-Type", ct)
	require.Equal(t, http.StatusUnprocessableEntity, bad.status, "%s", bad.raw)
	require.Equal(t, "bad_encoding", bad.problemCode())
	require.Equal(t, []string{"body.line[2]"}, bad.fields())

	ok := b.do(t, http.MethodPost, "/v1/customers/imports?encoding=gb18030", owner, body, "Content-Type", ct)
	require.Equal(t, http.StatusOK, ok.status, "%s", ok.raw)
	items := b.do(t, http.MethodGet, "/v1/customers", owner, nil).body["items"].([]any)
	require.Len(t, items, 1)
	require.Equal(t, "欧阳娜娜", items[0].(map[string]any)["name"])

	for name, tc := range map[string]struct {
		query, file, code, field string
	}{
		"unknown column":   {"", "name,shoe\nA,1\n", "bad_header", "body.line[1]"},
		"unknown encoding": {"?encoding=latin1", "name\nA\n", "validation_failed", "query.encoding"},
		"only a BOM":       {"", "\uFEFF", "empty_file", "body"},
	} {
		got := b.do(t, http.MethodPost, "/v1/customers/imports"+tc.query, owner, tc.file, "Content-Type", "text/csv")
		require.Equalf(t, http.StatusUnprocessableEntity, got.status, "%s: %s", name, got.raw)
		require.Equalf(t, tc.code, got.problemCode(), "%s", name)
		require.Equalf(t, []string{tc.field}, got.fields(), "%s", name)
	}
}

func TestALargeFileIsAcceptedAndAnOversizedOneRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.tenantWithKey(t, access.RoleOwner)
	var f bytes.Buffer
	f.WriteString("external_id,name,email,city\n")
	for i := range 30_000 {
		fmt.Fprintf(&f, "big-%d,会员 %d,member%d@example.com,上海市浦东新区\n", i, i, i)
	}
	require.Greater(t, f.Len(), 1<<20, "past huma's default body limit")
	dry := b.do(t, http.MethodPost, "/v1/customers/imports?dry_run=true", owner, f.Bytes(), "Content-Type", "text/csv")
	require.Equal(t, http.StatusOK, dry.status, "%s", dry.raw)
	require.EqualValues(t, 30_000, dry.body["created"])

	huge := bytes.Repeat([]byte("x"), customerimport.MaxBytes+2<<20)
	tooBig := b.do(t, http.MethodPost, "/v1/customers/imports?dry_run=true", owner, huge, "Content-Type", "text/csv")
	require.Equal(t, http.StatusRequestEntityTooLarge, tooBig.status)
	require.Equal(t, "body_too_large", tooBig.problemCode())
}

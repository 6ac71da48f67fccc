package customersapi_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/engagehq/engage/application/customers/customerimport"
	"github.com/engagehq/engage/domain/access"
)

const importCSV = "external_id,name,phone,email\n" +
	"crm-1,王小明,13812345678,ming@example.com\n" +
	"crm-2,李四,12345,li@example.com\n" +
	"crm-3,张三,,\n"

func TestACSVImportIsDryRunThenCommitted(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.TenantWithKey(t, access.RoleOwner)
	csv := []string{"Content-Type", "text/csv"}

	dry := b.Do(t, http.MethodPost, "/v1/customers/imports?dry_run=true", owner, importCSV, csv...)
	require.Equal(t, http.StatusOK, dry.Status, "%s", dry.Raw)
	require.Equal(t, true, dry.Body["dry_run"])
	require.Equal(t, false, dry.Body["committed"])
	require.EqualValues(t, 3, dry.Body["rows"])
	require.EqualValues(t, 2, dry.Body["created"])
	require.EqualValues(t, 1, dry.Body["invalid"])
	require.Equal(t, []any{map[string]any{"row": 3.0, "column": "phone", "code": "invalid_value", "message": dry.Body["problems"].([]any)[0].(map[string]any)["message"]}},
		dry.Body["problems"])
	require.NotContains(t, string(dry.Raw), "12345,", "the bad value is not echoed")
	require.Empty(t, b.Do(t, http.MethodGet, "/v1/customers", owner, nil).Body["items"])

	refused := b.Do(t, http.MethodPost, "/v1/customers/imports", owner, importCSV, csv...)
	require.Equal(t, http.StatusUnprocessableEntity, refused.Status, "%s", refused.Raw)
	require.Equal(t, "import_has_invalid_rows", refused.ProblemCode())
	require.Equal(t, []string{"body.rows[3].phone"}, refused.Fields())
	require.Empty(t, b.Do(t, http.MethodGet, "/v1/customers", owner, nil).Body["items"])

	committed := b.Do(t, http.MethodPost, "/v1/customers/imports?skip_invalid=true", owner, importCSV,
		"Content-Type", "text/csv", "Idempotency-Key", "import-1")
	require.Equal(t, http.StatusOK, committed.Status, "%s", committed.Raw)
	require.Equal(t, true, committed.Body["committed"])
	require.EqualValues(t, 2, committed.Body["created"])
	require.EqualValues(t, 1, committed.Body["skipped"])
	replayed := b.Do(t, http.MethodPost, "/v1/customers/imports?skip_invalid=true", owner, importCSV,
		"Content-Type", "text/csv", "Idempotency-Key", "import-1")
	require.Equal(t, "true", replayed.Header.Get("Idempotent-Replayed"))
	require.Len(t, b.Do(t, http.MethodGet, "/v1/customers", owner, nil).Body["items"], 2, "the replay imported nothing twice")
	trail := b.Do(t, http.MethodGet, "/v1/audit-log?action=customers.import", owner, nil)
	require.Len(t, trail.Body["items"], 1)
}

func TestAnExcelCSVUploadedAsAFormIsReadInGB18030(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.TenantWithKey(t, access.RoleOwner)
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
	bad := b.Do(t, http.MethodPost, "/v1/customers/imports?dry_run=true", owner, body, "Content-Type", ct)
	require.Equal(t, http.StatusUnprocessableEntity, bad.Status, "%s", bad.Raw)
	require.Equal(t, "bad_encoding", bad.ProblemCode())
	require.Equal(t, []string{"body.line[2]"}, bad.Fields())

	ok := b.Do(t, http.MethodPost, "/v1/customers/imports?encoding=gb18030", owner, body, "Content-Type", ct)
	require.Equal(t, http.StatusOK, ok.Status, "%s", ok.Raw)
	items := b.Do(t, http.MethodGet, "/v1/customers", owner, nil).Body["items"].([]any)
	require.Len(t, items, 1)
	require.Equal(t, "欧阳娜娜", items[0].(map[string]any)["name"])

	for name, tc := range map[string]struct {
		query, file, code, field string
	}{
		"unknown column":   {"", "name,shoe\nA,1\n", "bad_header", "body.line[1]"},
		"unknown encoding": {"?encoding=latin1", "name\nA\n", "validation_failed", "query.encoding"},
		"only a BOM":       {"", "\uFEFF", "empty_file", "body"},
	} {
		got := b.Do(t, http.MethodPost, "/v1/customers/imports"+tc.query, owner, tc.file, "Content-Type", "text/csv")
		require.Equalf(t, http.StatusUnprocessableEntity, got.Status, "%s: %s", name, got.Raw)
		require.Equalf(t, tc.code, got.ProblemCode(), "%s", name)
		require.Equalf(t, []string{tc.field}, got.Fields(), "%s", name)
	}
}

func TestALargeFileIsAcceptedAndAnOversizedOneRefused(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.TenantWithKey(t, access.RoleOwner)
	var f bytes.Buffer
	f.WriteString("external_id,name,email,city\n")
	for i := range 30_000 {
		fmt.Fprintf(&f, "big-%d,会员 %d,member%d@example.com,上海市浦东新区\n", i, i, i)
	}
	require.Greater(t, f.Len(), 1<<20, "past huma's default body limit")
	dry := b.Do(t, http.MethodPost, "/v1/customers/imports?dry_run=true", owner, f.Bytes(), "Content-Type", "text/csv")
	require.Equal(t, http.StatusOK, dry.Status, "%s", dry.Raw)
	require.EqualValues(t, 30_000, dry.Body["created"])

	huge := bytes.Repeat([]byte("x"), customerimport.MaxBytes+2<<20)
	tooBig := b.Do(t, http.MethodPost, "/v1/customers/imports?dry_run=true", owner, huge, "Content-Type", "text/csv")
	require.Equal(t, http.StatusRequestEntityTooLarge, tooBig.Status)
	require.Equal(t, "body_too_large", tooBig.ProblemCode())
}

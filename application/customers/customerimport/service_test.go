package customerimport_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/application/customers/customerimport"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/platform/audit"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

type testBundle struct {
	db        *postgres.DB
	tenant    tenants.Tenant
	customers *customers.Service
	audit     *audit.Service
	svc       *customerimport.Service
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	db := pgtest.New(t).OpenApp(t)
	dir := tenants.NewDirectory(platformdb.NewTenantStore(db))
	log := platformdb.AuditLog{}
	b := &testBundle{db: db, tenant: pgtest.NewTenant(t, dir),
		customers: customers.NewService(customers.Deps{Tx: db, Repo: customersdb.Customers{}, Defs: customersdb.AttributeDefs{}, Audit: log}),
		audit:     audit.NewService(audit.Deps{Tx: db, Reader: log, Tenants: dir}),
		svc: customerimport.NewService(customerimport.Deps{Tx: db, Customers: customersdb.CustomerBulk{}, Defs: customersdb.AttributeDefs{},
			Tags: customersdb.Tags{}, Audit: log}),
	}
	require.NoError(t, b.customers.SetAttributeDefs(context.Background(), b.tenant.ID, []customer.AttributeDef{
		{Key: "shoe_size", Type: "number"}, {Key: "vip", Type: "boolean"}, {Key: "tea", Type: "enum", EnumValues: []string{"green", "oolong"}}}))
	return b
}

func (b *testBundle) run(t *testing.T, file string, o customerimport.Options) (customerimport.Report, error) {
	t.Helper()
	return b.svc.Import(context.Background(), b.tenant.ID, strings.NewReader(file), o)
}

func (b *testBundle) all(t *testing.T) []customer.Customer {
	t.Helper()
	cs, err := b.customers.List(context.Background(), b.tenant.ID, ports.CustomerQuery{}, ports.Page{Limit: 100})
	require.NoError(t, err)
	return cs
}

func ptr[T any](v T) *T { return &v }

const goodAndBad = "\uFEFFexternal_id,name,gender,birth_date,phone,email,city,consent.marketing_sms,attr.shoe_size,attr.tea,tags\n" +
	"crm-1,王小明,男,1990/05/20,138 1234 5678,Ming@Example.com,上海,是,42,oolong,vip|新客\n" +
	"crm-2,李四,female,1985-13-01,12345,not-an-email,北京,maybe,big,black,\n" +
	"crm-3,\"Zhang, San\",,,,,杭州,,,,\n" +
	"crm-1,Again,,,,,,,,,\n" +
	"crm-4,Short row\n" +
	"crm-5,Existing phone,,,13900000000,,,,,,\n"

func TestADryRunReportsEveryBadRowAndWritesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	existing, err := b.customers.Create(context.Background(), b.tenant.ID, customers.Patch{Name: ptr("Old"), Phone: ptr("13900000000")})
	require.NoError(t, err)

	rep, err := b.run(t, goodAndBad, customerimport.Options{DryRun: true})
	require.NoError(t, err)
	require.Equal(t, 6, rep.Rows)
	require.Equal(t, 2, rep.Created, "crm-1 and crm-3")
	require.Equal(t, 1, rep.Updated, "crm-5 matches the customer with its phone")
	require.Equal(t, 3, rep.Invalid)
	type at struct {
		row       int
		col, code string
	}
	var got []at
	for _, p := range rep.Problems {
		got = append(got, at{p.Row, p.Column, p.Code})
		require.NotContains(t, p.Message, "not-an-email", "bad values are not echoed")
	}
	require.ElementsMatch(t, []at{
		{3, "birth_date", "invalid_value"}, {3, "phone", "invalid_value"}, {3, "email", "invalid_value"},
		{3, "consent.marketing_sms", "invalid_value"}, {3, "attr.shoe_size", "invalid_value"}, {3, "attr.tea", "invalid_value"},
		{5, "external_id", "duplicate_in_file"}, {6, "", "wrong_column_count"},
	}, got)
	require.Len(t, b.all(t), 1, "a dry run writes nothing")

	_, err = b.run(t, goodAndBad, customerimport.Options{})
	require.ErrorIs(t, err, customerimport.ErrInvalidRows, "a commit refuses a file with bad rows")
	require.Len(t, b.all(t), 1)

	rep, err = b.run(t, goodAndBad, customerimport.Options{SkipInvalid: true})
	require.NoError(t, err)
	require.Equal(t, 2, rep.Created)
	require.Equal(t, 1, rep.Updated)
	require.Equal(t, 3, rep.Skipped)
	cs := b.all(t)
	require.Len(t, cs, 3)
	byExt := map[string]customer.Customer{}
	for _, c := range cs {
		byExt[c.ExternalID] = c
	}
	ming := byExt["crm-1"]
	require.Equal(t, "王小明", ming.Name)
	require.Equal(t, "male", ming.Gender)
	require.Equal(t, "+8613812345678", ming.Phone)
	require.Equal(t, "ming@example.com", ming.Email)
	require.Equal(t, "1990-05-20", ming.BirthDate.Format("2006-01-02"))
	require.Equal(t, map[string]bool{"marketing_sms": true}, ming.Consents)
	require.Equal(t, map[string]any{"shoe_size": 42.0, "tea": "oolong"}, ming.Attributes)
	require.Equal(t, "Zhang, San", byExt["crm-3"].Name)
	updated := byExt["crm-5"]
	require.Equal(t, existing.ID, updated.ID, "matched by phone, the customer takes the external ID")
	require.Equal(t, "Existing phone", updated.Name)
	require.NoError(t, b.db.InTenant(context.Background(), b.tenant.ID, func(ctx context.Context) error {
		q, _, err := postgres.TenantTx(ctx)
		require.NoError(t, err)
		var tags []string
		require.NoError(t, q.QueryRow(ctx, `SELECT array_agg(tag ORDER BY tag) FROM customer_tags WHERE customer_id = $1`, ming.ID).Scan(&tags))
		require.Equal(t, []string{"vip", "新客"}, tags)
		return nil
	}))

	trail, err := b.audit.List(context.Background(), b.tenant.ID, ports.AuditFilter{Action: "customers.import"}, ports.Page{Limit: 5})
	require.NoError(t, err)
	require.Len(t, trail, 1)
	require.JSONEq(t, `{"rows": 6, "created": 2, "updated": 1, "skipped": 3}`, string(trail[0].After))

	// Imported again, the same rows update what the first import created.
	rep, err = b.run(t, "external_id,city\ncrm-1,杭州\ncrm-3,\n", customerimport.Options{})
	require.NoError(t, err)
	require.Equal(t, 2, rep.Updated)
	got2, err := b.customers.Get(context.Background(), b.tenant.ID, ming.ID)
	require.NoError(t, err)
	require.Equal(t, "杭州", got2.City)
	require.Equal(t, "王小明", got2.Name, "empty and absent cells change nothing")

	// Two rows that match the same customer (one by external ID, one by phone) are one too many.
	rep, err = b.run(t, "external_id,phone,city\ncrm-1,13700000000,北京\n,13812345678,深圳\n", customerimport.Options{DryRun: true})
	require.NoError(t, err)
	require.Equal(t, []customerimport.Problem{{Row: 3, Code: customerimport.CodeDuplicateInFile, Message: "matches the same customer as row 2"}}, rep.Problems)
}

func TestAGB18030FileIsReadWhenDeclared(t *testing.T) {
	t.Parallel()
	b := setup(t)
	gb, err := simplifiedchinese.GB18030.NewEncoder().String("external_id,name,city\ncrm-9,欧阳娜娜,广州\n")
	require.NoError(t, err)
	_, err = b.run(t, gb, customerimport.Options{DryRun: true})
	var fe *customerimport.FileError
	require.ErrorAs(t, err, &fe, "undeclared, GB18030 is not UTF-8")
	require.Equal(t, customerimport.CodeBadEncoding, fe.Code)
	require.Equal(t, 2, fe.Line)

	rep, err := b.run(t, gb, customerimport.Options{Encoding: "GBK"})
	require.NoError(t, err)
	require.Equal(t, 1, rep.Created)
	cs := b.all(t)
	require.Len(t, cs, 1)
	require.Equal(t, "欧阳娜娜", cs[0].Name)
	require.Equal(t, "广州", cs[0].City)
}

func TestBadFilesAreRefusedWholeWithThePlaceAtFault(t *testing.T) {
	t.Parallel()
	b := setup(t)
	many := &strings.Builder{}
	many.WriteString("external_id\n")
	for i := range customerimport.MaxRows + 1 {
		fmt.Fprintf(many, "x-%d\n", i)
	}
	for name, tc := range map[string]struct {
		file string
		enc  string
		code string
		line int
	}{
		"bad utf-8 on line 3":   {"name,city\nA,上海\nB,\xff\xfe\n", "", customerimport.CodeBadEncoding, 3},
		"bad gb18030 on line 2": {"name\n\x81\x20\n", "gb18030", customerimport.CodeBadEncoding, 2},
		"NUL on line 2":         {"name,city\nA\x00,上海\n", "", customerimport.CodeBadEncoding, 2},
		"NUL in gb18030":        {"name\n\x00\n", "gb18030", customerimport.CodeBadEncoding, 2},
		"unknown column":        {"name,shoe\nA,1\n", "", customerimport.CodeBadHeader, 1},
		"undefined attribute":   {"name,attr.height\nA,1\n", "", customerimport.CodeBadHeader, 1},
		"column twice":          {"name,Name\nA,B\n", "", customerimport.CodeBadHeader, 1},
		"unknown consent":       {"name,consent.telepathy\nA,yes\n", "", customerimport.CodeBadHeader, 1},
		"no rows":               {"name,city\n", "", customerimport.CodeEmpty, 0},
		"empty":                 {"", "", customerimport.CodeEmpty, 0},
		"stray quote":           {"name,city\nA,\"Shang\"hai\n", "", customerimport.CodeMalformed, 2},
		"too many rows":         {many.String(), "", customerimport.CodeTooManyRows, customerimport.MaxRows + 2},
	} {
		_, err := b.run(t, tc.file, customerimport.Options{Encoding: tc.enc})
		var fe *customerimport.FileError
		require.ErrorAsf(t, err, &fe, "%s", name)
		require.Equalf(t, tc.code, fe.Code, "%s: %v", name, err)
		require.Equalf(t, tc.line, fe.Line, "%s: %v", name, err)
	}
	_, err := b.run(t, "name\nA\n", customerimport.Options{Encoding: "latin1"})
	require.ErrorIs(t, err, customerimport.ErrUnknownEncoding)
	big := bytes.Repeat([]byte("a"), customerimport.MaxBytes)
	_, err = b.svc.Import(context.Background(), b.tenant.ID, bytes.NewReader(append([]byte("name\n"), big...)), customerimport.Options{})
	require.ErrorIs(t, err, customerimport.ErrTooLarge)
	require.Empty(t, b.all(t), "nothing of a bad file is written")
}

// Measures the commit of a 20,000-row file (go test -run TestTwentyThousandRows -v).
func TestTwentyThousandRowsImportInOneCommit(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var f strings.Builder
	f.WriteString("external_id,name,phone,email,city,attr.shoe_size\n")
	const n = 20_000
	for i := range n {
		fmt.Fprintf(&f, "bulk-%d,会员%d,139%08d,m%d@example.com,上海,%d\n", i, i, i, i, 35+i%10)
	}
	start := time.Now()
	rep, err := b.run(t, f.String(), customerimport.Options{})
	elapsed := time.Since(start)
	require.NoError(t, err)
	require.Equal(t, n, rep.Created)
	t.Logf("imported %d rows in %s: %.0f rows/s", n, elapsed.Round(time.Millisecond), n/elapsed.Seconds())
	start = time.Now()
	rep, err = b.run(t, f.String(), customerimport.Options{})
	elapsed = time.Since(start)
	require.NoError(t, err)
	require.Equal(t, n, rep.Updated)
	t.Logf("updated %d rows in %s: %.0f rows/s", n, elapsed.Round(time.Millisecond), n/elapsed.Seconds())
}

package demodata_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/application/customers/demodata"
	"github.com/engagehq/engage/application/customers/demodata/cdnow"
	"github.com/engagehq/engage/application/customers/events"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// excerpt is the start of CDNOW_master.txt as it is: a header, CRLF line ends, padded columns.
const excerpt = " customer_id  date number_of_cds  dollar_value\r\n" +
	" 00001 19970101  1   11.77\r\n" +
	" 00002 19970112  1   12.00\r\n" +
	" 00002 19970112  5   77.00\r\n" +
	" 00003 19970102  2   20.76\r\n" +
	" 00003 19970330  2   20.76\r\n" +
	" 00003 19970402  2   19.54\r\n" +
	" 00003 19971115  5   57.45\r\n" +
	" 00003 19971125  4   20.96\r\n" +
	" 00003 19980528  1   16.99\r\n" +
	" 00004 19970101  2   29.33\r\n" +
	" 00005 19970101  2    0.00\r\n"

func TestTheMasterLayoutIsParsed(t *testing.T) {
	t.Parallel()
	rows, err := demodata.ParseCDNOW(strings.NewReader(excerpt))
	require.NoError(t, err)
	require.Len(t, rows, 11)
	require.Equal(t, demodata.CDNOWRow{Line: 2, Customer: 1, Date: time.Date(1997, 1, 1, 0, 0, 0, 0, time.UTC), CDs: 1, AmountFen: 1177}, rows[0])
	require.Equal(t, int64(7700), rows[2].AmountFen)
	require.Equal(t, 12, rows[10].Line)
	require.Zero(t, rows[10].AmountFen)

	cst := time.FixedZone("CST", 8*3600)
	p := rows[0].Purchase(uuid.New(), rows[0].Day(cst, 0), event.Item{SKU: "cd", Category: "music"})
	require.Equal(t, "cdnow-2", p.ID)
	require.Equal(t, "website", p.Channel)
	require.Equal(t, "1997-01-01T12:00:00+08:00", p.OccurredAt.Format(time.RFC3339))
	require.Equal(t, []event.Item{{SKU: "cd", Category: "music", Quantity: 1}}, p.Items)
	require.Equal(t, "1997-03-02T12:00:00+08:00", rows[0].Day(cst, 60).Format(time.RFC3339), "moved by whole days")
	_, err = p.Check(time.Now())
	require.NoError(t, err, "a CDNOW purchase is a valid event")

	// The 1/10 sample has a fifth column: it is another layout and refused, naming the line.
	_, err = demodata.ParseCDNOW(strings.NewReader(" 00004 0001 19970101  2   29.33\r\n"))
	require.ErrorIs(t, err, demodata.ErrCDNOWFormat)
	require.ErrorContains(t, err, "line 1")
	_, err = demodata.ParseCDNOW(strings.NewReader(excerpt + " 00006 1997-01-01  1  1.00\r\n"))
	require.ErrorContains(t, err, "line 13")
}

func TestProfilesAreDeterministicAndValid(t *testing.T) {
	t.Parallel()
	a, b := demodata.Profile(42), demodata.Profile(42)
	a.ID, b.ID = uuid.Nil, uuid.Nil
	require.Equal(t, a, b)
	require.Equal(t, "cdnow-42", a.ExternalID)
	phones := map[string]int{}
	for id := 1; id <= 23_570; id++ {
		p := demodata.Profile(id)
		require.NoError(t, p.Normalise(time.Now()), "customer %d", id)
		require.NotEmpty(t, p.City)
		require.GreaterOrEqual(t, len([]rune(p.Name)), 2)
		prev, taken := phones[p.Phone]
		require.Falsef(t, taken, "customers %d and %d share %s", prev, id, p.Phone)
		phones[p.Phone] = id
	}
}

func TestTheShippedFileHasItsPublishedCounts(t *testing.T) {
	t.Parallel()
	rows, err := demodata.ParseCDNOW(bytes.NewReader(cdnow.Master))
	require.NoError(t, err)
	require.Len(t, rows, 69_659)
	customers := map[int]bool{}
	var fen int64
	for _, r := range rows {
		customers[r.Customer] = true
		fen += r.AmountFen
	}
	require.Len(t, customers, 23_570)
	require.Equal(t, int64(250_031_563), fen, "the data set's $2,500,315.63, digit for digit")
}

func TestLoadingTwiceAddsNothing(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t).OpenApp(t)
	dir := tenants.NewDirectory(platformdb.NewTenantStore(db))
	bus := jobstest.Bus(db, jobstest.InsertOnly(t, db), dir)
	evs := events.NewService(events.Deps{Tx: db, Events: customersdb.Events{}, Activity: customersdb.Activity{}, Publisher: bus,
		Tenants: dir})
	demo := demodata.NewService(demodata.Deps{Tx: db, Importer: customersdb.CustomerImport{}, Audit: platformdb.AuditLog{}, Events: evs})
	tn := pgtest.NewTenant(t, dir)
	ctx := context.Background()

	first, err := demo.LoadCDNOW(ctx, tn.ID, strings.NewReader(excerpt), demodata.Replay{})
	require.NoError(t, err)
	require.Equal(t, demodata.Summary{Rows: 11, Customers: 5, NewCustomers: 5, Accepted: 11, Elapsed: first.Elapsed}, first)
	again, err := demo.LoadCDNOW(ctx, tn.ID, strings.NewReader(excerpt), demodata.Replay{})
	require.NoError(t, err)
	require.Equal(t, demodata.Summary{Rows: 11, Customers: 5, Duplicates: 11, Elapsed: again.Elapsed}, again)

	ids, err := demo.ImportCustomers(ctx, tn.ID, []customer.Customer{demodata.Profile(3)})
	require.NoError(t, err)
	third := ids["cdnow-3"]
	line, err := evs.Timeline(ctx, tn.ID, third, ports.TimelineQuery{}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, line, 6)
	require.Equal(t, "cdnow-10", line[0].ID, "newest first: 1998-05-28")
	require.Equal(t, int64(1699), *line[0].AmountFen)

	c, err := customersdb.Customers{}.Get(ctx, third)
	require.ErrorIs(t, err, ports.ErrNoTenantTx, "customers are read in a tenant transaction only")
	require.NoError(t, db.ReadInTenant(ctx, tn.ID, func(ctx context.Context) error {
		c, err = customersdb.Customers{}.Get(ctx, third)
		return err
	}))
	require.Equal(t, "1997-01-02", c.CreatedAt.In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly), "a member since the first purchase")
}

func TestAReplayEndsOnItsLastDayAndKeepsIntervalsAndAmounts(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t).OpenApp(t)
	dir := tenants.NewDirectory(platformdb.NewTenantStore(db))
	bus := jobstest.Bus(db, jobstest.InsertOnly(t, db), dir)
	evs := events.NewService(events.Deps{Tx: db, Events: customersdb.Events{}, Activity: customersdb.Activity{}, Publisher: bus,
		Tenants: dir, Clock: ports.SystemClock{}})
	demo := demodata.NewService(demodata.Deps{Tx: db, Importer: customersdb.CustomerImport{}, Audit: platformdb.AuditLog{}, Events: evs, Clock: ports.SystemClock{}})
	tn := pgtest.NewTenant(t, dir)
	ctx := context.Background()

	// Los Angeles is 16 hours behind Shanghai: the day is the brand's.
	la, err := time.LoadLocation("America/Los_Angeles")
	require.NoError(t, err)
	yesterday := time.Now().In(la).AddDate(0, 0, -1)
	replay := demodata.Replay{Zone: la, LastDay: yesterday, Every: 3, Item: event.Item{SKU: "tea", Category: "drinks"}}
	rows, err := demodata.ParseCDNOW(strings.NewReader(excerpt))
	require.NoError(t, err)
	shift := replay.Shift(rows)
	require.Equal(t, yesterday.Format(time.DateOnly), rows[8].Day(la, shift).Format(time.DateOnly), "the last purchase, 1998-05-28")

	sum, err := demo.LoadCDNOW(ctx, tn.ID, strings.NewReader(excerpt), replay)
	require.NoError(t, err)
	require.Equal(t, demodata.Summary{Rows: 6, Customers: 1, NewCustomers: 1, Accepted: 6, Elapsed: sum.Elapsed}, sum, "customer 3 only")

	ids, err := demo.ImportCustomers(ctx, tn.ID, []customer.Customer{demodata.Profile(3)})
	require.NoError(t, err)
	line, err := evs.Timeline(ctx, tn.ID, ids["cdnow-3"], ports.TimelineQuery{}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, line, 6)
	last, firstBuy := line[0].OccurredAt.In(la), line[5].OccurredAt.In(la)
	require.Equal(t, yesterday.Format(time.DateOnly), last.Format(time.DateOnly))
	require.Equal(t, 12, last.Hour(), "at noon in the brand's zone")
	require.Equal(t, rows[8].Date.Sub(rows[3].Date), time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, time.UTC).Sub(
		time.Date(firstBuy.Year(), firstBuy.Month(), firstBuy.Day(), 0, 0, 0, 0, time.UTC)), "the same days apart")
	require.Equal(t, int64(1699), *line[0].AmountFen, "the same amount")
	require.Equal(t, []event.Item{{SKU: "tea", Category: "drinks", Quantity: 1}}, line[0].Items)

	var joined time.Time
	require.NoError(t, db.ReadInTenant(ctx, tn.ID, func(ctx context.Context) error {
		c, err := customersdb.Customers{}.Get(ctx, ids["cdnow-3"])
		joined = c.CreatedAt
		return err
	}))
	require.True(t, joined.Equal(line[5].OccurredAt), "a member since the first purchase, moved too")
}

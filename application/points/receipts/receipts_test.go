package receipts_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/blob/localblob"
	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/adapters/ocr/ocrtest"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/adapters/wire"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/points/points"
	app "github.com/engagehq/engage/application/points/receipts"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/receipts"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

var ctx = context.Background()

type bundle struct {
	app    *wire.App
	svc    *app.Service
	points *points.Service
	tn     tenants.Tenant
	blobs  localblob.Store
	super  *pgx.Conn
}

// setup wires the app over a test database with photos on a temporary disk, one brand in
// Shanghai at 2026-12-03 10:00 that approves receipts of its two stores by itself up to
// 1,000 元, receipts up to 7 days old; and a webhook so that receipt events are stored.
func setup(t *testing.T) *bundle {
	t.Helper()
	pg := pgtest.New(t)
	blobs := localblob.Store{Dir: filepath.Join(t.TempDir(), "blobs")}
	a, err := wire.New(wire.Config{DatabaseURL: pg.AppURL, SecretsKey: "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=",
		SignInKey: []byte("receipts test"), NoPeriodicJobs: true, Blobs: blobs,
		Clock: &clock{now: time.Date(2026, 12, 3, 10, 0, 0, 0, shanghai)}}, pg.OpenApp(t))
	require.NoError(t, err)
	b := &bundle{app: a, svc: module.Get[*app.Service](a.Kernel), points: module.Get[*points.Service](a.Kernel),
		tn: pgtest.NewTenant(t, a.Tenants), blobs: blobs, super: pg.SuperConn(t)}
	require.NoError(t, b.svc.SetSettings(ctx, b.tn.ID, receipts.Settings{AutoApprove: true, MaxAgeDays: 7, MinAmountFen: 100,
		MaxAmountFen: 500_000, AutoApproveMaxFen: 100_000, Stores: []receipts.Store{
			{Code: "SH-NJW", Name: "全家便利店南京西路店"}, {Code: "SH-CY", Name: "联华超市曹杨路店"}}}))
	_, _, err = a.Webhooks.Create(ctx, b.tn.ID, webhook.Draft{URL: "https://crm.example.com/hooks", EventTypes: receipts.EventTypes})
	require.NoError(t, err)
	return b
}

func (b *bundle) customer(t *testing.T) uuid.UUID {
	t.Helper()
	name := "会员" + uuid.NewString()[:6]
	c, err := b.app.Customers.Create(ctx, b.tn.ID, customers.Patch{Name: &name})
	require.NoError(t, err)
	return c.ID
}

func photo(t *testing.T, store, date, no, total string, f ocrtest.Format) []byte {
	t.Helper()
	img, err := ocrtest.Render(ocrtest.Receipt(store, date, no, total), f)
	require.NoError(t, err)
	return img
}

// work runs the waiting receipt jobs of kind as River would, and returns how many ran.
func (b *bundle) work(t *testing.T, kind string) int {
	t.Helper()
	return jobstest.Work(t, b.app.DB.Pool(), kind, func(raw []byte) error {
		var args app.ReadArgs
		require.NoError(t, json.Unmarshal(raw, &args))
		c := ports.WithActor(ctx, ports.JobActor(kind))
		if kind == (app.ReadArgs{}).Kind() {
			start := time.Now()
			err := b.svc.Read(c, args)
			t.Logf("read receipt %s in %s", args.ReceiptID, time.Since(start).Round(time.Millisecond))
			return err
		}
		return b.svc.Credit(c, app.CreditArgs(args))
	})
}

func (b *bundle) get(t *testing.T, id uuid.UUID) receipts.Receipt {
	t.Helper()
	r, err := b.svc.Get(ctx, b.tn.ID, id)
	require.NoError(t, err)
	return r
}

func (b *bundle) balance(t *testing.T, customer uuid.UUID) int64 {
	t.Helper()
	views, err := b.points.Wallets(ctx, b.tn.ID, customer)
	require.NoError(t, err)
	for _, v := range views {
		if v.Wallet == ledger.Points {
			return v.Balance + v.Pending
		}
	}
	return 0
}

func (b *bundle) events(t *testing.T) []string {
	t.Helper()
	rows, err := b.super.Query(ctx, `SELECT type FROM domain_events WHERE tenant_id = $1 AND type LIKE 'receipt.%' ORDER BY id`, b.tn.ID.UUID())
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	return out
}

func admin(ctx context.Context) context.Context {
	return ports.WithActor(ctx, ports.Actor{Kind: ports.ActorUser, ID: uuid.NewString(), Label: "店长"})
}

// TestUploadReadApproveEarn: a photo of a receipt of a known store, two days old, is kept,
// read by OCR, approved by the brand's rules and earns its points once; the same photo again
// is the same receipt, another customer's upload of it is refused, and another photo of the
// same receipt (its number) is rejected as a duplicate.
func TestUploadReadApproveEarn(t *testing.T) {
	b := setup(t)
	alice, bob := b.customer(t), b.customer(t)
	img := photo(t, "全家便利店（南京西路店）", "2026-12-01 14:32", "20261201031588", "168.00", ocrtest.PNG)

	r, created, err := b.svc.Upload(ctx, b.tn.ID, alice, img)
	require.NoError(t, err)
	require.True(t, created)
	require.Equal(t, receipts.Pending, r.Status)
	kept, ct, err := b.blobs.Get(ctx, b.tn.ID, r.ImageKey)
	require.NoError(t, err)
	require.Equal(t, img, kept)
	require.Equal(t, "image/png", ct)

	again, created, err := b.svc.Upload(ctx, b.tn.ID, alice, img)
	require.NoError(t, err)
	require.False(t, created, "the same photo again is the receipt it made")
	require.Equal(t, r.ID, again.ID)
	_, _, err = b.svc.Upload(ctx, b.tn.ID, bob, img)
	require.ErrorIs(t, err, app.ErrDuplicateImage)

	require.Equal(t, 1, b.work(t, "receipt_read"))
	got := b.get(t, r.ID)
	require.Equal(t, receipts.Approved, got.Status, "flags %v, text:\n%s", got.Flags, got.Text)
	require.Equal(t, int64(16800), got.Fields.AmountFen)
	require.Equal(t, "20261201031588", got.Fields.Number)
	require.Equal(t, "SH-NJW", got.StoreCode)
	require.True(t, got.Fields.Date.Equal(time.Date(2026, 12, 1, 14, 32, 0, 0, shanghai)))
	require.Equal(t, "system", got.DecidedKind)
	require.Equal(t, int64(0), b.balance(t, alice), "points come with the credit job")

	require.Equal(t, 1, b.work(t, "receipt_credit"))
	got = b.get(t, r.ID)
	require.True(t, got.Credited)
	require.Equal(t, int64(168), got.Points, "a point per yuan by default")
	require.Equal(t, int64(168), b.balance(t, alice))
	// The job again (River delivers at least once), and the read job again: nothing more.
	require.NoError(t, b.svc.Credit(ctx, app.CreditArgs{TenantID: b.tn.ID.UUID(), ReceiptID: r.ID}))
	require.NoError(t, b.svc.Read(ctx, app.ReadArgs{TenantID: b.tn.ID.UUID(), ReceiptID: r.ID}))
	require.Equal(t, int64(168), b.balance(t, alice))

	// Bob photographs the same receipt himself (another photo: JPEG): its number was approved.
	dup, created, err := b.svc.Upload(ctx, b.tn.ID, bob, photo(t, "全家便利店（南京西路店）", "2026-12-01 14:32", "20261201031588", "168.00", ocrtest.JPEG))
	require.NoError(t, err)
	require.True(t, created)
	require.Equal(t, 1, b.work(t, "receipt_read"))
	got = b.get(t, dup.ID)
	require.Equal(t, receipts.Rejected, got.Status)
	require.Equal(t, receipts.ReasonDuplicate, got.Reason)
	require.Equal(t, []receipts.Flag{receipts.FlagDuplicateNumber}, got.Flags)
	require.Equal(t, 0, b.work(t, "receipt_credit"))
	require.Equal(t, int64(0), b.balance(t, bob))
	require.Equal(t, []string{receipts.TypeApproved, receipts.TypeRejected}, b.events(t))

	mine, err := b.svc.List(ctx, b.tn.ID, app.Query{Customer: alice}, ports.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, mine, 1)
	_, err = b.svc.Mine(ctx, b.tn.ID, alice, dup.ID)
	require.ErrorIs(t, err, app.ErrNotFound, "another customer's receipt")
}

// TestReviewQueue: a stale receipt and one of an unknown store wait for an admin; the admin
// rejects one with a reason and approves the other with the amount corrected, audited; a
// decided receipt is not decided again, however many admins try at once.
func TestReviewQueue(t *testing.T) {
	b := setup(t)
	alice := b.customer(t)
	stale, _, err := b.svc.Upload(ctx, b.tn.ID, alice, photo(t, "联华超市曹杨路店", "2026年11月20日 09:05", "0031-20261120-0457", "58.50", ocrtest.JPEG))
	require.NoError(t, err)
	unknown, _, err := b.svc.Upload(ctx, b.tn.ID, alice, photo(t, "罗森便利店（淮海路店）", "2026-12-02 19:47", "LS20261202077", "36.00", ocrtest.PNG))
	require.NoError(t, err)
	require.Equal(t, 2, b.work(t, "receipt_read"))
	s := b.get(t, stale.ID)
	require.Equal(t, receipts.Pending, s.Status)
	require.Equal(t, []receipts.Flag{receipts.FlagStale}, s.Flags, "text:\n%s", s.Text)
	u := b.get(t, unknown.ID)
	require.Equal(t, receipts.Pending, u.Status)
	require.Equal(t, []receipts.Flag{receipts.FlagUnknownStore}, u.Flags, "text:\n%s", u.Text)
	n, err := b.svc.Pending(ctx, b.tn.ID)
	require.NoError(t, err)
	require.Equal(t, 2, n)

	_, err = b.svc.Reject(admin(ctx), b.tn.ID, stale.ID, "too_old", "")
	require.Equal(t, "reason", fielderr.All(err)[0].Field)
	rejected, err := b.svc.Reject(admin(ctx), b.tn.ID, stale.ID, receipts.ReasonStale, "超过7天")
	require.NoError(t, err)
	require.Equal(t, receipts.Rejected, rejected.Status)
	require.Equal(t, "user", rejected.DecidedKind)

	// Five admins approve at once: one does, the others find it decided.
	var wg sync.WaitGroup
	errs := make([]error, 5)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = b.svc.Approve(admin(ctx), b.tn.ID, unknown.ID, app.Correction{AmountFen: 3650, StoreCode: "SH-NJW"}, "门店新开")
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else {
			require.ErrorIs(t, err, app.ErrDecided)
		}
	}
	require.Equal(t, 1, ok)
	_, err = b.svc.Reject(admin(ctx), b.tn.ID, unknown.ID, receipts.ReasonOther, "")
	require.ErrorIs(t, err, app.ErrDecided)
	require.Equal(t, 1, b.work(t, "receipt_credit"))
	require.Equal(t, int64(36), b.balance(t, alice), "36.50 元 earns 36 points")

	var actions []string
	rows, err := b.super.Query(ctx, `SELECT action || ':' || coalesce(reason, '') FROM audit_log WHERE tenant_id = $1 AND target_type = 'receipt' ORDER BY seq`, b.tn.ID.UUID())
	require.NoError(t, err)
	actions, err = pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Equal(t, []string{"receipt.reject:stale", "receipt.approve:门店新开"}, actions)
}

// TestBadPhotos: what is not a photo, a cut-off one, a tiny one and an oversized one are
// refused naming the image, and nothing is kept.
func TestBadPhotos(t *testing.T) {
	b := setup(t)
	alice := b.customer(t)
	good := photo(t, "全家便利店", "2026-12-01", "1234", "1.00", ocrtest.PNG)
	tiny, err := ocrtest.Render(nil, ocrtest.PNG)
	require.NoError(t, err)
	big := append([]byte{0xff, 0xd8, 0xff, 0xe0}, make([]byte, app.MaxImageBytes)...)
	for name, c := range map[string]struct {
		data []byte
		want error
	}{
		"text":      {[]byte("/etc/passwd\n"), app.ErrNotAnImage},
		"pdf":       {[]byte("%PDF-1.7\n..."), app.ErrNotAnImage},
		"cut off":   {good[:len(good)/2], app.ErrNotAnImage},
		"too small": {tiny, app.ErrImageSize},
		"oversized": {big, app.ErrImageTooLarge},
		"empty":     {nil, app.ErrNotAnImage},
	} {
		_, _, err := b.svc.Upload(ctx, b.tn.ID, alice, c.data)
		require.ErrorIs(t, err, c.want, name)
		fe := fielderr.All(err)
		require.Len(t, fe, 1, name)
		require.Equal(t, "image", fe[0].Field, name)
	}
	_, _, err = b.svc.Upload(ctx, b.tn.ID, uuid.New(), good)
	require.ErrorIs(t, err, ports.ErrCustomerNotFound)
	var count int
	require.NoError(t, b.super.QueryRow(ctx, `SELECT count(*) FROM receipts`).Scan(&count))
	require.Zero(t, count)
	files, err := filepath.Glob(filepath.Join(b.blobs.Dir, "tenants", "*", "receipts", "*", "*"))
	require.NoError(t, err)
	require.Empty(t, files, "no photo kept")
}

// TestKnownStoresFromTheBrandsData: a brand whose receipt rules list no stores knows those its
// own data names, as the customers module knows them (purchases' stores, preferred stores).
func TestKnownStoresFromTheBrandsData(t *testing.T) {
	b := setup(t)
	require.NoError(t, b.svc.SetSettings(ctx, b.tn.ID, receipts.Settings{AutoApprove: true, MaxAgeDays: 7, MinAmountFen: 100}))
	alice := b.customer(t)
	amount := int64(2000)
	_, err := b.points.EarnPurchase(ctx, b.tn.ID, points.Purchase{ID: "pos-1", Customer: alice, AmountFen: amount,
		OccurredAt: time.Date(2026, 12, 1, 9, 0, 0, 0, shanghai), Store: "联华超市曹杨路店", Items: []event.Item{{SKU: "rice", Quantity: 1}}})
	require.NoError(t, err)
	r, _, err := b.svc.Upload(ctx, b.tn.ID, alice, photo(t, "联华超市 曹杨路店", "2026-12-02 10:15", "0031-20261202-0001", "20.00", ocrtest.PNG))
	require.NoError(t, err)
	require.Equal(t, 1, b.work(t, "receipt_read"))
	got := b.get(t, r.ID)
	require.Equal(t, receipts.Approved, got.Status, "flags %v, text:\n%s", got.Flags, got.Text)
	require.Equal(t, "联华超市曹杨路店", got.StoreCode)
}

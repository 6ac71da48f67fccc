// Package receipts is the use cases of receipt scanning: a customer uploads a photo of a
// receipt from the Mini Program; it is kept in the blob store and a job reads it with OCR in
// the background, parses its store, amount, date and number, and checks it against the
// brand's rules: a duplicate is rejected, a receipt that passes every check is approved when
// the brand approves automatically, and the others wait for an admin, who approves (with the
// fields corrected where OCR misread them) or rejects with a reason. An approved receipt earns
// points as a purchase through the points module's till, once.
package receipts

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // photos from phones
	_ "image/png"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	_ "golang.org/x/image/webp" // WeChat's compressed images

	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/receipts"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Limits of an upload.
const (
	// MaxImageBytes bounds a photo's size.
	MaxImageBytes = 8 << 20
	// MinImageSide and MaxImageSide bound its width and height, in pixels; MaxImagePixels its area.
	MinImageSide   = 200
	MaxImageSide   = 10_000
	MaxImagePixels = 40_000_000
	// MaxNote bounds an admin's note, in characters.
	MaxNote = 500
)

// ImageTypes are the photo types accepted, sniffed from their bytes.
var ImageTypes = []string{"image/jpeg", "image/png", "image/webp"}

// Errors of the receipt use cases.
var (
	// ErrImageTooLarge refuses a photo over MaxImageBytes.
	ErrImageTooLarge = fmt.Errorf("the photo is larger than %d MB", MaxImageBytes>>20)
	// ErrNotAnImage refuses bytes that are not a JPEG, PNG or WebP image that decodes.
	ErrNotAnImage = errors.New("not a JPEG, PNG or WebP photo that can be read")
	// ErrImageSize refuses a photo too small to read or too large to process.
	ErrImageSize = fmt.Errorf("the photo must be %d to %d pixels wide and high", MinImageSide, MaxImageSide)
	// ErrDuplicateImage refuses a photo another customer of the brand uploaded already.
	ErrDuplicateImage = errors.New("this receipt was uploaded already")
	// ErrDecided refuses a decision on a receipt approved or rejected before.
	ErrDecided = errors.New("this receipt was decided already")
	// ErrNumberApproved refuses approving a receipt whose store and number were approved on
	// another receipt.
	ErrNumberApproved = errors.New("a receipt with this store and number was approved already")
)

// Deps are what the service needs.
type Deps struct {
	Tx        ports.Transactor
	Locals    ports.TxLocals
	Repo      Repository
	Blobs     ports.Blobs
	OCR       ports.OCR
	Jobs      ports.JobScheduler
	Publisher ports.EventPublisher
	Audit     ports.AuditLog
	Tenants   *tenants.Directory
	Clock     ports.Clock
	Earner    Earner
	// KnownStores reads the stores the brand's data names (its events' stores and its
	// customers' preferred stores), the known stores of a brand whose settings list none; nil
	// for none.
	KnownStores KnownStores
}

// KnownStores reads the values of a brand's data: the customers module's segment values,
// whose "store" list is the stores its events and customers name. It reads only the lists named.
type KnownStores interface {
	Values(ctx context.Context, tenant tenants.ID, names ...string) (ports.SegmentValues, error)
}

// Service runs the receipt use cases.
type Service struct {
	deps  Deps
	zones sync.Map
}

// NewService returns the service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Service{deps: d}
}

// ReadArgs asks for a receipt's photo to be read and checked.
type ReadArgs struct {
	TenantID  uuid.UUID `json:"tenant_id"`
	ReceiptID uuid.UUID `json:"receipt_id"`
}

// Kind names the job.
func (ReadArgs) Kind() string { return "receipt_read" }

// CreditArgs asks for an approved receipt's points to be earned.
type CreditArgs struct {
	TenantID  uuid.UUID `json:"tenant_id"`
	ReceiptID uuid.UUID `json:"receipt_id"`
}

// Kind names the job.
func (CreditArgs) Kind() string { return "receipt_credit" }

// Queue is the queue of receipt jobs: OCR takes a core for seconds.
const Queue = "receipts"

// location returns the brand's time zone.
func (s *Service) location(ctx context.Context, tenant tenants.ID) (*time.Location, error) {
	t, err := s.deps.Tenants.Resolve(ctx, tenant.UUID())
	if err != nil {
		return nil, err
	}
	name := t.Timezone
	if name == "" {
		name = tenants.DefaultTimezone
	}
	if loc, ok := s.zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("receipts: brand time zone: %w", err)
	}
	s.zones.Store(name, loc)
	return loc, nil
}

// CheckImage returns a photo's content type, sniffed from its bytes, or the field error of
// "image" that refuses it: too large, not an image that decodes, too small or too large.
func CheckImage(data []byte) (string, error) {
	if len(data) > MaxImageBytes {
		return "", fielderr.New("image", ErrImageTooLarge)
	}
	ct := http.DetectContentType(data)
	if !slices.Contains(ImageTypes, ct) {
		return "", fielderr.New("image", ErrNotAnImage)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || "image/"+format != ct {
		return "", fielderr.New("image", ErrNotAnImage)
	}
	if cfg.Width < MinImageSide || cfg.Height < MinImageSide || cfg.Width > MaxImageSide || cfg.Height > MaxImageSide ||
		cfg.Width*cfg.Height > MaxImagePixels {
		return "", fielderr.New("image", ErrImageSize)
	}
	// The header can be whole and the rest cut off: only a photo that decodes is kept.
	if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
		return "", fielderr.New("image", ErrNotAnImage)
	}
	return ct, nil
}

// Upload keeps a customer's photo of a receipt and queues it to be read, in the transaction
// that stores it. The same photo uploaded again by the same customer returns the receipt it
// made (created false); by another customer of the brand it is ErrDuplicateImage. A photo
// CheckImage refuses changes nothing.
func (s *Service) Upload(ctx context.Context, tenant tenants.ID, customer uuid.UUID, data []byte) (receipts.Receipt, bool, error) {
	ct, err := CheckImage(data)
	if err != nil {
		return receipts.Receipt{}, false, err
	}
	sum := sha256.Sum256(data)
	existing := func(ctx context.Context) (receipts.Receipt, bool, error) {
		r, ok, err := s.deps.Repo.ByImage(ctx, sum[:])
		if err != nil || !ok {
			return r, ok, err
		}
		if r.Customer != customer {
			return receipts.Receipt{}, true, ErrDuplicateImage
		}
		return r, true, nil
	}
	got, err := ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (found, error) {
		r, ok, err := existing(ctx)
		return found{r, ok}, err
	})
	if err != nil || got.ok {
		return got.r, false, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return receipts.Receipt{}, false, err
	}
	ext := strings.TrimPrefix(ct, "image/")
	now := s.deps.Clock.Now()
	r := receipts.Receipt{ID: id, Customer: customer, Status: receipts.Pending, ContentType: ct, ImageBytes: len(data),
		ImageHash: sum[:], ImageKey: fmt.Sprintf("receipts/%s/%s.%s", now.UTC().Format("2006-01"), id, ext), CreatedAt: now}
	// The photo is kept before the row that names it: a failed transaction leaves a photo no
	// receipt names, never a receipt without its photo.
	if err := s.deps.Blobs.Put(ctx, tenant, r.ImageKey, data, ct); err != nil {
		return receipts.Receipt{}, false, fmt.Errorf("receipts: keep photo: %w", err)
	}
	for attempt := 0; ; attempt++ {
		out, err := ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (found, error) {
			if err := s.deps.Repo.Insert(ctx, r); err != nil {
				return found{}, err
			}
			return found{r, false}, s.deps.Jobs.Enqueue(ctx, ReadArgs{TenantID: tenant.UUID(), ReceiptID: id}, ports.JobOptions{Queue: Queue})
		})
		if errors.Is(err, ErrImageTaken) && attempt == 0 {
			_ = s.deps.Blobs.Delete(ctx, tenant, r.ImageKey)
			got, err := ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (found, error) {
				r, ok, err := existing(ctx)
				return found{r, ok}, err
			})
			if err == nil && !got.ok {
				continue
			}
			return got.r, false, err
		}
		if err != nil {
			_ = s.deps.Blobs.Delete(ctx, tenant, r.ImageKey)
			return receipts.Receipt{}, false, err
		}
		return out.r, true, nil
	}
}

type found struct {
	r  receipts.Receipt
	ok bool
}

// Read is the job that reads a receipt's photo with OCR, parses it and decides it by the
// brand's checks (receipts.Settings.Decide). A receipt read or decided before is left as it
// is, so a retried job changes nothing. OCR runs outside any transaction; an image OCR cannot
// read waits for an admin (flag ocr_failed); other OCR errors fail the job, to be retried.
func (s *Service) Read(ctx context.Context, args ReadArgs) error {
	t, err := s.deps.Tenants.Resolve(ctx, args.TenantID)
	if err != nil {
		return err
	}
	r, err := ports.ReadInTenant(ctx, s.deps.Tx, t.ID, func(ctx context.Context) (receipts.Receipt, error) {
		return s.deps.Repo.Get(ctx, args.ReceiptID, false)
	})
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil || r.Read || r.Status != receipts.Pending {
		return err
	}
	loc, err := s.location(ctx, t.ID)
	if err != nil {
		return err
	}
	data, _, err := s.deps.Blobs.Get(ctx, t.ID, r.ImageKey)
	if err != nil {
		return fmt.Errorf("receipts: photo of %s: %w", r.ID, err)
	}
	text, err := s.deps.OCR.Read(ctx, data)
	unreadable := errors.Is(err, ports.ErrOCRUnreadable)
	if err != nil && !unreadable {
		return err
	}
	fields := receipts.Parse(text, loc)
	var known []receipts.Store
	if s.deps.KnownStores != nil {
		values, err := s.deps.KnownStores.Values(ctx, t.ID, "store")
		if err != nil {
			return err
		}
		for _, v := range values["store"] {
			known = append(known, receipts.Store{Code: v, Name: v})
		}
	}
	return ports.InTenantRetrying(ctx, s.deps.Tx, t.ID, func(ctx context.Context) error {
		r, err := s.deps.Repo.Get(ctx, args.ReceiptID, true)
		if err != nil || r.Read || r.Status != receipts.Pending {
			return err
		}
		settings, err := s.deps.Repo.Settings(ctx)
		if err != nil {
			return err
		}
		if len(settings.Stores) == 0 {
			// A brand that lists no stores knows those its own data names.
			settings.Stores = known
		}
		now := s.deps.Clock.Now()
		r.Text, r.Read, r.ReadAt, r.Fields = text, true, now, fields
		if unreadable {
			r.Flags = []receipts.Flag{receipts.FlagOCRFailed}
			return s.deps.Repo.Update(ctx, r)
		}
		// The store a receipt is from decides which numbers it may not repeat.
		store, _ := settings.StoreOf(fields.Store)
		dup := false
		if fields.Number != "" {
			if dup, err = s.deps.Repo.NumberApproved(ctx, store.Code, fields.Number, r.ID); err != nil {
				return err
			}
		}
		c := settings.Decide(fields, dup, now, loc)
		r.Flags, r.StoreCode = c.Flags, c.StoreCode
		switch c.Status {
		case receipts.Approved:
			return s.approve(ctx, t.ID, r, now)
		case receipts.Rejected:
			r.Status, r.Reason = receipts.Rejected, c.Reason
			return s.decide(ctx, r, now)
		}
		return s.deps.Repo.Update(ctx, r)
	})
}

// approve records r approved at now, publishes it and enqueues its earning, in the caller's
// transaction.
func (s *Service) approve(ctx context.Context, tenant tenants.ID, r receipts.Receipt, now time.Time) error {
	r.Status, r.PurchaseID = receipts.Approved, PurchaseID(r.ID)
	if err := s.decide(ctx, r, now); err != nil {
		return err
	}
	return s.deps.Jobs.Enqueue(ctx, CreditArgs{TenantID: tenant.UUID(), ReceiptID: r.ID}, ports.JobOptions{Queue: Queue})
}

// decide saves r's decision by the request's actor at now and publishes it.
func (s *Service) decide(ctx context.Context, r receipts.Receipt, now time.Time) error {
	a := ports.ActorFrom(ctx)
	r.DecidedKind, r.DecidedBy, r.DecidedAt = string(a.Kind), a.ID, now
	if err := s.deps.Repo.Update(ctx, r); err != nil {
		return err
	}
	typ, data := receipts.DecidedBy(r)
	return s.deps.Publisher.Publish(ctx, typ, data)
}

// PurchaseID is the purchase an approved receipt earns points as, in the activity stream.
func PurchaseID(receipt uuid.UUID) string { return "receipt-" + receipt.String() }

// Credit is the job that earns an approved receipt's points through the points module's till,
// under the receipt's purchase ID (so once, however often it runs), and records what it earned.
func (s *Service) Credit(ctx context.Context, args CreditArgs) error {
	t, err := s.deps.Tenants.Resolve(ctx, args.TenantID)
	if err != nil {
		return err
	}
	r, err := ports.ReadInTenant(ctx, s.deps.Tx, t.ID, func(ctx context.Context) (receipts.Receipt, error) {
		return s.deps.Repo.Get(ctx, args.ReceiptID, false)
	})
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil || r.Status != receipts.Approved || r.Credited {
		return err
	}
	at := r.Fields.Date
	if now := s.deps.Clock.Now(); at.After(now) {
		at = now
	}
	if at.Before(event.Earliest) {
		at = event.Earliest
	}
	amount := r.Fields.AmountFen
	earning, err := s.deps.Earner.EarnPurchase(ctx, t.ID, points.Purchase{ID: r.PurchaseID, Customer: r.Customer, AmountFen: amount,
		OccurredAt: at, Channel: "mini_program", Store: r.StoreCode,
		Items: []event.Item{{SKU: "receipt", Category: "receipt", Quantity: 1, PriceFen: &amount}}})
	if err != nil {
		return fmt.Errorf("receipts: earn %s: %w", r.ID, err)
	}
	var earned int64
	for _, w := range earning.Wallets {
		if w.Wallet == ledger.Points {
			earned += w.Points + w.Pending
		}
	}
	return ports.InTenantRetrying(ctx, s.deps.Tx, t.ID, func(ctx context.Context) error {
		r, err := s.deps.Repo.Get(ctx, args.ReceiptID, true)
		if err != nil || r.Credited {
			return err
		}
		r.Points, r.Credited = earned, true
		return s.deps.Repo.Update(ctx, r)
	})
}

// Correction is what an admin approving a receipt sets where OCR misread it; zero fields keep
// what was read.
type Correction struct {
	Store     string
	StoreCode string
	AmountFen int64
	Date      time.Time
	Number    string
}

// Approve approves a pending receipt by hand, with what the admin corrected, audited with the
// note; it then earns points as a purchase (a job, at once). A receipt decided before is
// ErrDecided; one without an amount or date (read or corrected) is a field error; one whose
// store and number were approved on another receipt ErrNumberApproved.
func (s *Service) Approve(ctx context.Context, tenant tenants.ID, id uuid.UUID, c Correction, note string) (receipts.Receipt, error) {
	if err := checkCorrection(c, note); err != nil {
		return receipts.Receipt{}, err
	}
	loc, err := s.location(ctx, tenant)
	if err != nil {
		return receipts.Receipt{}, err
	}
	return ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (receipts.Receipt, error) {
		r, err := s.deps.Repo.Get(ctx, id, true)
		if err != nil {
			return r, err
		}
		if r.Status != receipts.Pending {
			return r, ErrDecided
		}
		before := auditView(r)
		settings, err := s.deps.Repo.Settings(ctx)
		if err != nil {
			return r, err
		}
		if c.Store != "" {
			r.Fields.Store = c.Store
		}
		if c.AmountFen != 0 {
			r.Fields.AmountFen = c.AmountFen
		}
		if !c.Date.IsZero() {
			d := c.Date.In(loc)
			r.Fields.Date = time.Date(d.Year(), d.Month(), d.Day(), d.Hour(), d.Minute(), d.Second(), 0, loc)
		}
		if c.Number != "" {
			r.Fields.Number = strings.ToUpper(c.Number)
		}
		switch {
		case c.StoreCode != "":
			if !slices.ContainsFunc(settings.Stores, func(st receipts.Store) bool { return st.Code == c.StoreCode }) {
				return r, fielderr.Errorf("store_code", "one of the brand's stores in the receipt settings")
			}
			r.StoreCode = c.StoreCode
		case r.StoreCode == "":
			if st, ok := settings.StoreOf(r.Fields.Store); ok {
				r.StoreCode = st.Code
			}
		}
		var errs []error
		if r.Fields.AmountFen <= 0 {
			errs = append(errs, fielderr.Errorf("amount_fen", "required: no amount was read from the photo"))
		}
		if r.Fields.Date.IsZero() {
			errs = append(errs, fielderr.Errorf("date", "required: no date was read from the photo"))
		}
		if err := errors.Join(errs...); err != nil {
			return r, err
		}
		if r.Fields.Number != "" {
			dup, err := s.deps.Repo.NumberApproved(ctx, r.StoreCode, r.Fields.Number, r.ID)
			if err != nil {
				return r, err
			}
			if dup {
				return r, ErrNumberApproved
			}
		}
		now := s.deps.Clock.Now()
		r.Note = note
		if err := s.approve(ctx, tenant, r, now); err != nil {
			return r, err
		}
		r, err = s.deps.Repo.Get(ctx, id, false)
		if err != nil {
			return r, err
		}
		return r, s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "receipt.approve", TargetType: "receipt", TargetID: id.String(),
			Before: before, After: auditView(r), Reason: note})
	})
}

// Reject rejects a pending receipt with a reason the customer is told and a note, audited. A
// receipt decided before is ErrDecided.
func (s *Service) Reject(ctx context.Context, tenant tenants.ID, id uuid.UUID, reason receipts.Reason, note string) (receipts.Receipt, error) {
	var errs []error
	if !receipts.ValidReason(reason) {
		errs = append(errs, fielderr.Errorf("reason", "one of %v", receipts.Reasons))
	}
	if err := checkNote(note); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return receipts.Receipt{}, err
	}
	return ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (receipts.Receipt, error) {
		r, err := s.deps.Repo.Get(ctx, id, true)
		if err != nil {
			return r, err
		}
		if r.Status != receipts.Pending {
			return r, ErrDecided
		}
		before := auditView(r)
		r.Status, r.Reason, r.Note = receipts.Rejected, reason, note
		if err := s.decide(ctx, r, s.deps.Clock.Now()); err != nil {
			return r, err
		}
		r, err = s.deps.Repo.Get(ctx, id, false)
		if err != nil {
			return r, err
		}
		return r, s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "receipt.reject", TargetType: "receipt", TargetID: id.String(),
			Before: before, After: auditView(r), Reason: string(reason)})
	})
}

func checkCorrection(c Correction, note string) error {
	var errs []error
	if c.AmountFen < 0 || c.AmountFen > receipts.MaxAmountLimit {
		errs = append(errs, fielderr.Errorf("amount_fen", "1 to %d fen", int64(receipts.MaxAmountLimit)))
	}
	if !c.Date.IsZero() && c.Date.Before(event.Earliest) {
		errs = append(errs, fielderr.Errorf("date", "not before %s", event.Earliest.Format(time.DateOnly)))
	}
	for field, v := range map[string]string{"store": c.Store, "store_code": c.StoreCode} {
		if !text(v, 100) {
			errs = append(errs, fielderr.Errorf(field, "at most 100 characters, no control characters"))
		}
	}
	if c.Number != "" && (utf8.RuneCountInString(c.Number) > 40 || strings.ContainsFunc(c.Number, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '-')
	})) {
		errs = append(errs, fielderr.Errorf("number", "1-40 letters, digits and dashes"))
	}
	if err := checkNote(note); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func checkNote(note string) error {
	if !text(note, MaxNote) {
		return fielderr.Errorf("note", "at most %d characters, no control characters", MaxNote)
	}
	return nil
}

func text(s string, max int) bool {
	return utf8.ValidString(s) && utf8.RuneCountInString(s) <= max &&
		!strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' })
}

// auditView is a receipt as the audit trail records it.
func auditView(r receipts.Receipt) map[string]any {
	m := map[string]any{"status": string(r.Status), "store": r.Fields.Store, "store_code": r.StoreCode, "amount_fen": r.Fields.AmountFen,
		"number": r.Fields.Number, "customer_id": r.Customer.String()}
	if !r.Fields.Date.IsZero() {
		m["date"] = r.Fields.Date.Format(time.RFC3339)
	}
	if r.Reason != "" {
		m["reason"] = string(r.Reason)
	}
	return m
}

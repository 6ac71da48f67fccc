package pointsdb

import (
	"context"
	"encoding/json"
	"errors"
	"hash/fnv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	app "github.com/engagehq/engage/application/points/receipts"
	"github.com/engagehq/engage/domain/points/receipts"
	"github.com/engagehq/engage/ports"
)

// Receipts keeps receipts and the brands' receipt settings in the tenant transaction.
type Receipts struct{}

var _ app.Repository = Receipts{}

const receiptColumns = `id, customer_id, status, coalesce(image_key, ''), image_hash, content_type, image_bytes, ocr_text, read_at,
	coalesce(store, ''), coalesce(store_code, ''), coalesce(amount_fen, 0), receipt_at, coalesce(number, ''), flags,
	coalesce(reason, ''), coalesce(note, ''), coalesce(decided_kind, ''), coalesce(decided_by, ''), decided_at,
	coalesce(purchase_id, ''), coalesce(points, 0), credited_at, created_at`

func scanReceipt(row pgx.CollectableRow) (receipts.Receipt, error) {
	var r receipts.Receipt
	var text *string
	var readAt, date, decidedAt, creditedAt *time.Time
	var flags []string
	if err := row.Scan(&r.ID, &r.Customer, &r.Status, &r.ImageKey, &r.ImageHash, &r.ContentType, &r.ImageBytes, &text, &readAt,
		&r.Fields.Store, &r.StoreCode, &r.Fields.AmountFen, &date, &r.Fields.Number, &flags, &r.Reason, &r.Note, &r.DecidedKind,
		&r.DecidedBy, &decidedAt, &r.PurchaseID, &r.Points, &creditedAt, &r.CreatedAt); err != nil {
		return r, err
	}
	if text != nil {
		r.Text = *text
	}
	if readAt != nil {
		r.Read, r.ReadAt = true, *readAt
	}
	if date != nil {
		r.Fields.Date = *date
	}
	if decidedAt != nil {
		r.DecidedAt = *decidedAt
	}
	r.Credited = creditedAt != nil
	for _, f := range flags {
		r.Flags = append(r.Flags, receipts.Flag(f))
	}
	return r, nil
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nullInt(n int64) *int64 {
	if n == 0 {
		return nil
	}
	return &n
}

// Insert implements app.Repository.
func (Receipts) Insert(ctx context.Context, r receipts.Receipt) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO receipts (tenant_id, id, customer_id, status, image_key, image_hash, content_type, image_bytes, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		tenant.UUID(), r.ID, r.Customer, string(r.Status), r.ImageKey, r.ImageHash, r.ContentType, r.ImageBytes, r.CreatedAt)
	if postgres.IsUniqueViolation(err, "receipts_image") {
		return app.ErrImageTaken
	}
	return customerMissing(err)
}

func (Receipts) one(ctx context.Context, sql string, args ...any) (receipts.Receipt, bool, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return receipts.Receipt{}, false, err
	}
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return receipts.Receipt{}, false, err
	}
	r, err := pgx.CollectExactlyOneRow(rows, scanReceipt)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, false, nil
	}
	return r, err == nil, err
}

// ByImage implements app.Repository.
func (s Receipts) ByImage(ctx context.Context, hash []byte) (receipts.Receipt, bool, error) {
	return s.one(ctx, `SELECT `+receiptColumns+` FROM receipts WHERE image_hash = $1`, hash)
}

// Get implements app.Repository.
func (s Receipts) Get(ctx context.Context, id uuid.UUID, lock bool) (receipts.Receipt, error) {
	sql := `SELECT ` + receiptColumns + ` FROM receipts WHERE id = $1`
	if lock {
		sql += ` FOR UPDATE`
	}
	r, ok, err := s.one(ctx, sql, id)
	if err == nil && !ok {
		err = app.ErrNotFound
	}
	return r, err
}

// Update implements app.Repository.
func (Receipts) Update(ctx context.Context, r receipts.Receipt) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	flags := make([]string, len(r.Flags))
	for i, f := range r.Flags {
		flags[i] = string(f)
	}
	var text *string
	var readAt *time.Time
	if r.Read {
		text, readAt = &r.Text, &r.ReadAt
	}
	var credited *time.Time
	if r.Credited {
		now := time.Now()
		credited = &now
	}
	tag, err := q.Exec(ctx, `UPDATE receipts SET status = $2, ocr_text = $3, read_at = $4, store = $5, store_code = $6, amount_fen = $7,
			receipt_at = $8, number = $9, flags = $10, reason = $11, note = $12, decided_kind = $13, decided_by = $14, decided_at = $15,
			purchase_id = $16, points = CASE WHEN $17::bool THEN $18::bigint END, credited_at = coalesce(credited_at, $19)
		WHERE id = $1`,
		r.ID, string(r.Status), text, readAt, nullString(r.Fields.Store), nullString(r.StoreCode), nullInt(r.Fields.AmountFen),
		nullTime(r.Fields.Date), nullString(r.Fields.Number), flags, nullString(string(r.Reason)), nullString(r.Note),
		nullString(r.DecidedKind), nullString(r.DecidedBy), nullTime(r.DecidedAt), nullString(r.PurchaseID), r.Credited, r.Points, credited)
	if postgres.IsUniqueViolation(err, "receipts_number_approved") {
		return app.ErrNumberApproved
	}
	if err == nil && tag.RowsAffected() == 0 {
		return app.ErrNotFound
	}
	return err
}

// NumberApproved implements app.Repository.
func (Receipts) NumberApproved(ctx context.Context, store, number string, except uuid.UUID) (bool, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return false, err
	}
	h := fnv.New64a()
	h.Write([]byte(store + "\x00" + number))
	// The lock is the tenant's: advisory locks are database-wide, so the key mixes in the
	// tenant through hashtext of the setting.
	if _, err := q.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext(current_setting('app.tenant_id')), $1::int)`, int32(h.Sum64())); err != nil {
		return false, err
	}
	var taken bool
	err = q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM receipts WHERE status = 'approved' AND coalesce(store_code, '') = $1 AND number = $2
		AND id <> $3)`, store, number, except).Scan(&taken)
	return taken, err
}

// List implements app.Repository.
func (Receipts) List(ctx context.Context, query app.Query, page ports.Page) ([]receipts.Receipt, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	var w postgres.Where
	if query.Customer != uuid.Nil {
		w.And("customer_id = $1", query.Customer)
	}
	if query.Status != "" {
		w.And("status = $1", string(query.Status))
	}
	if page.After != "" {
		after, err := uuid.Parse(page.After)
		if err != nil {
			return nil, ports.ErrBadCursor
		}
		w.And("id < $1", after)
	}
	rows, err := q.Query(ctx, `SELECT `+receiptColumns+` FROM receipts WHERE `+w.String()+` ORDER BY id DESC LIMIT `+w.Arg(page.Limit), w.Args()...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanReceipt)
}

// Count implements app.Repository.
func (Receipts) Count(ctx context.Context, status receipts.Status) (int, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return 0, err
	}
	var n int
	err = q.QueryRow(ctx, `SELECT count(*) FROM receipts WHERE status = $1`, string(status)).Scan(&n)
	return n, err
}

// Settings implements app.Repository.
func (Receipts) Settings(ctx context.Context) (receipts.Settings, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return receipts.Settings{}, err
	}
	var s receipts.Settings
	var stores []byte
	err = q.QueryRow(ctx, `SELECT auto_approve, max_age_days, min_amount_fen, max_amount_fen, auto_approve_max_fen, stores
		FROM receipt_settings`).Scan(&s.AutoApprove, &s.MaxAgeDays, &s.MinAmountFen, &s.MaxAmountFen, &s.AutoApproveMaxFen, &stores)
	if errors.Is(err, pgx.ErrNoRows) {
		return receipts.Defaults(), nil
	}
	if err != nil {
		return s, err
	}
	return s, json.Unmarshal(stores, &s.Stores)
}

// PutSettings implements app.Repository.
func (Receipts) PutSettings(ctx context.Context, s receipts.Settings) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	stores, err := json.Marshal(s.Stores)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO receipt_settings (tenant_id, auto_approve, max_age_days, min_amount_fen, max_amount_fen,
			auto_approve_max_fen, stores) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (tenant_id) DO UPDATE SET auto_approve = $2, max_age_days = $3, min_amount_fen = $4, max_amount_fen = $5,
			auto_approve_max_fen = $6, stores = $7, updated_at = now()`,
		tenant.UUID(), s.AutoApprove, s.MaxAgeDays, s.MinAmountFen, s.MaxAmountFen, s.AutoApproveMaxFen, stores)
	return err
}

// Move implements app.Repository.
func (Receipts) Move(ctx context.Context, from, into uuid.UUID) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `UPDATE receipts SET customer_id = $2 WHERE customer_id = $1`, from, into)
	return err
}

// Erase implements app.Repository.
func (Receipts) Erase(ctx context.Context, customer uuid.UUID) ([]string, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `UPDATE receipts r SET image_key = NULL, ocr_text = CASE WHEN r.ocr_text IS NULL THEN NULL ELSE '' END
		FROM receipts old WHERE old.tenant_id = r.tenant_id AND old.id = r.id AND r.customer_id = $1 AND old.image_key IS NOT NULL
		RETURNING old.image_key`, customer)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// OfCustomer implements app.Repository.
func (Receipts) OfCustomer(ctx context.Context, customer uuid.UUID) ([]receipts.Receipt, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+receiptColumns+` FROM receipts WHERE customer_id = $1 ORDER BY id`, customer)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanReceipt)
}

package customersdb

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/ports"
)

// Customers implements ports.CustomerRepository.
type Customers struct{}

var _ ports.CustomerRepository = Customers{}

const customerColumns = `id, coalesce(external_id, ''), name, gender, birth_date, coalesce(phone, ''), coalesce(email, ''),
	coalesce(avatar_url, ''), address, language, preferred_store, city, region, consents, attributes, created_at, updated_at,
	lifecycle_stage, lifecycle_since`

func scanCustomer(row pgx.Row) (customer.Customer, error) {
	var (
		c                        customer.Customer
		address, consents, attrs []byte
	)
	err := row.Scan(&c.ID, &c.ExternalID, &c.Name, &c.Gender, &c.BirthDate, &c.Phone, &c.Email, &c.AvatarURL, &address,
		&c.Language, &c.PreferredStore, &c.City, &c.Region, &consents, &attrs, &c.CreatedAt, &c.UpdatedAt,
		&c.LifecycleStage, &c.LifecycleSince)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, ports.ErrCustomerNotFound
	}
	if err != nil {
		return c, err
	}
	return c, errors.Join(json.Unmarshal(address, &c.Address), json.Unmarshal(consents, &c.Consents), json.Unmarshal(attrs, &c.Attributes))
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func customerArgs(c customer.Customer) ([]any, error) {
	address, err := json.Marshal(c.Address)
	if err != nil {
		return nil, err
	}
	consents, err := json.Marshal(c.Consents)
	if err != nil {
		return nil, err
	}
	attrs, err := json.Marshal(c.Attributes)
	if err != nil {
		return nil, err
	}
	return []any{c.ID, nullable(c.ExternalID), c.Name, c.Gender, c.BirthDate, nullable(c.Phone), nullable(c.Email),
		nullable(c.AvatarURL), string(address), c.Language, c.PreferredStore, c.City, c.Region, string(consents), string(attrs)}, nil
}

func customerConflict(err error) error {
	switch {
	case postgres.IsUniqueViolation(err, "customers_phone"):
		return ports.ErrPhoneTaken
	case postgres.IsUniqueViolation(err, "customers_external_id"):
		return ports.ErrExternalIDTaken
	case isCheckViolation(err, "customers_erased_no_personal_data"):
		return ports.ErrCustomerErased
	}
	return err
}

// Insert implements ports.CustomerRepository.
func (Customers) Insert(ctx context.Context, c customer.Customer) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	args, err := customerArgs(c)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO customers (tenant_id, id, external_id, name, gender, birth_date, phone, email, avatar_url,
		address, language, preferred_store, city, region, consents, attributes)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14, $15::jsonb, $16::jsonb)`, append([]any{tenant.UUID()}, args...)...)
	return customerConflict(err)
}

// Get implements ports.CustomerRepository.
func (Customers) Get(ctx context.Context, id uuid.UUID) (customer.Customer, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return customer.Customer{}, err
	}
	return scanCustomer(q.QueryRow(ctx, `SELECT `+customerColumns+` FROM customers WHERE id = $1`, id))
}

// likePrefix escapes a search for use as a LIKE prefix.
func likePrefix(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}

// customerConditions adds the conditions of a listing's filters over the customers row "c" to w.
func customerConditions(w *postgres.Where, cq ports.CustomerQuery) {
	if s := strings.TrimSpace(cq.Search); s != "" {
		if p, err := customer.NormalisePhone(s); err == nil {
			w.And("(phone = $1 OR external_id = $2)", p, s)
		} else {
			// One parameter, used four times: names, emails, external IDs and mainland numbers by prefix.
			w.And("(name LIKE $1 OR lower(email) LIKE lower($1) OR external_id LIKE $1 OR phone LIKE '+86' || $1)", likePrefix(s))
		}
	}
	if cq.City != "" {
		w.And("city = $1", cq.City)
	}
	if cq.Tag != "" {
		w.And("EXISTS (SELECT 1 FROM customer_tags t WHERE t.tenant_id = c.tenant_id AND t.customer_id = c.id AND t.tag = $1)", cq.Tag)
	}
	if cq.Lifecycle != "" {
		w.And("lifecycle_stage = $1", string(cq.Lifecycle))
	}
	if cq.ExternalID != "" {
		w.And("external_id = $1", cq.ExternalID)
	}
}

// List implements ports.CustomerRepository.
func (Customers) List(ctx context.Context, cq ports.CustomerQuery, page ports.Page) ([]customer.Customer, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	var w postgres.Where
	customerConditions(&w, cq)
	if page.After != "" {
		after, err := uuid.Parse(page.After)
		if err != nil {
			return nil, ports.ErrBadCursor
		}
		w.And("(created_at, id) < (SELECT created_at, id FROM customers WHERE id = $1)", after)
	}
	rows, err := q.Query(ctx, `SELECT `+customerColumns+` FROM customers c WHERE `+w.String()+
		` ORDER BY created_at DESC, id DESC LIMIT `+w.Arg(page.Limit), w.Args()...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (customer.Customer, error) { return scanCustomer(r) })
}

// Update implements ports.CustomerRepository.
func (Customers) Update(ctx context.Context, id uuid.UUID, change func(*customer.Customer) error) (customer.Customer, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return customer.Customer{}, err
	}
	c, err := scanCustomer(q.QueryRow(ctx, `SELECT `+customerColumns+` FROM customers WHERE id = $1 FOR NO KEY UPDATE`, id))
	if err != nil {
		return c, err
	}
	if err := change(&c); err != nil {
		return c, err
	}
	args, err := customerArgs(c)
	if err != nil {
		return c, err
	}
	out, err := scanCustomer(q.QueryRow(ctx, `UPDATE customers SET external_id = $2, name = $3, gender = $4, birth_date = $5,
		phone = $6, email = $7, avatar_url = $8, address = $9::jsonb, language = $10, preferred_store = $11, city = $12,
		region = $13, consents = $14::jsonb, attributes = $15::jsonb, updated_at = now()
		WHERE id = $1 RETURNING `+customerColumns, args...))
	return out, customerConflict(err)
}

// AttributeDefs implements ports.AttributeDefRepository.
type AttributeDefs struct{}

var _ ports.AttributeDefRepository = AttributeDefs{}

// List implements ports.AttributeDefRepository.
func (AttributeDefs) List(ctx context.Context) ([]customer.AttributeDef, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT key, type, label, label_en, enum_values FROM customer_attribute_defs ORDER BY key`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (customer.AttributeDef, error) {
		var d customer.AttributeDef
		return d, r.Scan(&d.Key, &d.Type, &d.Label, &d.LabelEn, &d.EnumValues)
	})
}

// Replace implements ports.AttributeDefRepository.
func (AttributeDefs) Replace(ctx context.Context, defs []customer.AttributeDef) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	_, tenant, _ := postgres.TenantTx(ctx)
	if _, err := tx.Exec(ctx, `DELETE FROM customer_attribute_defs`); err != nil {
		return err
	}
	for _, d := range defs {
		values := d.EnumValues
		if values == nil {
			values = []string{}
		}
		if _, err := tx.Exec(ctx, `INSERT INTO customer_attribute_defs (tenant_id, key, type, label, label_en, enum_values)
			VALUES ($1, $2, $3, $4, $5, $6)`, tenant.UUID(), d.Key, d.Type, d.Label, d.LabelEn, values); err != nil {
			return err
		}
	}
	return nil
}

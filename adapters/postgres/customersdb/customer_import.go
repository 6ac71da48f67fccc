package customersdb

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/ports"
)

// CustomerImport implements ports.CustomerImporter with one INSERT over arrays.
type CustomerImport struct{}

var _ ports.CustomerImporter = CustomerImport{}

func nullableRef(s *string) *string {
	if *s == "" {
		return nil
	}
	return s
}

// ImportNew implements ports.CustomerImporter.
func (CustomerImport) ImportNew(ctx context.Context, cs []customer.Customer) (map[string]uuid.UUID, int, error) {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, 0, err
	}
	n := len(cs)
	var (
		ids                             = make([]uuid.UUID, n)
		external                        = make([]string, n)
		names, genders, languages       = make([]string, n), make([]string, n), make([]string, n)
		stores, cities, regions         = make([]string, n), make([]string, n), make([]string, n)
		births, created                 = make([]*time.Time, n), make([]*time.Time, n)
		phones, emails, avatars         = make([]*string, n), make([]*string, n), make([]*string, n)
		addresses, consents, attributes = make([]string, n), make([]string, n), make([]string, n)
		encode                          = func(v any) (string, error) { b, err := json.Marshal(v); return string(b), err }
	)
	for i := range cs {
		c := &cs[i]
		ids[i], external[i], names[i], genders[i], languages[i] = c.ID, c.ExternalID, c.Name, c.Gender, c.Language
		stores[i], cities[i], regions[i], births[i] = c.PreferredStore, c.City, c.Region, c.BirthDate
		if !c.CreatedAt.IsZero() {
			created[i] = &c.CreatedAt
		}
		phones[i], emails[i], avatars[i] = nullableRef(&c.Phone), nullableRef(&c.Email), nullableRef(&c.AvatarURL)
		if addresses[i], err = encode(c.Address); err != nil {
			return nil, 0, err
		}
		if consents[i], err = encode(c.Consents); err != nil {
			return nil, 0, err
		}
		if attributes[i], err = encode(c.Attributes); err != nil {
			return nil, 0, err
		}
	}
	tag, err := q.Exec(ctx, `INSERT INTO customers (tenant_id, id, external_id, name, gender, birth_date, phone, email, avatar_url,
			address, language, preferred_store, city, region, consents, attributes, created_at, updated_at)
		SELECT $1, u.id, u.external_id, u.name, u.gender, u.birth_date, u.phone, u.email, u.avatar_url,
			u.address::jsonb, u.language, u.preferred_store, u.city, u.region, u.consents::jsonb, u.attributes::jsonb,
			coalesce(u.created_at, now()), coalesce(u.created_at, now())
		FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::date[], $7::text[], $8::text[], $9::text[],
				$10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::timestamptz[])
			AS u (id, external_id, name, gender, birth_date, phone, email, avatar_url, address, language, preferred_store,
				city, region, consents, attributes, created_at)
		ON CONFLICT DO NOTHING`,
		tenant.UUID(), ids, external, names, genders, births, phones, emails, avatars, addresses, languages, stores, cities,
		regions, consents, attributes, created)
	if err != nil {
		return nil, 0, err
	}
	rows, err := q.Query(ctx, `SELECT external_id, id FROM customers WHERE external_id = ANY($1::text[])`, external)
	if err != nil {
		return nil, 0, err
	}
	out := make(map[string]uuid.UUID, n)
	var (
		ext string
		id  uuid.UUID
	)
	_, err = pgx.ForEachRow(rows, []any{&ext, &id}, func() error {
		out[ext] = id
		return nil
	})
	return out, int(tag.RowsAffected()), err
}

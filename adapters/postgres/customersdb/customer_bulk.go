package customersdb

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/ports"
)

// CustomerBulk implements ports.CustomerBulkRepository.
type CustomerBulk struct{}

var _ ports.CustomerBulkRepository = CustomerBulk{}

// ByKeys implements ports.CustomerBulkRepository.
func (CustomerBulk) ByKeys(ctx context.Context, externalIDs, phones []string) ([]customer.Customer, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+customerColumns+` FROM customers
		WHERE external_id = ANY($1::text[]) OR phone = ANY($2::text[]) ORDER BY id FOR NO KEY UPDATE`, externalIDs, phones)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (customer.Customer, error) { return scanCustomer(r) })
}

// Save implements ports.CustomerBulkRepository: one INSERT over arrays, replacing the rows
// whose IDs exist.
func (CustomerBulk) Save(ctx context.Context, cs []customer.Customer) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	cols := make([][]any, 15)
	for i := range cols {
		cols[i] = make([]any, len(cs))
	}
	for i, c := range cs {
		args, err := customerArgs(c)
		if err != nil {
			return err
		}
		for j, v := range args {
			cols[j][i] = v
		}
	}
	_, err = q.Exec(ctx, `INSERT INTO customers (tenant_id, id, external_id, name, gender, birth_date, phone, email, avatar_url,
			address, language, preferred_store, city, region, consents, attributes)
		SELECT $1, u.id, u.external_id, u.name, u.gender, u.birth_date, u.phone, u.email, u.avatar_url, u.address::jsonb,
			u.language, u.preferred_store, u.city, u.region, u.consents::jsonb, u.attributes::jsonb
		FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::date[], $7::text[], $8::text[], $9::text[],
				$10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[])
			AS u (id, external_id, name, gender, birth_date, phone, email, avatar_url, address, language, preferred_store,
				city, region, consents, attributes)
		ON CONFLICT (tenant_id, id) DO UPDATE SET external_id = excluded.external_id, name = excluded.name,
			gender = excluded.gender, birth_date = excluded.birth_date, phone = excluded.phone, email = excluded.email,
			avatar_url = excluded.avatar_url, address = excluded.address, language = excluded.language,
			preferred_store = excluded.preferred_store, city = excluded.city, region = excluded.region,
			consents = excluded.consents, attributes = excluded.attributes, updated_at = now()`,
		tenant.UUID(), cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], cols[7], cols[8], cols[9], cols[10],
		cols[11], cols[12], cols[13], cols[14])
	return customerConflict(err)
}

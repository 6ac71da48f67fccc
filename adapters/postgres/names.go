package postgres

import (
	"context"

	"github.com/google/uuid"
)

// NamesByID runs query, which selects (id, name) rows for the IDs in its $1 (a uuid[]), in
// the caller's tenant transaction, and returns the non-empty names by ID. IDs that are not
// UUIDs name nothing, so a stray one cannot make the query fail.
func NamesByID(ctx context.Context, query string, ids []string) (map[string]string, error) {
	var us []uuid.UUID
	for _, id := range ids {
		if u, err := uuid.Parse(id); err == nil {
			us = append(us, u)
		}
	}
	if len(us) == 0 {
		return map[string]string{}, nil
	}
	return names(ctx, query, us)
}

// NamesByKey is NamesByID for things whose IDs are text keys ($1 is a text[]).
func NamesByKey(ctx context.Context, query string, keys []string) (map[string]string, error) {
	if len(keys) == 0 {
		return map[string]string{}, nil
	}
	return names(ctx, query, keys)
}

func names(ctx context.Context, query string, arg any) (map[string]string, error) {
	q, _, err := TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, query, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		if name != "" {
			out[id] = name
		}
	}
	return out, rows.Err()
}

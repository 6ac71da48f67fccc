package postgres_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
)

// A uuid.UUID reaches PostgreSQL and comes back the same, alone, in arrays and behind
// pointers, nil included.
func TestUUIDsRoundTrip(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t).OpenApp(t)
	id := uuid.New()
	ids := []uuid.UUID{uuid.New(), uuid.Nil, id}
	var (
		one, viaPointer uuid.UUID
		many            []uuid.UUID
		none            *uuid.UUID
	)
	// A statement without tables: nothing tenant-owned is read.
	require.NoError(t, db.Pool().QueryRow(context.Background(), `SELECT $1::uuid, $2::uuid[], $3::uuid, $4::uuid`,
		id, ids, &id, (*uuid.UUID)(nil)).Scan(&one, &many, &viaPointer, &none))
	require.Equal(t, id, one)
	require.Equal(t, ids, many)
	require.Equal(t, id, viaPointer)
	require.Nil(t, none)
}

package postgres

import (
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stretchr/testify/require"
)

// A uuid.UUID is encoded as its sixteen bytes, not through its text Valuer.
func TestUUIDsAreEncodedAsTheirBytes(t *testing.T) {
	t.Parallel()
	m := pgtype.NewMap()
	sendUUIDsInBinary(m)
	id := uuid.New()
	plan := m.PlanEncode(pgtype.UUIDOID, pgtype.BinaryFormatCode, id)
	require.IsType(t, &uuidEncodePlan{}, plan)
	buf, err := plan.Encode(id, nil)
	require.NoError(t, err)
	require.Equal(t, id[:], buf)
}

// BenchmarkEncodeThousandUUIDs encodes the customer IDs of a batch as a uuid[] parameter, as
// pgx does by itself and as the pool does.
func BenchmarkEncodeThousandUUIDs(b *testing.B) {
	ids := make([]uuid.UUID, 1000)
	for i := range ids {
		ids[i] = uuid.New()
	}
	for _, bench := range []struct {
		name string
		set  func(*pgtype.Map)
	}{{"valuer", func(*pgtype.Map) {}}, {"binary", sendUUIDsInBinary}} {
		b.Run(bench.name, func(b *testing.B) {
			m := pgtype.NewMap()
			bench.set(m)
			var buf []byte
			for b.Loop() {
				var err error
				if buf, err = m.Encode(pgtype.UUIDArrayOID, pgtype.BinaryFormatCode, ids, buf[:0]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

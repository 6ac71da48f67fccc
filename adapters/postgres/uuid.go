package postgres

import (
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

// sendUUIDsInBinary makes m send google/uuid values as the sixteen bytes they are. Left to
// itself pgx sends them through their driver.Valuer: each one formatted as text, parsed back,
// and a failed encode plan's error built on the way, a sixth of the ingest's processor time
// for the thousand customer IDs of a batch.
func sendUUIDsInBinary(m *pgtype.Map) {
	m.TryWrapEncodePlanFuncs = append([]pgtype.TryWrapEncodePlanFunc{wrapUUID}, m.TryWrapEncodePlanFuncs...)
}

// wrapUUID is the encode plan wrapper that hands a uuid.UUID on as a [16]byte.
func wrapUUID(value any) (pgtype.WrappedEncodePlanNextSetter, any, bool) {
	if id, ok := value.(uuid.UUID); ok {
		return &uuidEncodePlan{}, [16]byte(id), true
	}
	return nil, nil, false
}

type uuidEncodePlan struct{ next pgtype.EncodePlan }

func (p *uuidEncodePlan) SetNext(next pgtype.EncodePlan) { p.next = next }

func (p *uuidEncodePlan) Encode(value any, buf []byte) ([]byte, error) {
	return p.next.Encode([16]byte(value.(uuid.UUID)), buf)
}

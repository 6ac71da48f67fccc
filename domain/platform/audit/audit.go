// Package audit is the audit trail's rules: what a record holds, how records chain by hash,
// and how a change's before and after become a diff.
package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Record is one entry of a tenant's audit trail.
type Record struct {
	TenantID   string
	Seq        int64
	OccurredAt time.Time
	ActorKind  string
	ActorID    string
	ActorLabel string
	Action     string
	TargetType string
	TargetID   string
	// Before, After and Diff are canonical JSON, or nil.
	Before    json.RawMessage
	After     json.RawMessage
	Diff      json.RawMessage
	Reason    string
	RequestID string
	IP        string
	UserAgent string
	PrevHash  []byte
	Hash      []byte
}

// Genesis is the previous hash of a tenant's first record.
var Genesis = make([]byte, sha256.Size)

// ComputeHash returns the hash of r chained to r.PrevHash. Every field but Hash takes part, so
// changing any of them, or removing or reordering records, breaks the chain.
func (r Record) ComputeHash() []byte {
	h := sha256.New()
	h.Write(r.PrevHash)
	// Length-prefixed fields: no two different records encode alike.
	for _, f := range [][]byte{
		[]byte(r.TenantID), fmt.Appendf(nil, "%d", r.Seq), []byte(r.OccurredAt.UTC().Format(time.RFC3339Nano)),
		[]byte(r.ActorKind), []byte(r.ActorID), []byte(r.ActorLabel), []byte(r.Action), []byte(r.TargetType),
		[]byte(r.TargetID), r.Before, r.After, r.Diff, []byte(r.Reason), []byte(r.RequestID), []byte(r.IP), []byte(r.UserAgent),
	} {
		fmt.Fprintf(h, "%d:", len(f))
		h.Write(f)
	}
	return h.Sum(nil)
}

// Seal sets r's hash chained to prev.
func (r *Record) Seal(prev []byte) {
	r.PrevHash = prev
	r.Hash = r.ComputeHash()
}

// Break describes where a chain stops holding.
type Break struct {
	Seq    int64
	Reason string
}

func (b Break) Error() string {
	return fmt.Sprintf("audit chain broken at record %d: %s", b.Seq, b.Reason)
}

// Verifier checks a tenant's records one at a time, in sequence order.
type Verifier struct {
	prev    []byte
	nextSeq int64
}

// NewVerifier starts at the tenant's first record.
func NewVerifier() *Verifier { return &Verifier{prev: Genesis, nextSeq: 1} }

// Next checks r follows the records seen so far.
func (v *Verifier) Next(r Record) error {
	switch {
	case r.Seq != v.nextSeq:
		return Break{Seq: r.Seq, Reason: fmt.Sprintf("expected record %d: records are missing", v.nextSeq)}
	case !bytes.Equal(r.PrevHash, v.prev):
		return Break{Seq: r.Seq, Reason: "its previous-hash does not match the record before it"}
	case !bytes.Equal(r.ComputeHash(), r.Hash):
		return Break{Seq: r.Seq, Reason: "its contents do not match its hash"}
	}
	v.prev, v.nextSeq = r.Hash, r.Seq+1
	return nil
}

// Canonical encodes v as canonical JSON: object keys sorted, no insignificant space, numbers
// as written. nil stays nil. PostgreSQL's jsonb gives back what Canonical made unchanged after
// a second pass through Canonical, which is how stored records are re-hashed.
func Canonical(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	var raw []byte
	switch x := v.(type) {
	case json.RawMessage:
		raw = x
	case []byte:
		raw = x
	default:
		var err error
		if raw, err = json.Marshal(v); err != nil {
			return nil, err
		}
	}
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(generic); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// ErrNotObject is returned by Diff for snapshots that are not JSON objects.
var ErrNotObject = errors.New("audit snapshots must be JSON objects")

// Diff lists the keys whose values differ between two canonical object snapshots, as
// {"key": {"before": x, "after": y}}; a missing snapshot counts as an empty object.
func Diff(before, after json.RawMessage) (json.RawMessage, error) {
	b, err := asObject(before)
	if err != nil {
		return nil, err
	}
	a, err := asObject(after)
	if err != nil {
		return nil, err
	}
	changes := map[string]map[string]json.RawMessage{}
	for k, bv := range b {
		if av, ok := a[k]; !ok || !bytes.Equal(av, bv) {
			changes[k] = map[string]json.RawMessage{"before": bv, "after": orNull(av, ok)}
		}
	}
	for k, av := range a {
		if _, ok := b[k]; !ok {
			changes[k] = map[string]json.RawMessage{"before": json.RawMessage("null"), "after": av}
		}
	}
	if len(changes) == 0 {
		return nil, nil
	}
	return Canonical(changes)
}

func orNull(v json.RawMessage, ok bool) json.RawMessage {
	if !ok {
		return json.RawMessage("null")
	}
	return v
}

func asObject(raw json.RawMessage) (map[string]json.RawMessage, error) {
	out := map[string]json.RawMessage{}
	if raw == nil {
		return out, nil
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, ErrNotObject
	}
	for k, v := range out {
		c, err := Canonical(v)
		if err != nil {
			return nil, err
		}
		if c == nil {
			c = json.RawMessage("null")
		}
		out[k] = c
	}
	return out, nil
}

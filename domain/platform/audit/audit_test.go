package audit_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/domain/platform/audit"
)

func TestCanonicalSortsKeysKeepsNumbersAndIsStable(t *testing.T) {
	t.Parallel()
	a, err := audit.Canonical(json.RawMessage(`{ "b": 1, "a": {"y": 9007199254740993, "x": "<中>"} }`))
	require.NoError(t, err)
	require.Equal(t, `{"a":{"x":"<中>","y":9007199254740993},"b":1}`, string(a))
	again, err := audit.Canonical(a)
	require.NoError(t, err)
	require.Equal(t, a, again)
	none, err := audit.Canonical(nil)
	require.NoError(t, err)
	require.Nil(t, none)
	null, err := audit.Canonical(json.RawMessage("null"))
	require.NoError(t, err)
	require.Nil(t, null)
}

func TestDiffListsChangedAddedAndRemovedFields(t *testing.T) {
	t.Parallel()
	d, err := audit.Diff(json.RawMessage(`{"name":"a","role":"x","gone":1}`), json.RawMessage(`{"name":"b","role":"x","new":true}`))
	require.NoError(t, err)
	require.JSONEq(t, `{"name":{"before":"a","after":"b"},"gone":{"before":1,"after":null},"new":{"before":null,"after":true}}`, string(d))
	same, err := audit.Diff(json.RawMessage(`{"a":1}`), json.RawMessage(`{"a":1}`))
	require.NoError(t, err)
	require.Nil(t, same)
	_, err = audit.Diff(json.RawMessage(`[1]`), nil)
	require.ErrorIs(t, err, audit.ErrNotObject)
}

func chain(n int) []audit.Record {
	prev := audit.Genesis
	out := make([]audit.Record, n)
	for i := range out {
		r := audit.Record{TenantID: "t", Seq: int64(i + 1), OccurredAt: time.Unix(int64(i), 0), Action: "x.y", After: json.RawMessage(`{"i":1}`)}
		r.Seal(prev)
		prev = r.Hash
		out[i] = r
	}
	return out
}

func TestVerifierFindsEditsGapsAndReordering(t *testing.T) {
	t.Parallel()
	verify := func(rs []audit.Record) error {
		v := audit.NewVerifier()
		for _, r := range rs {
			if err := v.Next(r); err != nil {
				return err
			}
		}
		return nil
	}
	require.NoError(t, verify(chain(4)))

	edited := chain(4)
	edited[2].Reason = "changed afterwards"
	var b audit.Break
	require.ErrorAs(t, verify(edited), &b)
	require.EqualValues(t, 3, b.Seq)

	gap := chain(4)
	require.ErrorAs(t, verify(append(gap[:1], gap[2:]...)), &b)
	require.EqualValues(t, 3, b.Seq)

	resealed := chain(4)
	resealed[1].Action = "forged"
	resealed[1].Seal(resealed[0].Hash) // a forger re-hashing one record still breaks the next
	require.ErrorAs(t, verify(resealed), &b)
	require.EqualValues(t, 3, b.Seq)
}

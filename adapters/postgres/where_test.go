package postgres_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
)

func TestWhere(t *testing.T) {
	t.Parallel()

	t.Run("no condition matches every row", func(t *testing.T) {
		t.Parallel()
		var w postgres.Where
		require.Equal(t, "TRUE", w.String())
		require.Empty(t, w.Args())
	})

	t.Run("conditions are and-ed and their placeholders numbered after the ones before", func(t *testing.T) {
		t.Parallel()
		var w postgres.Where
		w.And("customer_id = $1", "ann")
		w.And("type = $1", "purchase")
		w.And("(name LIKE $1 OR lower(email) LIKE lower($1))", "an%")
		w.And("(occurred_at, id) < (SELECT occurred_at, id FROM customer_events WHERE id = $1 AND customer_id = $2)", "e9", "ann")
		w.And("x.payload ? 'campaign'")
		require.Equal(t, "customer_id = $1 AND type = $2 AND (name LIKE $3 OR lower(email) LIKE lower($3)) AND "+
			"(occurred_at, id) < (SELECT occurred_at, id FROM customer_events WHERE id = $4 AND customer_id = $5) AND "+
			"x.payload ? 'campaign'", w.String())
		require.Equal(t, "$6", w.Arg(20))
		require.Equal(t, []any{"ann", "purchase", "an%", "e9", "ann", 20}, w.Args())
	})

	t.Run("a dollar sign that is no placeholder is left alone", func(t *testing.T) {
		t.Parallel()
		var w postgres.Where
		w.Arg(1)
		w.And("price::money > '$' || $1", "5")
		require.Equal(t, "price::money > '$' || $2", w.String())
	})

	t.Run("a placeholder without its argument panics", func(t *testing.T) {
		t.Parallel()
		for _, cond := range []string{"a = $2", "a = $1 AND b = $3", "a = $0"} {
			var w postgres.Where
			require.Panics(t, func() { w.And(cond, "only one") }, cond)
		}
	})
}

package postgres

import (
	"fmt"
	"strconv"
	"strings"
)

// Where builds a statement's WHERE clause from conditions that apply only when their filter is
// set, and binds their arguments: each condition numbers its placeholders from $1 as if it
// stood alone, and Where renumbers them after the arguments bound before it. The zero value has
// no conditions and no arguments.
//
//	var w postgres.Where
//	if f.Action != "" {
//		w.And("action = $1", f.Action)
//	}
//	q.Query(ctx, `SELECT ... WHERE `+w.String()+` LIMIT `+w.Arg(limit), w.Args()...)
type Where struct {
	conds []string
	args  []any
}

// And adds cond, whose placeholders $1 to $n stand for args in order; a placeholder may occur
// more than once. cond is and-ed as it is, so an OR in it needs parentheses, and it may hold no
// other $ followed by a digit (in a string literal, say). A placeholder without its argument is
// a programming error, and And panics.
func (w *Where) And(cond string, args ...any) {
	offset := len(w.args)
	var b strings.Builder
	for {
		i := strings.IndexByte(cond, '$')
		if i < 0 {
			b.WriteString(cond)
			break
		}
		j := i + 1
		for j < len(cond) && cond[j] >= '0' && cond[j] <= '9' {
			j++
		}
		b.WriteString(cond[:i+1])
		if j > i+1 {
			n, err := strconv.Atoi(cond[i+1 : j])
			if err != nil || n < 1 || n > len(args) {
				panic(fmt.Sprintf("postgres: placeholder %s of %q has no argument", cond[i:j], cond))
			}
			b.WriteString(strconv.Itoa(n + offset))
		}
		cond = cond[j:]
	}
	w.conds = append(w.conds, b.String())
	w.args = append(w.args, args...)
}

// Arg binds v as the statement's next argument and returns its placeholder, for what follows
// the clause (a LIMIT).
func (w *Where) Arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

// String returns the conditions joined with AND, or TRUE when there are none.
func (w *Where) String() string {
	if len(w.conds) == 0 {
		return "TRUE"
	}
	return strings.Join(w.conds, " AND ")
}

// Args returns the arguments bound so far, in placeholder order.
func (w *Where) Args() []any { return w.args }

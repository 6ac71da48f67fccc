package postgres

import (
	"context"

	"github.com/engagehq/engage/ports"
)

var _ ports.Notifier = Notifier{}

// Notifier implements ports.Notifier with pg_notify, delivered when the transaction commits.
type Notifier struct{}

// ChangesChannel is the LISTEN channel change notices travel on.
const ChangesChannel = "engage_changes"

// Notify implements ports.Notifier.
func (Notifier) Notify(ctx context.Context, topic, key string) error {
	tx, err := WriteTx(ctx)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `SELECT pg_notify($1, $2)`, ChangesChannel, topic+":"+key)
	return err
}

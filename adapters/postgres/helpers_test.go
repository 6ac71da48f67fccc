package postgres_test

import (
	"time"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/application/apikeys"
	"github.com/engagehq/engage/ports"
)

func (b *testBundle) now() time.Time { return time.Now() }

func apikeysService(b *testBundle) *apikeys.Service {
	return apikeys.NewService(b.db, postgres.APIKeys{}, b.dir, ports.SystemClock{})
}

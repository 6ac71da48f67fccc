package postgres

import (
	"context"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/engagehq/engage/migrations"
)

// CheckSchema reports an error unless every embedded migration, Engage's and River's, has been
// applied to the database. It reads only the version tables, so the application role may run it.
func (db *DB) CheckSchema(ctx context.Context) error {
	want, err := latestMigration()
	if err != nil {
		return err
	}
	var have int64
	if err := db.pool.QueryRow(ctx, `SELECT coalesce(max(version_id), 0) FROM goose_db_version WHERE is_applied`).Scan(&have); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if have < want {
		return fmt.Errorf("schema at version %d, want %d: run engage migrate up", have, want)
	}
	rm, err := rivermigrate.New(riverpgxv5.New(nil), nil)
	if err != nil {
		return err
	}
	all := rm.AllVersions()
	var river int
	if err := db.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM river_migration`).Scan(&river); err != nil {
		return fmt.Errorf("read River schema version: %w", err)
	}
	if river < all[len(all)-1].Version {
		return fmt.Errorf("River schema at version %d, want %d: run engage migrate up", river, all[len(all)-1].Version)
	}
	return nil
}

func latestMigration() (int64, error) {
	names, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		return 0, err
	}
	var latest int64
	for _, n := range names {
		v, err := strconv.ParseInt(strings.SplitN(n, "_", 2)[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("migration %s: name must start with its version", n)
		}
		latest = max(latest, v)
	}
	return latest, nil
}

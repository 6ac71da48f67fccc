package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/engagehq/engage/migrations"
)

// Migrator applies Engage's schema and River's, connected as the owner role.
type Migrator struct {
	pool  *pgxpool.Pool
	sqlDB *sql.DB
	goose *goose.Provider
	river *rivermigrate.Migrator[pgx.Tx]
}

// NewMigrator connects to ownerURL. Close it when done.
func NewMigrator(ctx context.Context, ownerURL string) (*Migrator, error) {
	pool, err := pgxpool.New(ctx, ownerURL)
	if err != nil {
		return nil, err
	}
	sqlDB := stdlib.OpenDBFromPool(pool)
	gp, err := goose.NewProvider(goose.DialectPostgres, sqlDB, migrations.FS)
	if err != nil {
		pool.Close()
		return nil, err
	}
	rm, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &Migrator{pool: pool, sqlDB: sqlDB, goose: gp, river: rm}, nil
}

// Close releases the connections.
func (m *Migrator) Close() {
	_ = m.sqlDB.Close()
	m.pool.Close()
}

// Up applies every pending migration: Engage's first (they set the default privileges River's
// tables then inherit), then River's.
func (m *Migrator) Up(ctx context.Context) error {
	if _, err := m.goose.Up(ctx); err != nil {
		return fmt.Errorf("engage migrations: %w", err)
	}
	if _, err := m.river.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	return nil
}

// Down rolls back the newest Engage migration.
func (m *Migrator) Down(ctx context.Context) error {
	if _, err := m.goose.Down(ctx); err != nil {
		return fmt.Errorf("engage migrations: %w", err)
	}
	return nil
}

// Reset rolls back everything: River's schema, then all of Engage's.
func (m *Migrator) Reset(ctx context.Context) error {
	if _, err := m.river.Migrate(ctx, rivermigrate.DirectionDown, &rivermigrate.MigrateOpts{TargetVersion: -1}); err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	if _, err := m.goose.DownTo(ctx, 0); err != nil {
		return fmt.Errorf("engage migrations: %w", err)
	}
	return nil
}

// Status describes one migration and whether it is applied.
type Status struct {
	Source  string
	Version int64
	Applied bool
}

// Status lists Engage's migrations and River's schema version.
func (m *Migrator) Status(ctx context.Context) ([]Status, error) {
	st, err := m.goose.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Status, 0, len(st)+1)
	for _, s := range st {
		out = append(out, Status{Source: s.Source.Path, Version: s.Source.Version, Applied: s.State == goose.StateApplied})
	}
	applied, err := m.river.ExistingVersions(ctx)
	if err != nil {
		applied = nil
	}
	have := map[int]bool{}
	for _, v := range applied {
		have[v.Version] = true
	}
	for _, v := range m.river.AllVersions() {
		out = append(out, Status{Source: "river/" + v.Name, Version: int64(v.Version), Applied: have[v.Version]})
	}
	return out, nil
}

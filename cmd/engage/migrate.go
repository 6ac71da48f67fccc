package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/engagehq/engage/adapters/postgres"
)

func runMigrate(ctx context.Context, args []string) error {
	fs := newFlags("migrate", "migrate up|down|reset|status")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("want one of up, down, reset, status")
	}
	cfg, err := loadConfig(ctx)
	if err != nil {
		return err
	}
	m, err := postgres.NewMigrator(ctx, cfg.migrateURL)
	if err != nil {
		return err
	}
	defer m.Close()
	switch fs.Arg(0) {
	case "up":
		err = m.Up(ctx)
	case "down":
		err = m.Down(ctx)
	case "reset":
		err = m.Reset(ctx)
	case "status":
	default:
		fs.Usage()
		return fmt.Errorf("unknown migrate action %q", fs.Arg(0))
	}
	if err != nil {
		return err
	}
	status, err := m.Status(ctx)
	if err != nil {
		return err
	}
	for _, s := range status {
		state := "pending"
		if s.Applied {
			state = "applied"
		}
		fmt.Fprintf(os.Stdout, "%-8s %4d  %s\n", state, s.Version, s.Source)
	}
	return nil
}

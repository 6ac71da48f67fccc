package platformdb

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/ports"
)

// ChannelSettings implements ports.ChannelSettingsRepository.
type ChannelSettings struct{}

var _ ports.ChannelSettingsRepository = ChannelSettings{}

const channelColumns = "channel, config::text, tested_at, test_error, updated_at"

func scanChannel(row pgx.Row) (ports.ChannelSettings, error) {
	var (
		c       ports.ChannelSettings
		config  string
		testErr *string
	)
	err := row.Scan(&c.Channel, &config, &c.TestedAt, &testErr, &c.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, ports.ErrChannelNotConfigured
	}
	c.Config = []byte(config)
	if testErr != nil {
		c.TestError = *testErr
	}
	return c, err
}

// List implements ports.ChannelSettingsRepository.
func (ChannelSettings) List(ctx context.Context) ([]ports.ChannelSettings, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+channelColumns+` FROM channel_settings ORDER BY channel`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (ports.ChannelSettings, error) { return scanChannel(r) })
}

// Get implements ports.ChannelSettingsRepository.
func (ChannelSettings) Get(ctx context.Context, channel string) (ports.ChannelSettings, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return ports.ChannelSettings{}, err
	}
	return scanChannel(q.QueryRow(ctx, `SELECT `+channelColumns+` FROM channel_settings WHERE channel = $1`, channel))
}

// Put implements ports.ChannelSettingsRepository; a changed configuration forgets its last test.
func (ChannelSettings) Put(ctx context.Context, s ports.ChannelSettings) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO channel_settings (tenant_id, channel, config) VALUES ($1, $2, $3::jsonb)
		ON CONFLICT (tenant_id, channel) DO UPDATE SET config = EXCLUDED.config, tested_at = NULL, test_error = NULL, updated_at = now()`,
		tenant.UUID(), s.Channel, string(s.Config))
	return err
}

// RecordTest implements ports.ChannelSettingsRepository.
func (ChannelSettings) RecordTest(ctx context.Context, channel string, at time.Time, testError string) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `UPDATE channel_settings SET tested_at = $2, test_error = NULLIF($3, '') WHERE channel = $1`, channel, at, testError)
	if err == nil && tag.RowsAffected() == 0 {
		return ports.ErrChannelNotConfigured
	}
	return err
}

package customersdb

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/ports"
)

// WeChatAccounts implements ports.WeChatAccountRepository.
type WeChatAccounts struct{}

var _ ports.WeChatAccountRepository = WeChatAccounts{}

const wechatAccountColumns = `app_id, open_id, coalesce(union_id, ''), customer_id, nickname, avatar_url, linked_at`

func scanWeChatAccount(row pgx.Row) (ports.WeChatAccount, error) {
	var a ports.WeChatAccount
	err := row.Scan(&a.AppID, &a.OpenID, &a.UnionID, &a.CustomerID, &a.Nickname, &a.AvatarURL, &a.LinkedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, ports.ErrWeChatAccountNotFound
	}
	return a, err
}

// Lock implements ports.WeChatAccountRepository with a transaction-level advisory lock on a
// hash of the tenant and key; it needs an InTenant transaction.
func (WeChatAccounts) Lock(ctx context.Context, key string) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	_, tenant, _ := postgres.TenantTx(ctx)
	_, err = tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, tenant.String()+":wechat:"+key)
	return err
}

// Get implements ports.WeChatAccountRepository.
func (WeChatAccounts) Get(ctx context.Context, appID, openID string) (ports.WeChatAccount, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return ports.WeChatAccount{}, err
	}
	return scanWeChatAccount(q.QueryRow(ctx, `SELECT `+wechatAccountColumns+` FROM wechat_accounts WHERE app_id = $1 AND open_id = $2`,
		appID, openID))
}

// FirstByUnionID implements ports.WeChatAccountRepository.
func (WeChatAccounts) FirstByUnionID(ctx context.Context, unionID string) (ports.WeChatAccount, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return ports.WeChatAccount{}, err
	}
	return scanWeChatAccount(q.QueryRow(ctx, `SELECT `+wechatAccountColumns+` FROM wechat_accounts WHERE union_id = $1
		ORDER BY linked_at, app_id, open_id LIMIT 1`, unionID))
}

// Insert implements ports.WeChatAccountRepository.
func (WeChatAccounts) Insert(ctx context.Context, a ports.WeChatAccount) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO wechat_accounts (tenant_id, app_id, open_id, union_id, customer_id, nickname, avatar_url, linked_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		tenant.UUID(), a.AppID, a.OpenID, nullable(a.UnionID), a.CustomerID, a.Nickname, a.AvatarURL, a.LinkedAt)
	if postgres.IsUniqueViolation(err, "wechat_accounts_pkey") {
		return ports.ErrWeChatAccountLinked
	}
	return err
}

// SetUnionID implements ports.WeChatAccountRepository.
func (WeChatAccounts) SetUnionID(ctx context.Context, appID, openID, unionID string) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, `UPDATE wechat_accounts SET union_id = $3 WHERE app_id = $1 AND open_id = $2`, appID, openID, unionID)
	if err == nil && tag.RowsAffected() == 0 {
		return ports.ErrWeChatAccountNotFound
	}
	return err
}

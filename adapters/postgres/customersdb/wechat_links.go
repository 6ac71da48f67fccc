package customersdb

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/ports"
)

// WeChatLinks implements ports.WeChatLinkRepository on wechat_accounts.
type WeChatLinks struct{}

var _ ports.WeChatLinkRepository = WeChatLinks{}

const wechatLinkColumns = wechatAccountColumns + `, last_login_at, reauth_requested_at`

func scanWeChatLink(row pgx.CollectableRow) (ports.WeChatLink, error) {
	var l ports.WeChatLink
	a := &l.WeChatAccount
	err := row.Scan(&a.AppID, &a.OpenID, &a.UnionID, &a.CustomerID, &a.Nickname, &a.AvatarURL, &a.LinkedAt, &l.LastLoginAt, &l.ReauthRequestedAt)
	return l, err
}

func (WeChatLinks) list(ctx context.Context, where string, arg any) ([]ports.WeChatLink, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+wechatLinkColumns+` FROM wechat_accounts WHERE `+where+` ORDER BY linked_at, app_id, open_id`, arg)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scanWeChatLink)
}

// ListByCustomer implements ports.WeChatLinkRepository.
func (l WeChatLinks) ListByCustomer(ctx context.Context, customer uuid.UUID) ([]ports.WeChatLink, error) {
	return l.list(ctx, `customer_id = $1`, customer)
}

// ByOpenID implements ports.WeChatLinkRepository.
func (l WeChatLinks) ByOpenID(ctx context.Context, openID string) ([]ports.WeChatLink, error) {
	return l.list(ctx, `open_id = $1`, openID)
}

// exec runs a statement on one account and reports ErrWeChatAccountNotFound when it touched none.
func (WeChatLinks) exec(ctx context.Context, sql string, args ...any) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	tag, err := q.Exec(ctx, sql, args...)
	if err == nil && tag.RowsAffected() == 0 {
		return ports.ErrWeChatAccountNotFound
	}
	return err
}

// Delete implements ports.WeChatLinkRepository.
func (l WeChatLinks) Delete(ctx context.Context, appID, openID string) error {
	return l.exec(ctx, `DELETE FROM wechat_accounts WHERE app_id = $1 AND open_id = $2`, appID, openID)
}

// RequestReauth implements ports.WeChatLinkRepository.
func (l WeChatLinks) RequestReauth(ctx context.Context, appID, openID string, at time.Time) error {
	return l.exec(ctx, `UPDATE wechat_accounts SET reauth_requested_at = $3 WHERE app_id = $1 AND open_id = $2`, appID, openID, at)
}

// Move implements ports.WeChatLinkRepository. The check and the move are one statement.
func (WeChatLinks) Move(ctx context.Context, appID, openID string, customer uuid.UUID, at time.Time) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	var exists, moved, taken bool
	err = q.QueryRow(ctx, `WITH taken AS (
			SELECT EXISTS (SELECT 1 FROM wechat_accounts WHERE customer_id = $3 AND app_id = $1 AND open_id <> $2) AS taken),
		moved AS (
			UPDATE wechat_accounts SET customer_id = $3, linked_at = $4, reauth_requested_at = NULL
			WHERE app_id = $1 AND open_id = $2 AND NOT (SELECT taken FROM taken)
			RETURNING 1)
		SELECT EXISTS (SELECT 1 FROM wechat_accounts WHERE app_id = $1 AND open_id = $2), EXISTS (SELECT 1 FROM moved),
			(SELECT taken FROM taken)`, appID, openID, customer, at).Scan(&exists, &moved, &taken)
	switch {
	case err != nil:
		return err
	case !exists:
		return ports.ErrWeChatAccountNotFound
	case taken:
		return ports.ErrWeChatAppTaken
	case !moved:
		return ports.ErrWeChatAccountNotFound
	}
	return nil
}

// RecordLogin implements ports.WeChatLinkRepository.
func (l WeChatLinks) RecordLogin(ctx context.Context, appID, openID string, at time.Time) error {
	return l.exec(ctx, `UPDATE wechat_accounts SET last_login_at = $3, reauth_requested_at = NULL WHERE app_id = $1 AND open_id = $2`,
		appID, openID, at)
}

// SetProfile implements ports.WeChatLinkRepository.
func (l WeChatLinks) SetProfile(ctx context.Context, customer uuid.UUID, appID, nickname, avatarURL string) error {
	return l.exec(ctx, `UPDATE wechat_accounts SET nickname = $3, avatar_url = $4 WHERE customer_id = $1 AND app_id = $2`,
		customer, appID, nickname, avatarURL)
}

// CustomersByOpenIDs implements ports.WeChatLinkRepository.
func (WeChatLinks) CustomersByOpenIDs(ctx context.Context, appID string, openIDs []string) (map[string]uuid.UUID, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT open_id, customer_id FROM wechat_accounts WHERE app_id = $1 AND open_id = ANY($2::text[])`, appID, openIDs)
	if err != nil {
		return nil, err
	}
	out := make(map[string]uuid.UUID, len(openIDs))
	var (
		openID   string
		customer uuid.UUID
	)
	_, err = pgx.ForEachRow(rows, []any{&openID, &customer}, func() error {
		out[openID] = customer
		return nil
	})
	return out, err
}

// CustomerSessions implements ports.CustomerSessions on customer_token_cutoffs.
type CustomerSessions struct{}

var _ ports.CustomerSessions = CustomerSessions{}

// NotBefore implements ports.CustomerSessions: one statement on two primary keys.
func (CustomerSessions) NotBefore(ctx context.Context, customer uuid.UUID) (bool, time.Time, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return false, time.Time{}, err
	}
	var notBefore *time.Time
	err = q.QueryRow(ctx, `SELECT t.not_before FROM customers c
		LEFT JOIN customer_token_cutoffs t ON t.tenant_id = c.tenant_id AND t.customer_id = c.id
		WHERE c.id = $1`, customer).Scan(&notBefore)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return false, time.Time{}, nil
	case err != nil:
		return false, time.Time{}, err
	case notBefore == nil:
		return true, time.Time{}, nil
	}
	return true, *notBefore, nil
}

// CutOff implements ports.CustomerSessions; a later cut-off replaces an earlier one.
func (CustomerSessions) CutOff(ctx context.Context, customer uuid.UUID, notBefore time.Time) error {
	q, tenant, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `INSERT INTO customer_token_cutoffs (tenant_id, customer_id, not_before) VALUES ($1, $2, $3)
		ON CONFLICT (tenant_id, customer_id) DO UPDATE SET not_before = greatest(customer_token_cutoffs.not_before, EXCLUDED.not_before)`,
		tenant.UUID(), customer, notBefore)
	return err
}

// Admit implements ports.CustomerSessions.
func (CustomerSessions) Admit(ctx context.Context, customer uuid.UUID, at time.Time) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `UPDATE customer_token_cutoffs SET not_before = $2 WHERE customer_id = $1 AND not_before > $2`, customer, at)
	return err
}

// MemberStatuses implements ports.MemberStatusReader on customers.
type MemberStatuses struct{}

var _ ports.MemberStatusReader = MemberStatuses{}

// MemberStatus implements ports.MemberStatusReader.
func (MemberStatuses) MemberStatus(ctx context.Context, customer uuid.UUID) (ports.MemberStatus, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return ports.MemberStatus{}, err
	}
	var s ports.MemberStatus
	err = q.QueryRow(ctx, `SELECT name, lifecycle_stage, lifecycle_since, created_at FROM customers WHERE id = $1`, customer).
		Scan(&s.Name, &s.LifecycleStage, &s.LifecycleSince, &s.MemberSince)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, ports.ErrCustomerNotFound
	}
	return s, err
}

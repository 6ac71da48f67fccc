package platformdb

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/domain/platform/audit"
	"github.com/engagehq/engage/ports"
)

// AuditLog implements ports.AuditLog and ports.AuditReader on the audit_log table.
type AuditLog struct{}

var (
	_ ports.AuditLog    = AuditLog{}
	_ ports.AuditReader = AuditLog{}
)

// Record implements ports.AuditLog. Records of one tenant are serialised by a transaction
// advisory lock, so each chains to the one before it.
func (AuditLog) Record(ctx context.Context, e ports.AuditEntry) error {
	tx, err := postgres.WriteTx(ctx)
	if err != nil {
		return err
	}
	_, tenant, _ := postgres.TenantTx(ctx)
	actor := ports.ActorFrom(ctx)
	r := audit.Record{
		TenantID: tenant.String(), OccurredAt: time.Now().UTC().Truncate(time.Microsecond),
		ActorKind: string(actor.Kind), ActorID: actor.ID, ActorLabel: actor.Label,
		Action: e.Action, TargetType: e.TargetType, TargetID: e.TargetID, Reason: e.Reason,
		RequestID: actor.RequestID, IP: actor.IP, UserAgent: actor.UserAgent,
	}
	if r.Before, err = audit.Canonical(e.Before); err != nil {
		return fmt.Errorf("audit before: %w", err)
	}
	if r.After, err = audit.Canonical(e.After); err != nil {
		return fmt.Errorf("audit after: %w", err)
	}
	if r.Diff, err = audit.Diff(r.Before, r.After); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('audit:' || $1, 0))`, r.TenantID); err != nil {
		return err
	}
	prev := audit.Genesis
	err = tx.QueryRow(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&r.Seq, &prev)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	r.Seq++
	r.Seal(prev)
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (tenant_id, seq, occurred_at, actor_kind, actor_id, actor_label, action,
		target_type, target_id, before, after, diff, reason, request_id, ip, user_agent, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)`,
		tenant.UUID(), r.Seq, r.OccurredAt, r.ActorKind, r.ActorID, r.ActorLabel, r.Action, r.TargetType, r.TargetID,
		jsonArg(r.Before), jsonArg(r.After), jsonArg(r.Diff), r.Reason, r.RequestID, r.IP, r.UserAgent, r.PrevHash, r.Hash)
	return err
}

// jsonArg passes canonical JSON as text so jsonb parses it, or NULL.
func jsonArg(raw []byte) any {
	if raw == nil {
		return nil
	}
	return string(raw)
}

const auditColumns = `tenant_id, seq, occurred_at, actor_kind, actor_id, actor_label, action, target_type, target_id,
	before::text, after::text, diff::text, reason, request_id, ip, user_agent, prev_hash, hash`

func scanAudit(row pgx.Row) (audit.Record, error) {
	var (
		r                   audit.Record
		tenant              [16]byte
		before, after, diff *string
	)
	err := row.Scan(&tenant, &r.Seq, &r.OccurredAt, &r.ActorKind, &r.ActorID, &r.ActorLabel, &r.Action, &r.TargetType,
		&r.TargetID, &before, &after, &diff, &r.Reason, &r.RequestID, &r.IP, &r.UserAgent, &r.PrevHash, &r.Hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, ports.ErrAuditNotFound
	}
	if err != nil {
		return r, err
	}
	r.TenantID = uuidString(tenant)
	r.OccurredAt = r.OccurredAt.UTC()
	// jsonb re-orders and re-spaces what it stores; canonicalising again restores what was hashed.
	for _, f := range []struct {
		src *string
		dst *[]byte
	}{{before, (*[]byte)(&r.Before)}, {after, (*[]byte)(&r.After)}, {diff, (*[]byte)(&r.Diff)}} {
		if f.src == nil {
			continue
		}
		c, err := audit.Canonical([]byte(*f.src))
		if err != nil {
			return r, err
		}
		*f.dst = c
	}
	return r, nil
}

// where adds the filter's conditions to w.
func (AuditLog) where(w *postgres.Where, f ports.AuditFilter) {
	if f.ActorID != "" {
		w.And("actor_id = $1", f.ActorID)
	}
	if f.Action != "" {
		w.And("action = $1", f.Action)
	}
	if f.TargetType != "" {
		w.And("target_type = $1", f.TargetType)
	}
	if f.TargetID != "" {
		w.And("target_id = $1", f.TargetID)
	}
	if !f.From.IsZero() {
		w.And("occurred_at >= $1", f.From)
	}
	if !f.To.IsZero() {
		w.And("occurred_at < $1", f.To)
	}
}

// List implements ports.AuditReader.
func (l AuditLog) List(ctx context.Context, f ports.AuditFilter, page ports.Page) ([]audit.Record, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return nil, err
	}
	var w postgres.Where
	if page.After != "" {
		after, err := strconv.ParseInt(page.After, 10, 64)
		if err != nil {
			return nil, ports.ErrBadCursor
		}
		w.And("seq < $1", after)
	}
	l.where(&w, f)
	rows, err := q.Query(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE `+w.String()+
		` ORDER BY seq DESC LIMIT `+w.Arg(page.Limit), w.Args()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []audit.Record
	for rows.Next() {
		r, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Get implements ports.AuditReader.
func (AuditLog) Get(ctx context.Context, seq int64) (audit.Record, error) {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return audit.Record{}, err
	}
	return scanAudit(q.QueryRow(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE seq = $1`, seq))
}

// Each implements ports.AuditReader.
func (l AuditLog) Each(ctx context.Context, f ports.AuditFilter, fn func(audit.Record) error) error {
	q, _, err := postgres.TenantTx(ctx)
	if err != nil {
		return err
	}
	var w postgres.Where
	l.where(&w, f)
	rows, err := q.Query(ctx, `SELECT `+auditColumns+` FROM audit_log WHERE `+w.String()+` ORDER BY seq`, w.Args()...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanAudit(rows)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

func uuidString(b [16]byte) string { return uuid.UUID(b).String() }

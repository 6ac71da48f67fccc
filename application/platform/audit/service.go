// Package audit is the use cases of the audit trail: browse, export and verify it. Changes are
// recorded by the services that make them, through ports.AuditLog, in their own transaction.
package audit

import (
	"context"
	"errors"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/engagehq/engage/application/csvexport"
	"github.com/engagehq/engage/domain/platform/audit"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Deps are what the service needs.
type Deps struct {
	Tx      ports.Transactor
	Reader  ports.AuditReader
	Tenants *tenants.Directory
	// Names are every module's namers, asked when names are wanted (modules built after the
	// platform add theirs); nil names nothing.
	Names func() ports.Namers
}

// Service reads the audit trail.
type Service struct {
	tx     ports.Transactor
	reader ports.AuditReader
	dir    *tenants.Directory
	names  func() ports.Namers
}

// NewService returns the audit service.
func NewService(d Deps) *Service {
	return &Service{tx: d.Tx, reader: d.Reader, dir: d.Tenants, names: d.Names}
}

// Names names what records refer to: for each type in refs (a target type, or "user" and
// "api_key" for actors), the names of those of its IDs that still exist, with one query per
// type, in one read of tenant. Types no module names give none.
func (s *Service) Names(ctx context.Context, tenant tenants.ID, refs map[string][]string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	if s.names == nil {
		return out, nil
	}
	namers := s.names()
	return ports.ReadInTenant(ctx, s.tx, tenant, func(ctx context.Context) (map[string]map[string]string, error) {
		for kind, ids := range refs {
			f, ok := namers[kind]
			if !ok || len(ids) == 0 {
				continue
			}
			names, err := f(ctx, ids)
			if err != nil {
				return nil, err
			}
			out[kind] = names
		}
		return out, nil
	})
}

// List returns a page of tenant's records matching f, newest first.
func (s *Service) List(ctx context.Context, tenant tenants.ID, f ports.AuditFilter, page ports.Page) ([]audit.Record, error) {
	return ports.ReadInTenant(ctx, s.tx, tenant, func(ctx context.Context) ([]audit.Record, error) {
		return s.reader.List(ctx, f, page)
	})
}

// Get returns one record.
func (s *Service) Get(ctx context.Context, tenant tenants.ID, seq int64) (audit.Record, error) {
	return ports.ReadInTenant(ctx, s.tx, tenant, func(ctx context.Context) (audit.Record, error) {
		return s.reader.Get(ctx, seq)
	})
}

// CSVHeader is the first line of an export.
var CSVHeader = []string{"seq", "occurred_at", "actor_kind", "actor_id", "actor_label", "action", "target_type",
	"target_id", "reason", "before", "after", "diff", "request_id", "ip", "user_agent"}

// ExportCSV streams tenant's records matching f to w, oldest first, from one snapshot. Cells a
// spreadsheet would run as formulas are defused: anyone whose request is audited, refused ones
// included, chooses the user agent.
func (s *Service) ExportCSV(ctx context.Context, tenant tenants.ID, f ports.AuditFilter, w io.Writer) error {
	cw := csvexport.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	err := s.tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		return s.reader.Each(ctx, f, func(r audit.Record) error {
			return cw.Write([]string{strconv.FormatInt(r.Seq, 10), r.OccurredAt.Format(time.RFC3339Nano), r.ActorKind,
				r.ActorID, r.ActorLabel, r.Action, r.TargetType, r.TargetID, r.Reason, string(r.Before), string(r.After),
				string(r.Diff), r.RequestID, r.IP, r.UserAgent})
		})
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// Verification is the outcome of checking one tenant's chain.
type Verification struct {
	Tenant  tenants.Tenant
	Records int64
	// Break is where the chain stops holding; nil when it holds.
	Break *audit.Break
}

// Verify checks tenant's whole chain from one snapshot.
func (s *Service) Verify(ctx context.Context, t tenants.Tenant) (Verification, error) {
	v := Verification{Tenant: t}
	check := audit.NewVerifier()
	err := s.tx.InTenant(ctx, t.ID, func(ctx context.Context) error {
		return s.reader.Each(ctx, ports.AuditFilter{}, func(r audit.Record) error {
			v.Records++
			if err := check.Next(r); err != nil {
				return err
			}
			return nil
		})
	})
	var b audit.Break
	if errors.As(err, &b) {
		v.Break = &b
		return v, nil
	}
	return v, err
}

// VerifyAll checks every tenant's chain, calling report for each.
func (s *Service) VerifyAll(ctx context.Context, report func(Verification)) error {
	after := ""
	for {
		page, err := s.dir.List(ctx, after, 200)
		if err != nil {
			return err
		}
		for _, t := range page {
			v, err := s.Verify(ctx, t)
			if err != nil {
				return err
			}
			report(v)
		}
		if len(page) < 200 {
			return nil
		}
		after = page[len(page)-1].Slug
	}
}

// DayCount is how many changes a day saw.
type DayCount struct {
	Day   time.Time
	Count int
}

// Activity counts tenant's audit records per day for the last days days, oldest first, in
// the tenant's time zone.
func (s *Service) Activity(ctx context.Context, t tenants.Tenant, days int, now time.Time) ([]DayCount, error) {
	loc, err := time.LoadLocation(t.Timezone)
	if err != nil {
		loc = time.UTC
	}
	today := time.Date(now.In(loc).Year(), now.In(loc).Month(), now.In(loc).Day(), 0, 0, 0, 0, loc)
	out := make([]DayCount, days)
	for i := range out {
		out[i].Day = today.AddDate(0, 0, i-days+1)
	}
	err = s.tx.InTenant(ctx, t.ID, func(ctx context.Context) error {
		return s.reader.Each(ctx, ports.AuditFilter{From: out[0].Day}, func(r audit.Record) error {
			at := r.OccurredAt.In(loc)
			day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, loc)
			if i := int(math.Round(day.Sub(out[0].Day).Hours() / 24)); i >= 0 && i < days {
				out[i].Count++
			}
			return nil
		})
	})
	return out, err
}

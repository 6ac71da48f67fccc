package wechataccounts

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Statuses of a fan tag import.
const (
	ImportQueued  = "queued"
	ImportRunning = "running"
	ImportDone    = "done"
	ImportFailed  = "failed"
)

// maxTagLength is the longest tag a customer can carry; WeChat's own are at most 30.
const maxTagLength = 40

// ImportFanTagsArgs is the job that imports a brand's fan tags.
type ImportFanTagsArgs struct {
	TenantID uuid.UUID `json:"tenant_id"`
	ImportID uuid.UUID `json:"import_id"`
}

// Kind names the job.
func (ImportFanTagsArgs) Kind() string { return "wechat_fan_tags_import" }

// RequestFanTagImport queues an import of the brand's Official Account fan tags, audited; the
// job does the work. ErrNotConfigured when the brand has no Official Account.
func (s *Service) RequestFanTagImport(ctx context.Context, tenant tenants.ID) (ports.FanTagImport, error) {
	set, err := s.d.Channels.Get(ctx, tenant)
	if err != nil {
		return ports.FanTagImport{}, err
	}
	if set.OfficialAccount == nil {
		return ports.FanTagImport{}, ErrNotConfigured
	}
	imp := ports.FanTagImport{ID: uuid.New(), Status: ImportQueued, RequestedAt: s.d.Clock.Now()}
	err = s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		if err := s.d.Imports.Insert(ctx, imp); err != nil {
			return err
		}
		if err := s.d.Jobs.Enqueue(ctx, ImportFanTagsArgs{TenantID: tenant.UUID(), ImportID: imp.ID}, ports.JobOptions{}); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "wechat_fan_tags.import_request", TargetType: "wechat_fan_tag_import",
			TargetID: imp.ID.String(), After: map[string]any{"app_id": set.OfficialAccount.AppID}})
	})
	return imp, err
}

// FanTagImport returns one of the brand's imports, or ports.ErrFanTagImportNotFound.
func (s *Service) FanTagImport(ctx context.Context, tenant tenants.ID, id uuid.UUID) (ports.FanTagImport, error) {
	return ports.ReadInTenant(ctx, s.d.Tx, tenant, func(ctx context.Context) (ports.FanTagImport, error) {
		return s.d.Imports.Get(ctx, id)
	})
}

// RecentFanTagImports returns the brand's latest imports, newest first.
func (s *Service) RecentFanTagImports(ctx context.Context, tenant tenants.ID, limit int) ([]ports.FanTagImport, error) {
	return ports.ReadInTenant(ctx, s.d.Tx, tenant, func(ctx context.Context) ([]ports.FanTagImport, error) {
		return s.d.Imports.Latest(ctx, limit)
	})
}

// RunFanTagImport is the job's work: it lists the Official Account's tags and, page by page,
// the fans under each; fans linked to a customer get the tag (source wechat), one tenant
// transaction per page. A finished import is left alone, and tagging twice changes nothing, so
// a job delivered again is harmless. WeChat refusing (an unauthorised API, a spent quota, a
// token refused even after a forced refresh) or a missing channel fails the import with the
// reason and is not retried; a network failure is returned for River to retry. The outcome is
// audited with its counts.
func (s *Service) RunFanTagImport(ctx context.Context, args ImportFanTagsArgs) error {
	t, err := s.d.Tenants.Resolve(ctx, args.TenantID)
	if err != nil {
		return err
	}
	imp, err := s.FanTagImport(ctx, t.ID, args.ImportID)
	if err != nil || imp.Status == ImportDone || imp.Status == ImportFailed {
		return err
	}
	imp.Status, imp.Tags, imp.Fans, imp.Matched, imp.ErrorCode = ImportRunning, 0, 0, 0, ""
	if err := s.save(ctx, t.ID, imp, false); err != nil {
		return err
	}
	appID, secret, err := s.d.Channels.WeChatCredentials(ctx, t.ID, ports.ChannelWeChatOfficialAccount)
	if errors.Is(err, ports.ErrChannelNotConfigured) || errors.Is(err, channels.ErrNoSecret) {
		imp.Status, imp.ErrorCode = ImportFailed, "not_configured"
		return s.save(ctx, t.ID, imp, true)
	}
	if err != nil {
		return err
	}
	run := importRun{s: s, tenant: t.ID, appID: appID, secret: secret, imp: &imp}
	err = run.all(ctx)
	var pe *ports.ProviderError
	switch {
	case errors.As(err, &pe):
		imp.Status, imp.ErrorCode = ImportFailed, "wechat_"+pe.Code
	case err != nil:
		return err
	default:
		imp.Status = ImportDone
	}
	return s.save(ctx, t.ID, imp, true)
}

// save stores the import; a finished one is dated and audited with its counts.
func (s *Service) save(ctx context.Context, tenant tenants.ID, imp ports.FanTagImport, finished bool) error {
	if finished {
		now := s.d.Clock.Now()
		imp.FinishedAt = &now
	}
	return s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		if err := s.d.Imports.Save(ctx, imp); err != nil || !finished {
			return err
		}
		return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "wechat_fan_tags.import", TargetType: "wechat_fan_tag_import",
			TargetID: imp.ID.String(), After: map[string]any{"status": imp.Status, "error_code": imp.ErrorCode,
				"tags": imp.Tags, "fans": imp.Fans, "matched": imp.Matched}})
	})
}

// importRun is one run of an import.
type importRun struct {
	s             *Service
	tenant        tenants.ID
	appID, secret string
	imp           *ports.FanTagImport
}

// call runs f with the account's access token; a token WeChat no longer accepts is refreshed
// once.
func (r *importRun) call(ctx context.Context, f func(token string) error) error {
	for force := false; ; force = true {
		token, _, err := r.s.d.AccessTokens.StableToken(ctx, r.appID, r.secret, force)
		if err != nil {
			return err
		}
		err = f(token)
		var pe *ports.ProviderError
		if !force && errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "42001") {
			continue
		}
		return err
	}
}

func (r *importRun) all(ctx context.Context) error {
	var tags []ports.WeChatFanTag
	err := r.call(ctx, func(token string) (err error) {
		tags, err = r.s.d.OfficialAccount.FanTags(ctx, token)
		return err
	})
	if err != nil {
		return err
	}
	r.imp.Tags = len(tags)
	for _, tag := range tags {
		name := strings.TrimSpace(tag.Name)
		if name == "" || utf8.RuneCountInString(name) > maxTagLength {
			continue
		}
		if err := r.tag(ctx, tag.ID, name); err != nil {
			return fmt.Errorf("tag %s: %w", strconv.FormatInt(tag.ID, 10), err)
		}
	}
	return nil
}

// tag gives the tag name to the customers of every fan under WeChat's tag id.
func (r *importRun) tag(ctx context.Context, id int64, name string) error {
	next := ""
	for {
		var page ports.WeChatFanPage
		err := r.call(ctx, func(token string) (err error) {
			page, err = r.s.d.OfficialAccount.TagFans(ctx, token, id, next)
			return err
		})
		if err != nil || len(page.OpenIDs) == 0 {
			return err
		}
		err = r.s.d.Tx.InTenant(ctx, r.tenant, func(ctx context.Context) error {
			found, err := r.s.d.Links.CustomersByOpenIDs(ctx, r.appID, page.OpenIDs)
			if err != nil {
				return err
			}
			for _, c := range found {
				if err := r.s.d.Tags.AssignTags(ctx, c, []string{name}, ports.TagWeChat); err != nil {
					return err
				}
			}
			r.imp.Matched += len(found)
			return nil
		})
		if err != nil {
			return err
		}
		r.imp.Fans += len(page.OpenIDs)
		if page.Next == "" || page.Next == next {
			return nil
		}
		next = page.Next
	}
}

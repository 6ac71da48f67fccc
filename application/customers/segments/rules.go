package segments

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// RuleDraft is an auto-tag rule as an admin saves it; Tree is decoded from JSON.
type RuleDraft struct {
	Tag     string
	Tree    any
	Enabled bool
}

func (s *Service) checkRule(ctx context.Context, id uuid.UUID, d RuleDraft) (segment.TagRule, error) {
	r := segment.TagRule{ID: id, Tag: d.Tag, Enabled: d.Enabled}
	checkErr := r.Check()
	t, err := s.parse(ctx, d.Tree)
	if err != nil || checkErr != nil {
		return r, errors.Join(checkErr, err)
	}
	r.Definition, err = json.Marshal(t)
	return r, err
}

func ruleAudit(r segment.TagRule) map[string]any {
	return map[string]any{"tag": r.Tag, "enabled": r.Enabled, "conditions": conditionCount(r.Definition)}
}

// CreateRule saves an auto-tag rule, audited, and enqueues tagging the brand's customers.
func (s *Service) CreateRule(ctx context.Context, tenant tenants.ID, d RuleDraft) (segment.TagRule, error) {
	var out segment.TagRule
	err := s.deps.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		r, err := s.checkRule(ctx, uuid.New(), d)
		if err != nil {
			return err
		}
		if err := s.deps.Rules.Insert(ctx, r); err != nil {
			return err
		}
		if err := s.enqueue(ctx, tenant, RefreshArgs{RuleID: r.ID}); err != nil {
			return err
		}
		if out, err = s.deps.Rules.Get(ctx, r.ID); err != nil {
			return err
		}
		return s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "tag_rule.create", TargetType: "tag_rule", TargetID: r.ID.String(),
			After: ruleAudit(r)})
	})
	return out, err
}

// UpdateRule changes a rule, audited. A rule whose tag changes or that is disabled takes the
// old tag from the customers it gave it to, in the same transaction; the job then tags the
// members anew.
func (s *Service) UpdateRule(ctx context.Context, tenant tenants.ID, id uuid.UUID, d RuleDraft) (segment.TagRule, error) {
	var out segment.TagRule
	err := s.deps.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		before, err := s.deps.Rules.Get(ctx, id)
		if err != nil {
			return err
		}
		r, err := s.checkRule(ctx, id, d)
		if err != nil {
			return err
		}
		if err := s.deps.Rules.Update(ctx, r); err != nil {
			return err
		}
		if before.Tag != r.Tag || !r.Enabled {
			if err := s.deps.Eval.RemoveRuleTags(ctx, before.Tag); err != nil {
				return err
			}
		}
		if r.Enabled {
			if err := s.enqueue(ctx, tenant, RefreshArgs{RuleID: id}); err != nil {
				return err
			}
		}
		if out, err = s.deps.Rules.Get(ctx, id); err != nil {
			return err
		}
		return s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "tag_rule.update", TargetType: "tag_rule", TargetID: id.String(),
			Before: ruleAudit(before), After: ruleAudit(r)})
	})
	return out, err
}

// DeleteRule removes a rule and the tags it gave, audited.
func (s *Service) DeleteRule(ctx context.Context, tenant tenants.ID, id uuid.UUID) error {
	return s.deps.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		before, err := s.deps.Rules.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := s.deps.Rules.Delete(ctx, id); err != nil {
			return err
		}
		if err := s.deps.Eval.RemoveRuleTags(ctx, before.Tag); err != nil {
			return err
		}
		return s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "tag_rule.delete", TargetType: "tag_rule", TargetID: id.String(),
			Before: ruleAudit(before)})
	})
}

// GetRule returns a rule.
func (s *Service) GetRule(ctx context.Context, tenant tenants.ID, id uuid.UUID) (segment.TagRule, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (segment.TagRule, error) {
		return s.deps.Rules.Get(ctx, id)
	})
}

// Rules returns every rule of the brand, by tag.
func (s *Service) Rules(ctx context.Context, tenant tenants.ID) ([]segment.TagRule, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, s.deps.Rules.List)
}

package console

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/engagehq/engage/application/segments"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/segment"
	"github.com/engagehq/engage/ports"
)

type tagRulesView struct {
	segmentView
	Rules    []segment.TagRule
	Tag      string
	TagError string
}

func (s *Server) tagRulesPage(w http.ResponseWriter, r *http.Request, out tagRulesView, status int) {
	v := viewFrom(r.Context())
	rules, err := s.d.Segments.Rules(r.Context(), v.Tenant.ID)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	out.view, out.Rules, out.BuilderPath = v, rules, ruleBuilderPath
	if out.Builder.Match == "" {
		out.Builder = builder{Match: "and", Rows: []conditionRow{{Field: "purchases", Op: segment.OpGe, Days: "30"}}}
	}
	if _, err := s.builderFields(r, &out.Builder); err != nil {
		s.internal(w, r, err)
		return
	}
	w.WriteHeader(status)
	s.pages.render(w, "tag_rules", out)
}

func (s *Server) tagRules(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermCustomersRead) {
		return
	}
	s.tagRulesPage(w, r, tagRulesView{}, http.StatusOK)
}

func (s *Server) createTagRule(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermCustomersWrite) {
		return
	}
	v := viewFrom(r.Context())
	out := tagRulesView{segmentView: segmentView{Builder: readBuilder(r)}, Tag: r.PostFormValue("tag")}
	cat, err := s.builderFields(r, &out.Builder)
	if err == nil {
		_, err = s.d.Segments.CreateRule(r.Context(), v.Tenant.ID, segments.RuleDraft{Tag: out.Tag, Tree: out.Builder.tree(cat), Enabled: true})
	}
	if err == nil {
		redirect(w, r, "/console/tag-rules")
		return
	}
	var fe *segment.FieldError
	tree := out.Builder.showErrors(v.Lang, err)
	switch {
	case errors.As(err, &fe):
		out.TagError = tr(v.Lang, "rules.bad_tag")
	case errors.Is(err, ports.ErrTagRuleTaken):
		out.TagError = tr(v.Lang, "rules.tag_taken")
	case !tree:
		s.internal(w, r, err)
		return
	}
	s.tagRulesPage(w, r, out, http.StatusUnprocessableEntity)
}

// changeTagRule enables, disables or deletes a rule.
func (s *Server) changeTagRule(w http.ResponseWriter, r *http.Request) {
	if !s.allowed(w, r, access.PermCustomersWrite) {
		return
	}
	id, ok := s.pathID(w, r)
	if !ok {
		return
	}
	v := viewFrom(r.Context())
	var err error
	switch action := r.PostFormValue("action"); action {
	case "delete":
		err = s.d.Segments.DeleteRule(r.Context(), v.Tenant.ID, id)
	default:
		var rule segment.TagRule
		if rule, err = s.d.Segments.GetRule(r.Context(), v.Tenant.ID, id); err == nil {
			var tree any
			if err = json.Unmarshal(rule.Definition, &tree); err == nil {
				_, err = s.d.Segments.UpdateRule(r.Context(), v.Tenant.ID, id, segments.RuleDraft{Tag: rule.Tag, Tree: tree, Enabled: action == "enable"})
			}
		}
	}
	if errors.Is(err, ports.ErrTagRuleNotFound) {
		s.fail(w, r, http.StatusNotFound, tr(v.Lang, "error.not_found"))
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	redirect(w, r, "/console/tag-rules")
}

package customersui

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/ports"
)

type tagRulesView struct {
	segmentView
	Rules    []segment.TagRule
	Tag      string
	TagError string
}

func (h *handlers) tagRulesPage(w http.ResponseWriter, r *http.Request, out tagRulesView, status int) {
	v := console.ViewOf(r)
	rules, err := h.d.Segments.Rules(r.Context(), v.Tenant.ID)
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	out.View, out.Rules, out.BuilderPath = v, rules, ruleBuilderPath
	if out.Builder.Root == nil {
		out.Builder = newBuilder(withDays(cond("purchases", segment.OpGe), "30"))
	}
	p, err := h.palette(r)
	if err == nil {
		err = h.draw(r, p, &out.Builder)
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	w.WriteHeader(status)
	console.Render(w, r, "tag_rules", out)
}

func (h *handlers) tagRules(w http.ResponseWriter, r *http.Request) {
	h.tagRulesPage(w, r, tagRulesView{}, http.StatusOK)
}

// ruleRedrawn is the tag rules page of a form posted to the builder without scripts: the tag
// and the builder as posted.
func (h *handlers) ruleRedrawn(w http.ResponseWriter, r *http.Request, b builder) {
	h.tagRulesPage(w, r, tagRulesView{segmentView: segmentView{Builder: b}, Tag: r.PostFormValue("tag")}, http.StatusOK)
}

func (h *handlers) createTagRule(w http.ResponseWriter, r *http.Request) {
	v := console.ViewOf(r)
	out := tagRulesView{segmentView: segmentView{Builder: readBuilder(r)}, Tag: r.PostFormValue("tag")}
	p, err := h.palette(r)
	var at map[string]*bnode
	if err == nil {
		var tree any
		tree, at = out.Builder.tree(p)
		_, err = h.d.Segments.CreateRule(r.Context(), v.Tenant.ID, segments.RuleDraft{Tag: out.Tag, Tree: tree, Enabled: true})
	}
	if err == nil {
		console.Redirect(w, r, "/console/tag-rules")
		return
	}
	tree := out.Builder.showErrors(v.Lang, err, at)
	switch {
	case names(err, "tag"):
		out.TagError = messages.T(v.Lang, "rules.bad_tag")
	case errors.Is(err, ports.ErrTagRuleTaken):
		out.TagError = messages.T(v.Lang, "rules.tag_taken")
	case !tree:
		console.Internal(w, r, err)
		return
	}
	h.tagRulesPage(w, r, out, http.StatusUnprocessableEntity)
}

// changeTagRule enables, disables or deletes a rule.
func (h *handlers) changeTagRule(w http.ResponseWriter, r *http.Request) {
	id, ok := console.PathID(w, r)
	if !ok {
		return
	}
	v := console.ViewOf(r)
	var err error
	switch action := r.PostFormValue("action"); action {
	case "delete":
		err = h.d.Segments.DeleteRule(r.Context(), v.Tenant.ID, id)
	default:
		var rule segment.TagRule
		if rule, err = h.d.Segments.GetRule(r.Context(), v.Tenant.ID, id); err == nil {
			var tree any
			if err = json.Unmarshal(rule.Definition, &tree); err == nil {
				_, err = h.d.Segments.UpdateRule(r.Context(), v.Tenant.ID, id, segments.RuleDraft{Tag: rule.Tag, Tree: tree, Enabled: action == "enable"})
			}
		}
	}
	if errors.Is(err, ports.ErrTagRuleNotFound) {
		console.NotFound(w, r)
		return
	}
	if err != nil {
		console.Internal(w, r, err)
		return
	}
	console.Redirect(w, r, "/console/tag-rules")
}

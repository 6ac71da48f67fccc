package points

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/rules"
	"github.com/engagehq/engage/tenants"
)

// RuleTip is one earning rule as a customer reads it, in their language.
type RuleTip struct {
	Key    string
	Wallet ledger.Wallet
	Kind   rules.Kind
	Title  string
	// Tip is the brand's tip, or what the rule gives in words when it wrote none.
	Tip string
	// Until is the last day the rule holds (its date range's end), when it has one.
	Until string
}

// memberLang is the language a member reads: lang (zh-CN or en), else the member's own, else
// zh-CN; ports.ErrCustomerNotFound for a customer the brand does not know.
func (s *Service) memberLang(ctx context.Context, tenant tenants.ID, customer uuid.UUID, lang string) (string, error) {
	c, err := s.deps.Customers.Get(ctx, tenant, customer)
	if err != nil {
		return "", err
	}
	if lang == "" {
		lang = c.Language
	}
	if strings.HasPrefix(lang, "en") {
		return "en", nil
	}
	return "zh-CN", nil
}

// MyRules returns the earning rules in effect now, for a customer, in lang ("zh-CN" or "en";
// empty: the customer's own language, else zh-CN): each rule's title and tip, the rules
// giving the most first. Rules whose date range ended are left out.
func (s *Service) MyRules(ctx context.Context, tenant tenants.ID, customer uuid.UUID, lang string) ([]RuleTip, string, error) {
	lang, err := s.memberLang(ctx, tenant, customer, lang)
	if err != nil {
		return nil, "", err
	}
	type loaded struct {
		set rules.Set
		loc *time.Location
	}
	l, err := inTenantRead(ctx, s, tenant, func(ctx context.Context) (loaded, error) {
		settings, err := s.deps.Programs.Settings(ctx)
		if err != nil {
			return loaded{}, err
		}
		versions, err := s.versions(ctx)
		if err != nil {
			return loaded{}, err
		}
		loc, err := s.location(ctx)
		set, _ := setAt(versions, settings, s.deps.Clock.Now())
		return loaded{set, loc}, err
	})
	if err != nil {
		return nil, "", err
	}
	today := s.deps.Clock.Now().In(l.loc).Format(time.DateOnly)
	rs := slices.Clone(l.set.Rules)
	slices.SortStableFunc(rs, func(a, b rules.Rule) int { return b.Priority - a.Priority })
	var out []RuleTip
	for _, r := range rs {
		if r.When.ToDate != "" && r.When.ToDate < today {
			continue
		}
		tip := r.Tip.In(lang)
		if tip == "" {
			tip = Describe(r, lang)
		}
		out = append(out, RuleTip{Key: r.Key, Wallet: r.Wallet, Kind: r.Kind, Title: r.Title.In(lang), Tip: tip, Until: r.When.ToDate})
	}
	return out, lang, nil
}

// walletWords names the built-in wallets in customers' words.
var walletWords = map[string]map[ledger.Wallet]string{
	"zh-CN": {ledger.Points: "积分", ledger.Status: "成长值"},
	"en":    {ledger.Points: "points", ledger.Status: "status points"},
}

// Describe says what a rule gives in lang ("zh-CN" or "en"): the tip of a rule whose brand wrote none.
func Describe(r rules.Rule, lang string) string {
	w, ok := walletWords[lang][r.Wallet]
	if !ok {
		w = string(r.Wallet)
	}
	if lang == "en" && r.Kind != rules.KindMultiplier && r.Points == 1 {
		w = strings.Replace(w, "points", "point", 1)
	}
	yuan := func(fen int64) string {
		if fen%100 == 0 {
			return fmt.Sprintf("%d", fen/100)
		}
		return fmt.Sprintf("%d.%02d", fen/100, fen%100)
	}
	zh := lang == "zh-CN"
	switch r.Kind {
	case rules.KindBase:
		if zh {
			return fmt.Sprintf("每消费 %s 元得 %d %s", yuan(r.PerFen), r.Points, w)
		}
		return fmt.Sprintf("%d %s for every ¥%s spent", r.Points, w, yuan(r.PerFen))
	case rules.KindMultiplier:
		x := fmt.Sprintf("%d", r.Percent/100)
		if r.Percent%100 != 0 {
			x = fmt.Sprintf("%d.%02d", r.Percent/100, r.Percent%100)
			x = strings.TrimRight(x, "0")
		}
		if zh {
			return fmt.Sprintf("%s 倍%s", x, w)
		}
		return fmt.Sprintf("%s× %s", x, w)
	default:
		if zh {
			return fmt.Sprintf("额外赠送 %d %s", r.Points, w)
		}
		return fmt.Sprintf("%d bonus %s", r.Points, w)
	}
}

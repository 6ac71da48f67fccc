package tiersui

import (
	"fmt"
	"strings"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/domain/tiers/tier"
)

// criteriaText says in lang what a tier qualifies on: "消费满2,000元或成长值满500",
// "Spend ¥2,000 or earn 500 status points" (capitalised for a table cell); every member's for a tier without criteria.
func criteriaText(lang string, t tier.Tier) string {
	var parts []string
	for _, c := range t.Criteria {
		if c.Min <= 0 {
			continue
		}
		n := console.FormatCount(c.Min)
		if c.Kind == tier.Spend {
			n = console.FormatYuan(c.Min)
		}
		parts = append(parts, fmt.Sprintf(messages.T(lang, "tiers.criterion_"+string(c.Kind)), n))
	}
	if len(parts) == 0 {
		return messages.T(lang, "tiers.everyone")
	}
	s := strings.Join(parts, messages.T(lang, "tiers.join_"+string(t.Match)))
	if lang == "en" {
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	return s
}

// settingsText is the program's settings in lang, a sentence each.
func settingsText(lang string, s tier.Settings) []string {
	out := []string{
		messages.T(lang, "tiers.window_"+string(s.Window)),
		messages.T(lang, "tiers.start_"+string(s.Start)),
		messages.T(lang, "tiers.downgrade_"+string(s.Downgrade)),
		messages.T(lang, "tiers.validity_"+string(s.Validity)),
	}
	if s.GraceMonths > 0 {
		out = append(out, fmt.Sprintf(messages.T(lang, "tiers.grace_months"), s.GraceMonths))
	} else {
		out = append(out, messages.T(lang, "tiers.no_grace"))
	}
	if s.RefundsDowngrade {
		out = append(out, messages.T(lang, "tiers.refunds_count"))
	} else {
		out = append(out, messages.T(lang, "tiers.refunds_ignored"))
	}
	out = append(out, messages.T(lang, "tiers.mode_"+string(s.Mode)))
	if s.WarningDays > 0 {
		out = append(out, fmt.Sprintf(messages.T(lang, "tiers.warning_days"), s.WarningDays))
	} else {
		out = append(out, messages.T(lang, "tiers.no_warning"))
	}
	return out
}

// figuresText says in lang what the member did in the period under way.
func figuresText(lang string, f tier.Figures) string {
	return fmt.Sprintf(messages.T(lang, "tiers.figures"), console.FormatYuan(f.SpendFen), console.FormatCount(f.StatusPoints),
		console.FormatCount(f.Visits))
}

package pointsui

import (
	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/domain/points/actions"
	"github.com/engagehq/engage/domain/points/program"
)

// fieldTerms name the fields of the points module's audit records (the points rules, a manual
// adjustment) that the settings page does not name already, for the audit record's page.
var fieldTerms = console.Terms{
	"zh-CN": {
		"field.points_settings.spendable": "可用于兑换", "field.points_settings.points": "积分",
		"field.points_settings.per_fen": "每消费金额", "field.points_settings.expiry_period": "清零周期",
		"field.customer.wallet": "积分账户",
		"field.customer.points": "积分", "field.customer.reference": "业务单号", "field.customer.balance": "调整后余额",
	},
	"en": {
		"field.points_settings.spendable": "Can be redeemed", "field.points_settings.points": "Points",
		"field.points_settings.per_fen": "Per amount spent", "field.points_settings.expiry_period": "Expiry period",
		"field.customer.wallet": "Points account",
		"field.customer.points": "Points", "field.customer.reference": "Reference", "field.customer.balance": "Balance after",
	},
}

// init names, from the settings page's messages (one definition each), the points rules'
// fields and their enumerated values, and merges fieldTerms into Terms.
func init() {
	for lang, m := range messages {
		ts := Terms[lang]
		for k, s := range fieldTerms[lang] {
			ts[k] = s
		}
		field := func(key, msg string) { ts[console.TermKey(console.TermField, "points_settings."+key)] = m[msg] }
		field("refund_policy", "points.refund_policy")
		field("pending_days", "points.pending_days")
		field("warning_days", "points.warning_days")
		field("wallets", "points.wallets")
		field("key", "points.wallet_key")
		field("min_spend_fen", "points.min_spend")
		field("max_points_per_order", "points.max_per_order")
		field("expiry", "points.expiry")
		field("expiry_months", "points.expiry_months")
		value := func(key, code, msg string) {
			ts[console.TermKey(console.TermValue, "points_settings."+key+"."+code)] = m[msg]
		}
		for _, w := range []string{"points", "status"} { // the wallets every program starts with
			value("key", w, "points.wallet_"+w)
			ts[console.TermKey(console.TermValue, "customer.wallet."+w)] = m["points.wallet_"+w]
		}
		for _, p := range []program.RefundPolicy{program.RefundPendingOnly, program.RefundActiveToZero, program.RefundAllowNegative} {
			value("refund_policy", string(p), "points.refund_"+string(p))
		}
		for _, p := range []program.ExpiryPolicy{program.ExpireNever, program.ExpireEndOfPeriod} {
			value("expiry", string(p), "points.expiry_"+string(p))
		}
		for _, p := range []program.Period{program.Day, program.Month, program.Quarter, program.HalfYear, program.Year} {
			value("expiry_period", string(p), "points.period_"+string(p))
		}
		// The action rules' actions and periods, as their page names them.
		for _, a := range actions.Actions {
			ts[console.TermKey(console.TermValue, "points_action_rule.action."+string(a))] = m["actions.action_"+string(a)]
		}
		for _, p := range actions.Periods {
			ts[console.TermKey(console.TermValue, "points_action_rule.limit_period."+string(p))] = m["actions.period_"+string(p)]
		}
	}
}

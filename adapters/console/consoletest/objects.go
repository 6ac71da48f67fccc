package consoletest

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/module"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/application/customers/segments"
	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/application/points/receipts"
	rewardsapp "github.com/engagehq/engage/application/points/rewards"
	tiersapp "github.com/engagehq/engage/application/tiers/tiers"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/platform/webhook"
	"github.com/engagehq/engage/domain/points/actions"
	"github.com/engagehq/engage/domain/points/campaigns"
	"github.com/engagehq/engage/domain/points/fraud"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/report"
	"github.com/engagehq/engage/domain/points/rewards"
	"github.com/engagehq/engage/domain/points/rules"
	"github.com/engagehq/engage/domain/tiers/tier"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Objects are one of each thing a brand's console pages change, made by Furnish, to aim
// requests at: a test then checks that they are still there.
type Objects struct {
	Tenant tenants.Tenant
	// APIKey, Invitation, Member (an admin besides the owner), Webhook, Segment, TagRule and
	// Customer are IDs; Role a custom role's name, EventType a custom event type's key, Tag a
	// tag of Customer, OpenID the customer's WeChat login (empty without a WeChat stand-in), and
	// InvitationToken the token of Invitation's link.
	APIKey, Invitation, Member, Webhook, Segment, TagRule, Customer uuid.UUID
	Role, EventType, Tag, OpenID, InvitationToken                   string
	// Receipt is a receipt Customer uploaded (a blank photo), waiting for review.
	Receipt uuid.UUID
	// ActionRule is the key of an action rule (a survey bonus, not active); Reward a reward of
	// the catalog and Voucher the voucher Customer claimed of it.
	ActionRule      string
	Reward, Voucher uuid.UUID
	// RuleVersion is the number of a version of the earning rules taking effect tomorrow;
	// Approval an adjustment of Customer's points waiting for a second admin; Schedule a
	// scheduled report export.
	RuleVersion        int
	Approval, Schedule uuid.UUID
	// FraudFlag is a purchase of Customer over the brand's daily limit, its points held.
	FraudFlag uuid.UUID
	// Campaign is a points campaign starting tomorrow.
	Campaign uuid.UUID
	// TierBenefit is a perk of the upper tier, which Customer holds.
	TierBenefit uuid.UUID
}

// miniApp and miniSecret are the Mini Program of Furnish's brands.
const (
	miniApp    = "wx00c0ffee00c0ffee"
	miniSecret = "consoletest-mini-secret"
)

// Furnish makes one of each object in tn, through the services as the console would.
func (b *Bundle) Furnish(t *testing.T, tn tenants.Tenant) Objects {
	t.Helper()
	ctx := context.Background()
	a := b.App
	o := Objects{Tenant: tn, Role: "visiting_auditor", EventType: "store_tour", Tag: "vip", ActionRule: "survey_bonus"}
	key, err := a.APIKeys.Create(ctx, tn.ID, nil, "POS "+tn.Slug, access.RoleStoreStaff)
	require.NoError(t, err)
	o.APIKey = key.Key.ID
	inv, err := a.Access.Invite(ctx, tn.ID, nil, "invited@"+tn.Slug+".example", []access.Role{access.RoleMarketer})
	require.NoError(t, err)
	o.Invitation, o.InvitationToken = inv.ID, inv.Token
	m, err := a.Access.AddAdmin(ctx, tn.ID, "marketer@"+tn.Slug+".example", "", []access.Role{access.RoleMarketer})
	require.NoError(t, err)
	o.Member = m.UserID
	_, err = a.Access.SaveRole(ctx, tn.ID, []access.Role{access.RoleOwner}, o.Role, "reads the audit trail", []string{string(access.PermAuditRead)})
	require.NoError(t, err)
	hook, _, err := a.Webhooks.Create(ctx, tn.ID, webhook.Draft{URL: "https://hooks." + tn.Slug + ".example/engage", EventTypes: []string{"customer.created"}})
	require.NoError(t, err)
	o.Webhook = hook.ID
	tree := map[string]any{"field": "city", "op": "=", "value": "上海"}
	seg, err := a.Segments.Create(ctx, tn.ID, segments.Draft{Name: "Shanghai", Tree: tree})
	require.NoError(t, err)
	o.Segment = seg.ID
	rule, err := a.Segments.CreateRule(ctx, tn.ID, segments.RuleDraft{Tag: "shanghai", Tree: tree, Enabled: true})
	require.NoError(t, err)
	o.TagRule = rule.ID
	_, err = a.Events.SaveEventType(ctx, tn.ID, event.CustomType{Key: o.EventType, Label: "Store tour",
		Fields: []event.CustomField{{Key: "store", Label: "Store", Type: "string"}}})
	require.NoError(t, err)
	name, city := "王小明", "上海"
	c, err := a.Customers.Create(ctx, tn.ID, customers.Patch{Name: &name, City: &city})
	require.NoError(t, err)
	o.Customer = c.ID
	_, err = a.Tags.Add(ctx, tn.ID, c.ID, []string{o.Tag})
	require.NoError(t, err)
	if b.WeChat != nil {
		require.NoError(t, a.Channels.Save(ctx, tn.ID, ports.ChannelWeChatMiniProgram, channels.WeChatApp{AppID: miniApp}, miniSecret))
		o.OpenID = "o-" + tn.Slug
		login, err := a.CustomerAuth.Login(ctx, tn.ID, b.WeChat.IssueCode(miniApp, o.OpenID, ""))
		require.NoError(t, err)
		o.Customer = login.CustomerID
		_, err = a.Tags.Add(ctx, tn.ID, o.Customer, []string{o.Tag})
		require.NoError(t, err)
	}
	photo := image.NewGray(image.Rect(0, 0, 300, 400))
	draw.Draw(photo, photo.Bounds(), image.White, image.Point{}, draw.Src)
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, photo))
	_, _ = fmt.Fprint(&buf, tn.Slug) // each brand's photo is its own
	r, _, err := module.Get[*receipts.Service](a.Kernel).Upload(ctx, tn.ID, o.Customer, buf.Bytes())
	require.NoError(t, err)
	o.Receipt = r.ID
	_, err = module.Get[*points.Service](a.Kernel).PutActionRule(ctx, tn.ID, actions.Rule{Key: o.ActionRule, Action: actions.Survey,
		Wallet: ledger.Points, Points: 10, Limit: actions.Limit{Count: 1, Period: actions.Month}, Title: "问卷奖励"})
	require.NoError(t, err)
	catalog := module.Get[*rewardsapp.Service](a.Kernel)
	reward, err := catalog.Create(ctx, tn.ID, rewards.Reward{Kind: rewards.KindVoucher, Status: rewards.StatusActive,
		Title: rewards.Text{ZH: "乌龙茶一杯", EN: "An oolong tea"}, Points: 100, VoucherDays: 30})
	require.NoError(t, err)
	o.Reward = reward.ID
	_, err = module.Get[*points.Service](a.Kernel).Adjust(ctx, tn.ID, points.Adjustment{Customer: o.Customer, Points: 500, ReasonCode: "goodwill"})
	require.NoError(t, err)
	claimed, err := catalog.Redeem(ctx, tn.ID, rewardsapp.Claim{Customer: o.Customer, Reward: reward.ID, Key: "furnish"})
	require.NoError(t, err)
	o.Voucher = claimed.Voucher.ID
	pts := module.Get[*points.Service](a.Kernel)
	set, err := pts.DefaultRules(ctx, tn.ID)
	require.NoError(t, err)
	version, err := pts.AddRuleVersion(ctx, tn.ID, rules.Version{EffectiveAt: time.Now().Add(24 * time.Hour), Set: set, Note: "next"})
	require.NoError(t, err)
	o.RuleVersion = version.Number
	settings, err := pts.Settings(ctx, tn.ID)
	require.NoError(t, err)
	settings.ApprovalAbove = 1000
	require.NoError(t, pts.SetSettings(ctx, tn.ID, settings))
	owner := ports.WithActor(ctx, ports.Actor{Kind: ports.ActorUser, ID: "furnish", Label: "owner@" + tn.Slug + ".example"})
	asked, err := pts.Adjust(owner, tn.ID, points.Adjustment{Customer: o.Customer, Points: 5000, ReasonCode: "compensation"})
	require.NoError(t, err)
	require.NotNil(t, asked.Approval, "above the threshold, the adjustment waits for approval")
	o.Approval = asked.Approval.ID
	schedule, err := pts.CreateSchedule(owner, tn.ID, points.Schedule{Name: "每日积分汇总", Frequency: report.Day, Format: points.FormatXLSX,
		Report: points.ScheduledReport{Kind: "summary", Granularity: report.Day, Lang: "zh-CN"}, Recipients: []string{"finance@" + tn.Slug + ".example"}})
	require.NoError(t, err)
	o.Schedule = schedule.ID
	_, err = pts.PutFraudSettings(owner, tn.ID, fraud.Settings{Limits: []fraud.Limit{{Subject: fraud.Customer, Period: fraud.Day, Measure: fraud.Points, Max: 1}}})
	require.NoError(t, err)
	_, err = pts.EarnPurchase(ctx, tn.ID, points.Purchase{ID: "furnish-held", Customer: o.Customer, AmountFen: 500,
		Items: []event.Item{{SKU: "oolong", Quantity: 1}}})
	require.NoError(t, err)
	flags, err := pts.FraudFlags(ctx, tn.ID, points.FlagQuery{Status: points.FlagPending}, ports.Page{Limit: 1})
	require.NoError(t, err)
	require.Len(t, flags, 1, "over the daily limit, the purchase's points are held")
	o.FraudFlag = flags[0].ID
	campaign, err := pts.CreateCampaign(owner, tn.ID, campaigns.Campaign{Name: rules.Text{ZH: "周末双倍积分", EN: "Double points at weekends"},
		Wallet: ledger.Points, StartsAt: time.Now().Add(24 * time.Hour), EndsAt: time.Now().Add(72 * time.Hour), Kind: rules.KindMultiplier,
		Percent: 200, Budget: 10000})
	require.NoError(t, err)
	o.Campaign = campaign.ID
	// Tiers: a two-tier program, Customer set to its upper tier by hand.
	tierSvc := module.Get[*tiersapp.Service](a.Kernel)
	_, err = tierSvc.PutProgram(ctx, tn.ID, tier.Ladder{{Code: "orange", Name: tier.Text{ZH: "橙卡", EN: "Orange"}, Match: tier.All},
		{Code: "gold", Name: tier.Text{ZH: "金卡", EN: "Gold"}, Match: tier.All, Criteria: []tier.Criterion{{Kind: tier.Spend, Min: 500_000}}}},
		tier.DefaultSettings)
	require.NoError(t, err)
	_, err = tierSvc.Assign(owner, tn.ID, tiersapp.Assignment{Customer: o.Customer, Tier: "gold", Reason: "VIP 名单"})
	require.NoError(t, err)
	perk, err := tierSvc.PutBenefit(owner, tn.ID, tier.Benefit{Tier: "gold", Kind: tier.Perk,
		Title: tier.Text{ZH: "生日双倍积分", EN: "Double points on birthdays"}, UsageLimit: 1, LimitPeriod: tier.PerYear, Existing: true})
	require.NoError(t, err)
	o.TierBenefit = perk.ID
	return o
}

// Fill puts o's objects into the pattern of a console route (e.g. /webhooks/{id}/pause) or of
// an API operation (without /v1), each parameter by the object the path names; false for a
// parameter it has no object for, so that a new kind of route gets one here. The first entry
// for a parameter whose prefix matches fills it.
func (o Objects) Fill(pattern string) (string, bool) {
	// No delivery or report export exists until a worker makes one: made-up IDs stand for them.
	delivery := uuid.NewSHA1(uuid.NameSpaceOID, []byte(o.Webhook.String())).String()
	export := uuid.NewSHA1(uuid.NameSpaceOID, []byte(o.Schedule.String())).String()
	byPrefix := []struct{ prefix, param, value string }{
		{"/webhooks/deliveries/", "{id}", delivery},
		{"/event-types/", "{key}", o.EventType},
		{"/mini/", "{tenant}", o.Tenant.Slug},
		{"/platform/tenants/", "{tenant}", o.Tenant.Slug},
		{"/secrets/", "{name}", ports.ChannelSMTP},
		{"/team/members/", "{user_id}", o.Member.String()},
		{"/wechat-accounts/", "{openid}", o.OpenID},
		{"/api-keys/", "{id}", o.APIKey.String()},
		{"/team/invitations/", "{id}", o.Invitation.String()},
		{"/invitations/", "{token}", o.InvitationToken},
		{"/team/members/", "{id}", o.Member.String()},
		{"/roles/", "{name}", o.Role},
		{"/settings/channels/", "{channel}", ports.ChannelSMTP},
		{"/settings/event-types/", "{key}", o.EventType},
		{"/webhooks/", "{id}", o.Webhook.String()},
		{"/webhooks/", "{delivery}", delivery},
		{"/segments/", "{id}", o.Segment.String()},
		{"/tag-rules/", "{id}", o.TagRule.String()},
		{"/points/receipts/", "{id}", o.Receipt.String()},
		{"/points/actions/", "{key}", o.ActionRule},
		{"/points/rewards/", "{id}", o.Reward.String()},
		{"/points/vouchers/", "{id}", o.Voucher.String()},
		{"/points/rules/versions/", "{version}", strconv.Itoa(o.RuleVersion)},
		{"/me/rewards/", "{id}", o.Reward.String()},
		{"/rewards/", "{id}", o.Reward.String()},
		{"/me/vouchers/", "{id}", o.Voucher.String()},
		{"/vouchers/", "{id}", o.Voucher.String()},
		{"/me/receipts/", "{id}", o.Receipt.String()},
		{"/points/fraud/", "{id}", o.FraudFlag.String()},
		{"/points/approvals/", "{id}", o.Approval.String()},
		{"/points/adjustment-requests/", "{id}", o.Approval.String()},
		{"/points/report-schedules/", "{id}", o.Schedule.String()},
		{"/points/report-exports/", "{id}", export},
		{"/points/campaigns/", "{id}", o.Campaign.String()},
		{"/me/tier/benefits/", "{benefit_id}", o.TierBenefit.String()},
		{"/tiers/benefits/", "{benefit_id}", o.TierBenefit.String()},
		{"/points/action-rules/", "{key}", o.ActionRule},
		{"/customers/", "{id}", o.Customer.String()},
		{"/customers/", "{openid}", o.OpenID},
		{"/platform/tenants/", "{slug}", o.Tenant.Slug},
	}
	out := pattern
	for _, p := range byPrefix {
		if strings.HasPrefix(pattern, p.prefix) && p.value != "" {
			out = strings.ReplaceAll(out, p.param, p.value)
		}
	}
	return out, !strings.Contains(out, "{")
}

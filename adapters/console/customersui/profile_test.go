package customersui_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/console/browsertest"
	"github.com/engagehq/engage/adapters/console/consoletest"
	"github.com/engagehq/engage/application/customers/customers"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/customer"
)

// A brand defines its custom attributes on their own page (key, name, type, a choice's
// values), changes one, and fills them in on a customer's 360° view with inputs of their type,
// together with every profile field: external ID, region, address and language among them.
func TestCustomAttributesAreDefinedAndEveryProfileFieldIsEdited(t *testing.T) {
	t.Parallel()
	b, tn, tab := consoletest.SetupOwner(t)
	ctx := context.Background()
	c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr("林晓"), Phone: ptr("13812345678")})
	require.NoError(t, err)

	// Define two attributes: a choice and a number.
	form := "[data-test=attribute-form]"
	tab.Run(t, chromedp.Navigate(b.URL+"/console/settings/attributes"), chromedp.WaitVisible(chromedp.CSS("[data-test=no-attributes]")))
	define := func(key, label, labelEn, typ, values string) {
		t.Helper()
		tab.Run(t,
			chromedp.SetValue(chromedp.CSS(form+" input[name=key]"), key),
			setValue(form+" input[name=label]", label),
			setValue(form+" input[name=label_en]", labelEn),
			chromedp.SetValue(chromedp.CSS(form+" select[name=type]"), typ),
			setValue(form+" input[name=enum_values]", values),
			chromedp.Click(chromedp.CSS("[data-test=save-attribute]")),
		)
	}
	define("tier", "等级", "Tier", "enum", "gold, silver")
	tab.Run(t, chromedp.WaitVisible(chromedp.CSS("[data-test=attribute-tier]")))
	// A choice without values is refused beside its input, the values kept as typed.
	define("colour", "颜色", "Colour", "enum", "")
	tab.Run(t, chromedp.WaitVisible(chromedp.CSS(form+" [data-test=error-enum_values]")))
	require.Equal(t, "colour", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS(form+" input[name=key]"))))
	// A key already defined is refused rather than replacing that attribute.
	define("tier", "其他", "Other", "string", "")
	tab.Run(t, chromedp.WaitVisible(chromedp.CSS(form+" [data-test=error-key]")))
	define("shoe_size", "", "Shoe size", "number", "")
	tab.Run(t, chromedp.WaitVisible(chromedp.CSS("[data-test=attribute-shoe_size]")))
	// Editing keeps the key and changes the rest: the tier gets a third value.
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=edit-tier]")), chromedp.WaitReady(chromedp.CSS(form+" input[name=editing]")))
	tab.Run(t,
		chromedp.SetValue(chromedp.CSS(form+" input[name=label]"), "会员等级"),
		setValue(form+" input[name=label_en]", "Membership tier"),
		chromedp.SetValue(chromedp.CSS(form+" input[name=enum_values]"), "gold, silver, bronze"),
		chromedp.Click(chromedp.CSS("[data-test=save-attribute]")),
	)
	consoletest.Settle(t, tab, `(document.querySelector("[data-test=attribute-tier]")?.textContent || "").includes("bronze")`)
	require.Contains(t, consoletest.Text(t, tab, "[data-test=attribute-tier]"), "Membership tier")
	tab.Screenshot(t, "attributes-en")
	defs, err := b.App.Customers.AttributeDefs(ctx, tn.ID)
	require.NoError(t, err)
	require.ElementsMatch(t, []customer.AttributeDef{
		{Key: "tier", Type: "enum", Label: "会员等级", LabelEn: "Membership tier", EnumValues: []string{"gold", "silver", "bronze"}},
		{Key: "shoe_size", Type: "number", LabelEn: "Shoe size", EnumValues: []string{}},
	}, defs)

	// The 360° view: tags near the top, the sections a click away, the timeline last.
	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers/"+c.ID.String()), chromedp.WaitVisible(chromedp.CSS("[data-test=tags]")))
	consoletest.Quiet(t, tab)
	tops := browsertest.Get(t, tab, chromedp.Evaluate[[]float64](
		`["#customer-tags", "[data-test=sections]", "[data-test=profile]", "#wechat-accounts", "#customer-activity"].map(s => document.querySelector(s).getBoundingClientRect().top)`))
	for i := 1; i < len(tops); i++ {
		require.Less(t, tops[i-1], tops[i], "sections in order: tags, anchors, profile, WeChat, activity")
	}
	edit := "[data-test=edit-customer]"
	require.Equal(t, []string{"Shoe size", "Membership tier"}, browsertest.Get(t, tab, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("[data-test=attributes] dt")].map(d => d.textContent.trim())`)))
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=edit-section] summary")), chromedp.WaitVisible(chromedp.CSS(edit)))
	set := func(name, value string) chromedp.Action[chromedp.Void] {
		return setValue(edit+` [name="`+name+`"]`, value)
	}
	// A bad postcode is refused beside its input, the rest kept as typed.
	tab.Run(t, set("external_id", "CRM-778"), set("region", "华东"), set("address.province", "浙江省"),
		set("address.city", "杭州市"), set("address.district", "西湖区"), set("address.line", "文三路 90 号"), set("address.postcode", "3100"),
		set("language", "en"), set("avatar_url", "https://img.example.com/lin.png"), set("attributes.tier", "silver"), set("attributes.shoe_size", "38.5"),
		chromedp.Click(chromedp.CSS(edit+" button[type=submit]")))
	tab.Run(t, chromedp.WaitVisible(chromedp.CSS(edit+" [data-test=error-address-postcode]")))
	require.Equal(t, "CRM-778", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS(edit+" [name=external_id]"))))
	require.Equal(t, "silver", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS(edit+` [name="attributes.tier"]`))))
	tab.Run(t, set("address.postcode", "310012"), chromedp.Click(chromedp.CSS(edit+" button[type=submit]")))
	consoletest.WaitFor(t, tab, `document.querySelector("#profile .flash") !== null`)
	for css, want := range map[string]string{
		"[data-test=external-id]": "CRM-778", "[data-test=region]": "华东", "[data-test=language]": "English",
		"[data-test=address]": "浙江省 杭州市 西湖区 文三路 90 号 310012", "[data-test=attr-tier]": "silver", "[data-test=attr-shoe_size]": "38.5",
		"[data-test=phone]": "+8613812345678", "[data-test=avatar-url]": "https://img.example.com/lin.png",
	} {
		require.Equal(t, want, consoletest.Text(t, tab, css), css)
	}
	got, err := b.App.Customers.Get(ctx, tn.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, "CRM-778", got.ExternalID)
	require.Equal(t, "华东", got.Region)
	require.Equal(t, "en", got.Language)
	require.Equal(t, "https://img.example.com/lin.png", got.AvatarURL)
	require.Equal(t, customer.Address{Province: "浙江省", City: "杭州市", District: "西湖区", Line: "文三路 90 号", Postcode: "310012"}, got.Address)
	require.Equal(t, map[string]any{"tier": "silver", "shoe_size": 38.5}, got.Attributes)
	require.Equal(t, "+8613812345678", got.Phone, "the phone is kept")
	tab.Screenshot(t, "customer-360-en")

	// Emptying an attribute removes it; the customer is found by the new external ID.
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=edit-section] summary")), chromedp.WaitVisible(chromedp.CSS(edit)),
		set("attributes.shoe_size", ""), chromedp.Click(chromedp.CSS(edit+" button[type=submit]")))
	consoletest.Settle(t, tab, `document.querySelector("[data-test=attr-shoe_size]").textContent.trim() === "—"`)
	got, err = b.App.Customers.Get(ctx, tn.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, map[string]any{"tier": "silver"}, got.Attributes)

	tab.Run(t, chromedp.Click(chromedp.CSS(`form.lang button[value="zh-CN"]`)))
	consoletest.Settle(t, tab, `document.documentElement.lang === "zh-CN" && !!document.querySelector("[data-test=profile]")`)
	require.Equal(t, "英语", consoletest.Text(t, tab, "[data-test=language]"))
	// Each admin reads an attribute's name in their language, the other one when it has none.
	require.Equal(t, []string{"Shoe size", "会员等级"}, browsertest.Get(t, tab, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll("[data-test=attributes] dt")].map(d => d.textContent.trim())`)))
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=edit-section] summary")), chromedp.WaitVisible(chromedp.CSS(edit)))
	tab.Screenshot(t, "customer-360-zh-CN")
	tab.Run(t, chromedp.Navigate(b.URL+"/console/settings/attributes"), chromedp.WaitVisible(chromedp.CSS("[data-test=attribute-tier]")))
	tab.Screenshot(t, "attributes-zh-CN")
	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers?q=CRM-778"), chromedp.WaitVisible(chromedp.CSS("[data-test=customer-row]")))
	require.Equal(t, []string{"林晓"}, rowOrder(t, tab))
	consoletest.NoNetworkErrorsBut422(t, tab)
}

// setValue sets the value of the element css selects, which may be empty (chromedp.SetValue
// writes "undefined" for an empty value).
func setValue(css, value string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q).value = %q; true`, css, value))(ctx, t)
		return chromedp.Void{}, err
	}
}

// A marketer changes profiles but may not see personal data: the form shows the phone masked
// and cannot send it, so saving another field keeps the phone as it was.
func TestAProfileEditWithoutPersonalDataKeepsThePhone(t *testing.T) {
	t.Parallel()
	b := consoletest.Setup(t)
	tn := b.Brand(t, "lotus-tea", "莲花茶饮")
	b.Member(t, tn, "marketer@lotus.example", access.RoleMarketer)
	ctx := context.Background()
	c, err := b.App.Customers.Create(ctx, tn.ID, customers.Patch{Name: ptr("林晓"), Phone: ptr("13812345678")})
	require.NoError(t, err)
	tab := b.SignIn(t, "marketer@lotus.example")
	tab.Run(t, chromedp.Navigate(b.URL+"/console/customers/"+c.ID.String()), chromedp.WaitVisible(chromedp.CSS("[data-test=phone]")))
	require.Equal(t, "138****5678", consoletest.Text(t, tab, "[data-test=phone]"))
	edit := "[data-test=edit-customer]"
	tab.Run(t, chromedp.Click(chromedp.CSS("[data-test=edit-section] summary")), chromedp.WaitVisible(chromedp.CSS(edit)))
	require.Equal(t, "138****5678", browsertest.Get(t, tab, chromedp.Value(chromedp.CSS(edit+" [data-test=masked-phone]"))))
	require.False(t, browsertest.Get(t, tab, chromedp.Evaluate[bool](`!!document.querySelector("[data-test=edit-customer] [name=phone]")`)))
	require.NotContains(t, consoletest.HTML(t, tab), "12345678")
	tab.Run(t, setValue(edit+" [name=city]", "杭州"), chromedp.Click(chromedp.CSS(edit+" button[type=submit]")))
	consoletest.WaitFor(t, tab, `document.querySelector("#profile .flash") !== null`)
	got, err := b.App.Customers.Get(ctx, tn.ID, c.ID)
	require.NoError(t, err)
	require.Equal(t, "杭州", got.City)
	require.Equal(t, "+8613812345678", got.Phone)
	require.Equal(t, "138****5678", consoletest.Text(t, tab, "[data-test=phone]"))
}

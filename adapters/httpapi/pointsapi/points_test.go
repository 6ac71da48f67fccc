package pointsapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/adapters/riverjobs/jobstest"
	"github.com/engagehq/engage/adapters/wechat/wechattest"
	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

const (
	miniApp   = "wx0123456789abcdef"
	appSecret = "mini-program-app-secret-0123456789"
)

// testBundle is the whole API with WeChat's stand-in behind it, a brand with its Mini Program,
// its owner's key, and a member signed in from the Mini Program.
type testBundle struct {
	*apitest.Bundle
	tn       tenants.Tenant
	owner    string
	member   string
	memberID string
	wx       *wechattest.Server
}

func setup(t *testing.T) *testBundle {
	t.Helper()
	wx := wechattest.New(t)
	wx.AddApp(miniApp, appSecret)
	b := &testBundle{Bundle: apitest.NewWith(t, apitest.Options{WeChatAPI: wx.URL()}), wx: wx}
	b.tn, b.owner = b.TenantWithKey(t, access.RoleOwner)
	require.NoError(t, b.App.Channels.Save(context.Background(), b.tn.ID, ports.ChannelWeChatMiniProgram, channels.WeChatApp{AppID: miniApp}, appSecret))
	login := b.Do(t, http.MethodPost, "/v1/mini/"+b.tn.Slug+"/login", "", map[string]any{"code": wx.IssueCode(miniApp, "o-member", "")})
	require.Equal(t, http.StatusOK, login.Status, "%s", login.Raw)
	b.member, b.memberID = login.Body["token"].(string), login.Body["customer_id"].(string)
	return b
}

// buy sends a purchase to the till's operation.
func (b *testBundle) buy(t *testing.T, key, id string, amount int64) apitest.Response {
	t.Helper()
	return b.Do(t, http.MethodPost, "/v1/points/purchases", key, map[string]any{"purchase_id": id, "customer_id": b.memberID,
		"amount_fen": amount, "store": "上海南京西路店", "items": []map[string]any{{"sku": "tea-oolong", "quantity": 2}}})
}

func wallet(t *testing.T, body map[string]any, name string) map[string]any {
	t.Helper()
	for _, w := range body["wallets"].([]any) {
		if w.(map[string]any)["wallet"] == name {
			return w.(map[string]any)
		}
	}
	t.Fatalf("no wallet %s in %v", name, body)
	return nil
}

// The till earns a purchase and prints the points; the member sees them in the Mini Program;
// the same purchase through the activity stream earns nothing more.
func TestTheTillEarnsAPurchaseAndTheMemberSeesIt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	till := b.APIKey(t, b.tn, access.RoleStoreStaff)
	r := b.buy(t, till, "pos-0001", 3899)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	require.Equal(t, false, r.Body["replayed"])
	points := wallet(t, r.Body, "points")
	require.Equal(t, 38.0, points["points"])
	require.Equal(t, 38.0, points["balance"])

	again := b.buy(t, till, "pos-0001", 3899)
	require.Equal(t, http.StatusOK, again.Status, "%s", again.Raw)
	require.Equal(t, true, again.Body["replayed"])
	require.Equal(t, r.Body["operation_id"], again.Body["operation_id"])
	other := b.buy(t, till, "pos-0001", 5000)
	require.Equal(t, http.StatusUnprocessableEntity, other.Status, "%s", other.Raw)
	require.Equal(t, "reference_reused", other.ProblemCode())
	require.Equal(t, []string{"body.purchase_id"}, other.Fields())

	ev := b.Do(t, http.MethodPost, "/v1/events", b.owner, map[string]any{"events": []map[string]any{{"id": "pos-0001", "customer_id": b.memberID,
		"type": "purchase", "channel": "pos", "occurred_at": "2026-01-01T10:00:00+08:00", "amount_fen": 3899,
		"items": []map[string]any{{"sku": "tea-oolong", "quantity": 2}}}}})
	require.Equal(t, http.StatusOK, ev.Status, "%s", ev.Raw)
	jobstest.WorkSubscribers(t, b.DB.Pool(), b.App.Bus)

	mine := b.Do(t, http.MethodGet, "/v1/me/points", b.member, nil)
	require.Equal(t, http.StatusOK, mine.Status, "%s", mine.Raw)
	require.Equal(t, 38.0, wallet(t, mine.Body, "points")["balance"])
	require.Equal(t, true, wallet(t, mine.Body, "points")["spendable"])
	require.Equal(t, false, wallet(t, mine.Body, "status")["spendable"])
	hist := b.Do(t, http.MethodGet, "/v1/me/points/history?kind=earned", b.member, nil)
	require.Equal(t, http.StatusOK, hist.Status, "%s", hist.Raw)
	require.Len(t, hist.Body["items"], 2, "one purchase, two wallets")
	membership := b.Do(t, http.MethodGet, "/v1/me/membership", b.member, nil)
	require.Equal(t, http.StatusOK, membership.Status, "%s", membership.Raw)
	require.Contains(t, membership.Body["sections"], "points")
}

// Admins and partners read a customer's wallets and history, adjust with points:adjust, and
// redeem; bad input is a problem with a stable code and the field at fault, and changes nothing.
func TestAdjustRedeemAndTheirRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t)
	operator, staff := b.APIKey(t, b.tn, access.RoleLoyaltyOperator), b.APIKey(t, b.tn, access.RoleStoreStaff)
	path := "/v1/customers/" + b.memberID + "/points"

	adj := map[string]any{"points": 120, "reason_code": "goodwill", "note": "门店活动补偿", "reference": "crm-77"}
	r := b.Do(t, http.MethodPost, path+"/adjustments", operator, adj)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	require.Equal(t, 120.0, wallet(t, r.Body, "points")["balance"])
	r = b.Do(t, http.MethodPost, path+"/adjustments", operator, adj)
	require.Equal(t, true, r.Body["replayed"], "the same reference is the same adjustment")
	require.Equal(t, http.StatusForbidden, b.Do(t, http.MethodPost, path+"/adjustments", staff, adj).Status)

	for _, tc := range []struct {
		name, path string
		body       map[string]any
		status     int
		code       string
		fields     []string
	}{
		{"zero adjustment", path + "/adjustments", map[string]any{"points": 0, "reason_code": "goodwill"}, 422, "validation_failed", []string{"body.points"}},
		{"unknown reason", path + "/adjustments", map[string]any{"points": 5, "reason_code": "because"}, 422, "validation_failed", []string{"body.reason_code"}},
		{"deduct more than the balance", path + "/adjustments", map[string]any{"points": -121, "reason_code": "correction"}, 422, "insufficient_points", []string{"body.points"}},
		{"zero redemption", path + "/redemptions", map[string]any{"points": 0, "reference": "r0"}, 422, "validation_failed", []string{"body.points"}},
		{"negative redemption", path + "/redemptions", map[string]any{"points": -5, "reference": "r0"}, 422, "validation_failed", []string{"body.points"}},
		{"over the balance", path + "/redemptions", map[string]any{"points": 121, "reference": "r1"}, 422, "insufficient_points", []string{"body.points"}},
		{"status points", path + "/redemptions", map[string]any{"points": 1, "reference": "r2", "wallet": "status"}, 422, "wallet_not_spendable", []string{"body.wallet"}},
		{"unknown wallet", path + "/redemptions", map[string]any{"points": 1, "reference": "r3", "wallet": "coins"}, 422, "unknown_wallet", []string{"body.wallet"}},
		{"no reference", path + "/redemptions", map[string]any{"points": 1}, 422, "validation_failed", []string{"body.reference"}},
		{"unknown customer", "/v1/customers/0b6f3c52-8d0e-4a55-9a43-3f7c2a1e9d10/points/redemptions", map[string]any{"points": 1, "reference": "r4"}, 404, "customer_not_found", []string{"path.id"}},
		{"refund of nothing", "/v1/points/refunds", map[string]any{"refund_id": "f1", "purchase_id": "nope", "customer_id": b.memberID, "amount_fen": 100}, 404, "purchase_not_found", []string{"body.purchase_id"}},
		{"zero refund", "/v1/points/refunds", map[string]any{"refund_id": "f1", "purchase_id": "nope", "customer_id": b.memberID, "amount_fen": 0}, 422, "validation_failed", []string{"body.amount_fen"}},
		{"purchase of an unknown customer", "/v1/points/purchases", map[string]any{"purchase_id": "p", "customer_id": "0b6f3c52-8d0e-4a55-9a43-3f7c2a1e9d10", "amount_fen": 100, "items": []map[string]any{{"sku": "x", "quantity": 1}}}, 404, "customer_not_found", []string{"body.customer_id"}},
		{"purchase of nothing", "/v1/points/purchases", map[string]any{"purchase_id": "p", "customer_id": b.memberID, "amount_fen": 0, "items": []map[string]any{{"sku": "x", "quantity": 1}}}, 422, "validation_failed", []string{"body.amount_fen"}},
	} {
		r := b.Do(t, http.MethodPost, tc.path, operator, tc.body)
		require.Equal(t, tc.status, r.Status, "%s: %s", tc.name, r.Raw)
		require.Equal(t, tc.code, r.ProblemCode(), tc.name)
		require.Equal(t, tc.fields, r.Fields(), tc.name)
	}
	w := b.Do(t, http.MethodGet, path, staff, nil)
	require.Equal(t, http.StatusOK, w.Status, "%s", w.Raw)
	require.Equal(t, 120.0, wallet(t, w.Body, "points")["balance"], "nothing changed")

	rdm := b.Do(t, http.MethodPost, path+"/redemptions", staff, map[string]any{"points": 100, "reference": "rdm-1"})
	require.Equal(t, http.StatusOK, rdm.Status, "%s", rdm.Raw)
	require.Equal(t, 20.0, wallet(t, rdm.Body, "points")["balance"])

	// The history pages newest first; admins see the note, the member never does.
	page := b.Do(t, http.MethodGet, path+"/history?limit=1&wallet=points", staff, nil)
	require.Equal(t, http.StatusOK, page.Status, "%s", page.Raw)
	require.Equal(t, "redeem", page.Body["items"].([]any)[0].(map[string]any)["kind"])
	next := b.Do(t, http.MethodGet, path+"/history?limit=1&wallet=points&cursor="+page.Body["next_cursor"].(string), staff, nil)
	require.Equal(t, "门店活动补偿", next.Body["items"].([]any)[0].(map[string]any)["note"])
	mine := b.Do(t, http.MethodGet, "/v1/me/points/history?kind=adjusted", b.member, nil)
	require.NotContains(t, string(mine.Raw), "门店活动补偿")
	bad := b.Do(t, http.MethodGet, path+"/history?cursor=bm90LWEtdXVpZA", staff, nil)
	require.Equal(t, http.StatusBadRequest, bad.Status, "%s", bad.Raw)
	require.Equal(t, "invalid_cursor", bad.ProblemCode())

	trail := b.Do(t, http.MethodGet, "/v1/audit-log?action=points.adjust", b.owner, nil)
	require.Equal(t, http.StatusOK, trail.Status, "%s", trail.Raw)
	require.Len(t, trail.Body["items"], 1)
	require.NotContains(t, string(trail.Raw), "门店活动补偿", "the note is not in the trail")
}

func TestSettingsAreReadAndChangedWithTheFieldsAtFault(t *testing.T) {
	t.Parallel()
	b := setup(t)
	got := b.Do(t, http.MethodGet, "/v1/points/settings", b.owner, nil)
	require.Equal(t, http.StatusOK, got.Status, "%s", got.Raw)
	require.Equal(t, "active_to_zero", got.Body["refund_policy"])

	s := got.Body
	s["refund_policy"] = "allow_negative"
	s["pending_days"] = 7
	s["wallets"].([]any)[0].(map[string]any)["expiry"] = map[string]any{"policy": "end_of_period", "months": 12, "period": "year"}
	coffee := map[string]any{"key": "coffee", "spendable": true, "label": map[string]any{"zh_cn": "咖啡豆", "en": "Coffee beans"},
		"rate":   map[string]any{"points": 1, "per_fen": 100, "min_spend_fen": 0, "max_points_per_order": 0},
		"expiry": map[string]any{"policy": "never", "months": 0, "period": "day"}}
	s["wallets"] = append(s["wallets"].([]any), coffee)
	put := b.Do(t, http.MethodPut, "/v1/points/settings", b.owner, s)
	require.Equal(t, http.StatusOK, put.Status, "%s", put.Raw)
	read := b.Do(t, http.MethodGet, "/v1/points/settings", b.owner, nil).Body
	require.Equal(t, 7.0, read["pending_days"])
	require.Equal(t, map[string]any{"zh_cn": "咖啡豆", "en": "Coffee beans"}, read["wallets"].([]any)[2].(map[string]any)["label"], "a wallet's name")
	coffee["label"] = map[string]any{"zh_cn": " 咖啡豆", "en": ""}
	spaced := b.Do(t, http.MethodPut, "/v1/points/settings", b.owner, s)
	require.Equal(t, http.StatusUnprocessableEntity, spaced.Status, "%s", spaced.Raw)
	require.Contains(t, string(spaced.Raw), `"location":"body.wallets[2].label.zh_cn"`)
	s["wallets"] = s["wallets"].([]any)[:2]

	s["wallets"] = s["wallets"].([]any)[:1]
	missing := b.Do(t, http.MethodPut, "/v1/points/settings", b.owner, s)
	require.Equal(t, http.StatusUnprocessableEntity, missing.Status, "%s", missing.Raw)

	analyst := b.APIKey(t, b.tn, access.RoleAnalyst)
	require.Equal(t, http.StatusOK, b.Do(t, http.MethodGet, "/v1/points/settings", analyst, nil).Status)
	require.Equal(t, http.StatusForbidden, b.Do(t, http.MethodPut, "/v1/points/settings", analyst, got.Body).Status)
}

// An adjustment above the brand's threshold is answered 202 with its request; the admin who
// asked cannot approve it, an operator may not, another admin does (once), and the points move.
func TestALargeAdjustmentIsApprovedByASecondAdmin(t *testing.T) {
	t.Parallel()
	b := setup(t)
	settings := b.Do(t, http.MethodGet, "/v1/points/settings", b.owner, nil)
	require.Equal(t, http.StatusOK, settings.Status, "%s", settings.Raw)
	body := settings.Body
	body["adjustment_approval_above"] = 1000
	body["point_value"] = map[string]any{"fen": 1, "points": 2}
	put := b.Do(t, http.MethodPut, "/v1/points/settings", b.owner, body)
	require.Equal(t, http.StatusOK, put.Status, "%s", put.Raw)
	require.Equal(t, 1000.0, put.Body["adjustment_approval_above"])

	operator := b.APIKey(t, b.tn, access.RoleLoyaltyOperator)
	admin := b.APIKey(t, b.tn, access.RoleAdmin)
	path := "/v1/customers/" + b.memberID + "/points/adjustments"
	small := b.Do(t, http.MethodPost, path, operator, map[string]any{"points": 1000, "reason_code": "complaint"})
	require.Equal(t, http.StatusOK, small.Status, "%s", small.Raw)
	r := b.Do(t, http.MethodPost, path, operator, map[string]any{"points": 5000, "reason_code": "complaint", "note": "投诉补偿",
		"reference": "crm-1"})
	require.Equal(t, http.StatusAccepted, r.Status, "%s", r.Raw)
	approval := r.Body["approval"].(map[string]any)
	require.Equal(t, "pending", approval["status"])
	id := approval["id"].(string)

	queue := b.Do(t, http.MethodGet, "/v1/points/adjustment-requests?status=pending", operator, nil)
	require.Equal(t, http.StatusOK, queue.Status, "%s", queue.Raw)
	require.Len(t, queue.Body["items"], 1)

	denied := b.Do(t, http.MethodPost, "/v1/points/adjustment-requests/"+id+"/approve", operator, map[string]any{})
	require.Equal(t, http.StatusForbidden, denied.Status, "an operator holds no points:approve: %s", denied.Raw)
	ok := b.Do(t, http.MethodPost, "/v1/points/adjustment-requests/"+id+"/approve", admin, map[string]any{"note": "核实"})
	require.Equal(t, http.StatusOK, ok.Status, "%s", ok.Raw)
	require.Equal(t, "approved", ok.Body["request"].(map[string]any)["status"])
	require.Equal(t, 6000.0, wallet(t, ok.Body, "points")["balance"])
	twice := b.Do(t, http.MethodPost, "/v1/points/adjustment-requests/"+id+"/approve", b.owner, map[string]any{})
	require.Equal(t, http.StatusConflict, twice.Status, "%s", twice.Raw)
	require.Equal(t, "adjustment_request_decided", twice.Body["code"])

	own := b.Do(t, http.MethodPost, path, admin, map[string]any{"points": -2000, "reason_code": "correction"})
	require.Equal(t, http.StatusAccepted, own.Status, "%s", own.Raw)
	ownID := own.Body["approval"].(map[string]any)["id"].(string)
	self := b.Do(t, http.MethodPost, "/v1/points/adjustment-requests/"+ownID+"/reject", admin, map[string]any{})
	require.Equal(t, http.StatusForbidden, self.Status, "%s", self.Raw)
	require.Equal(t, "own_adjustment_request", self.Body["code"])
	rej := b.Do(t, http.MethodPost, "/v1/points/adjustment-requests/"+ownID+"/reject", b.owner, map[string]any{"note": "不予调整"})
	require.Equal(t, http.StatusOK, rej.Status, "%s", rej.Raw)
	require.Equal(t, "rejected", rej.Body["status"])
	missing := b.Do(t, http.MethodPost, "/v1/points/adjustment-requests/0190b2a4-0000-7000-8000-000000000000/approve", admin, map[string]any{})
	require.Equal(t, http.StatusNotFound, missing.Status, "%s", missing.Raw)

	mine := b.Do(t, http.MethodGet, "/v1/customers/"+b.memberID+"/points", operator, nil)
	require.Equal(t, http.StatusOK, mine.Status, "%s", mine.Raw)
	require.Equal(t, 6000.0, wallet(t, mine.Body, "points")["balance"], "the rejected deduction changed nothing")
}

// The summary, a custom report and their exports through the API; a scheduled report is
// created, listed and deleted; a bad date names its parameter.
func TestPointsReportsAndExports(t *testing.T) {
	t.Parallel()
	b := setup(t)
	till := b.APIKey(t, b.tn, access.RoleStoreStaff)
	require.Equal(t, http.StatusOK, b.buy(t, till, "pos-r1", 12345).Status)
	today := time.Now().In(shanghai).Format(time.DateOnly)
	analyst := b.APIKey(t, b.tn, access.RoleAnalyst)

	s := b.Do(t, http.MethodGet, "/v1/points/reports/summary?granularity=month&wallet=points&from="+today+"&to="+today, analyst, nil)
	require.Equal(t, http.StatusOK, s.Status, "%s", s.Raw)
	rows := s.Body["rows"].([]any)
	require.Len(t, rows, 1)
	row := rows[0].(map[string]any)
	require.Equal(t, 123.0, row["issued"])
	require.Equal(t, 123.0, row["outstanding"])
	require.Equal(t, 123.0, row["liability_fen"], "a fen a point by default")

	c := b.Do(t, http.MethodGet, "/v1/points/reports/custom?dimensions=store,wallet&measures=points,customers&from="+today+"&to="+today, analyst, nil)
	require.Equal(t, http.StatusOK, c.Status, "%s", c.Raw)
	require.Equal(t, []any{map[string]any{"keys": []any{"上海南京西路店", "points"}, "values": []any{123.0, 1.0}},
		map[string]any{"keys": []any{"上海南京西路店", "status"}, "values": []any{123.0, 1.0}}}, c.Body["rows"])

	csvFile := b.Do(t, http.MethodGet, "/v1/points/reports/summary/export?format=csv&lang=en&from="+today+"&to="+today, analyst, nil)
	require.Equal(t, http.StatusOK, csvFile.Status, "%s", csvFile.Raw)
	require.Equal(t, "text/csv; charset=utf-8", csvFile.Header.Get("Content-Type"))
	require.True(t, strings.HasPrefix(string(csvFile.Raw), "\ufeffPeriod,Wallet,Issued"), "%s", csvFile.Raw)
	xlsx := b.Do(t, http.MethodGet, "/v1/points/reports/custom/export?format=xlsx&measures=entries&from="+today+"&to="+today, analyst, nil)
	require.Equal(t, http.StatusOK, xlsx.Status, "%s", xlsx.Raw)
	require.True(t, strings.HasPrefix(string(xlsx.Raw), "PK"), "a zip: an XLSX workbook")

	bad := b.Do(t, http.MethodGet, "/v1/points/reports/summary?from=2026-13-01&to="+today, analyst, nil)
	require.Equal(t, http.StatusUnprocessableEntity, bad.Status, "%s", bad.Raw)
	require.Contains(t, string(bad.Raw), "query.from")
	long := b.Do(t, http.MethodGet, "/v1/points/reports/custom?measures=stars&from="+today+"&to="+today, analyst, nil)
	require.Equal(t, http.StatusUnprocessableEntity, long.Status, "%s", long.Raw)
	require.Contains(t, string(long.Raw), "query.measures")

	denied := b.Do(t, http.MethodPost, "/v1/points/report-schedules", analyst, map[string]any{"name": "周报", "frequency": "week",
		"format": "xlsx", "report": map[string]any{"kind": "summary", "lang": "zh-CN"}, "recipients": []string{}})
	require.Equal(t, http.StatusForbidden, denied.Status, "%s", denied.Raw)
	created := b.Do(t, http.MethodPost, "/v1/points/report-schedules", b.owner, map[string]any{"name": "周报", "frequency": "week",
		"format": "xlsx", "report": map[string]any{"kind": "summary", "lang": "zh-CN"}, "recipients": []string{"cfo@lotus.example"}})
	require.Equal(t, http.StatusCreated, created.Status, "%s", created.Raw)
	list := b.Do(t, http.MethodGet, "/v1/points/report-schedules", analyst, nil)
	require.Len(t, list.Body["items"], 1)
	del := b.Do(t, http.MethodDelete, "/v1/points/report-schedules/"+created.Body["id"].(string), b.owner, nil)
	require.Equal(t, http.StatusNoContent, del.Status, "%s", del.Raw)
	again := b.Do(t, http.MethodDelete, "/v1/points/report-schedules/"+created.Body["id"].(string), b.owner, nil)
	require.Equal(t, http.StatusNotFound, again.Status, "%s", again.Raw)
	exports := b.Do(t, http.MethodGet, "/v1/points/report-exports", analyst, nil)
	require.Equal(t, http.StatusOK, exports.Status, "%s", exports.Raw)
}

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

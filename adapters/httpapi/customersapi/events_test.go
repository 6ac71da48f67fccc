package customersapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/adapters/wire/web"
	"github.com/engagehq/engage/application/eventbus"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/domain/customers/event"
)

// reactJobs counts the jobs of the first reaction to ingested events (the activity
// aggregates) enqueued so far: one per stored batch.
func (b *testBundle) reactJobs(t *testing.T) int {
	t.Helper()
	var n int
	require.NoError(t, b.DB.Pool().QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = $1`,
		eventbus.KindOf("activity")).Scan(&n))
	return n
}

func purchaseEvent(id, customer string, at time.Time, amountFen int64) map[string]any {
	return map[string]any{"id": id, "customer_id": customer, "type": "purchase", "channel": "pos", "store": "上海南京西路店",
		"occurred_at": at.Format(time.RFC3339), "amount_fen": amountFen,
		"items": []map[string]any{{"sku": "tea-oolong", "category": "tea", "quantity": 2, "price_fen": amountFen / 2}}}
}

// results returns each event's status and, for rejections, code and field locations.
func results(t *testing.T, r apitest.Response) []string {
	t.Helper()
	var out []string
	for i, raw := range r.Body["results"].([]any) {
		res := raw.(map[string]any)
		require.EqualValues(t, i, res["index"])
		s := res["status"].(string)
		if code, ok := res["code"].(string); ok {
			s += " " + code
		}
		errs, _ := res["errors"].([]any)
		for _, e := range errs {
			s += " " + e.(map[string]any)["location"].(string)
		}
		out = append(out, s)
	}
	return out
}

func TestABatchReportsEachEventAndStoresOnlyTheValidOnes(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.TenantWithKey(t, access.RoleOwner)
	_, other := b.TenantWithKey(t, access.RoleOwner)
	alice := b.Do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": "王小红"}).Body["id"].(string)
	theirs := b.Do(t, http.MethodPost, "/v1/customers", other, map[string]any{"name": "Theirs"}).Body["id"].(string)
	now := time.Now()
	require.Equal(t, http.StatusCreated, b.Do(t, http.MethodPut, "/v1/event-types/tea_tasting", owner,
		map[string]any{"fields": []any{map[string]any{"key": "cups", "type": "integer"}}}).Status)

	first := b.Do(t, http.MethodPost, "/v1/events", owner, map[string]any{"events": []any{purchaseEvent("pos-1", alice, now.Add(-48*time.Hour), 3800)}})
	require.Equal(t, http.StatusOK, first.Status, "%s", first.Raw)
	require.Equal(t, []string{"accepted"}, results(t, first))
	require.Equal(t, 1, b.reactJobs(t))

	bad := purchaseEvent("pos-4", alice, now, 100)
	bad["amount_fen"] = -5
	future := map[string]any{"id": "mp-5", "customer_id": alice, "type": "visit", "channel": "mini_program",
		"occurred_at": now.Add(time.Hour).Format(time.RFC3339)}
	batch := b.Do(t, http.MethodPost, "/v1/events", owner, map[string]any{"events": []any{
		purchaseEvent("pos-2", alice, now.Add(-time.Hour), 5600),
		purchaseEvent("pos-2", alice, now.Add(-time.Hour), 5600),
		purchaseEvent("pos-1", alice, now.Add(-48*time.Hour), 3800),
		purchaseEvent("pos-3", uuid.NewString(), now, 100),
		bad,
		future,
		purchaseEvent("pos-6", theirs, now, 100),
		map[string]any{"id": "web-7", "customer_id": alice, "type": "page_view", "channel": "website", "occurred_at": "yesterday"},
		map[string]any{"id": "mp-8", "customer_id": alice, "type": "custom:tea_tasting", "channel": "mini_program",
			"occurred_at": "2001-02-03T12:00:00+08:00", "payload": map[string]any{"cups": 3}},
		map[string]any{"id": "mp-9", "customer_id": alice, "type": "survey", "channel": "mini_program", "store": "\u0000",
			"occurred_at": now.Format(time.RFC3339), "payload": map[string]any{"answers": []any{"好", "a\u0000b"}}},
	}})
	require.Equal(t, http.StatusOK, batch.Status, "%s", batch.Raw)
	require.Equal(t, []string{
		"accepted",
		"duplicate",
		"duplicate",
		"rejected unknown_customer body.events[3].customer_id",
		"rejected validation_failed body.events[4].amount_fen",
		"rejected validation_failed body.events[5].occurred_at",
		"rejected unknown_customer body.events[6].customer_id",
		"rejected validation_failed body.events[7].occurred_at",
		"accepted",
		"rejected validation_failed body.events[9].payload.answers[1] body.events[9].store",
	}, results(t, batch), "an event with NUL characters is refused alone")
	require.EqualValues(t, 2, batch.Body["accepted"])
	require.EqualValues(t, 2, batch.Body["duplicates"])
	require.EqualValues(t, 6, batch.Body["rejected"])
	require.Equal(t, 2, b.reactJobs(t), "one job for the batch")

	timeline := b.Do(t, http.MethodGet, "/v1/customers/"+alice+"/timeline", owner, nil)
	require.Equal(t, http.StatusOK, timeline.Status, "%s", timeline.Raw)
	var ids []string
	for _, it := range timeline.Body["items"].([]any) {
		ids = append(ids, it.(map[string]any)["id"].(string))
	}
	require.Equal(t, []string{"pos-2", "pos-1", "mp-8"}, ids, "newest first, nothing of the rejected events")
	newest := timeline.Body["items"].([]any)[0].(map[string]any)
	require.EqualValues(t, 5600, newest["amount_fen"])
	require.Equal(t, "上海南京西路店", newest["store"])
	require.Equal(t, []any{map[string]any{"sku": "tea-oolong", "category": "tea", "quantity": 2.0, "price_fen": 2800.0}}, newest["items"])
	oldest := timeline.Body["items"].([]any)[2].(map[string]any)
	require.Equal(t, map[string]any{"cups": 3.0}, oldest["payload"])
	_, err := time.Parse(time.RFC3339, oldest["occurred_at"].(string))
	require.NoError(t, err)

	// A batch with no valid event enqueues nothing.
	none := b.Do(t, http.MethodPost, "/v1/events", owner, map[string]any{"events": []any{purchaseEvent("pos-1", alice, now, 1)}})
	require.Equal(t, []string{"duplicate"}, results(t, none))
	require.Equal(t, 2, b.reactJobs(t))

	// Another brand's events are its own: the same ID is new there.
	mine := b.Do(t, http.MethodPost, "/v1/events", other, map[string]any{"events": []any{purchaseEvent("pos-1", theirs, now, 1)}})
	require.Equal(t, []string{"accepted"}, results(t, mine))
	foreign := b.Do(t, http.MethodGet, "/v1/customers/"+alice+"/timeline", other, nil)
	require.Equal(t, http.StatusNotFound, foreign.Status)
	require.Equal(t, "customer_not_found", foreign.ProblemCode())
}

func TestABatchIsRefusedWholeOnlyForItsShape(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.TenantWithKey(t, access.RoleOwner)
	alice := b.Do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": "Alice"}).Body["id"].(string)

	many := make([]any, 1001)
	for i := range many {
		many[i] = purchaseEvent(fmt.Sprintf("e-%d", i), alice, time.Now(), 100)
	}
	tooMany := b.Do(t, http.MethodPost, "/v1/events", owner, map[string]any{"events": many})
	require.Equal(t, http.StatusUnprocessableEntity, tooMany.Status, "%s", tooMany.Raw)
	require.Equal(t, "validation_failed", tooMany.ProblemCode())
	require.Equal(t, []string{"body.events"}, tooMany.Fields())

	empty := b.Do(t, http.MethodPost, "/v1/events", owner, map[string]any{"events": []any{}})
	require.Equal(t, http.StatusUnprocessableEntity, empty.Status)

	wrongType := purchaseEvent("e-x", alice, time.Now(), 100)
	wrongType["amount_fen"] = "100"
	typed := b.Do(t, http.MethodPost, "/v1/events", owner, map[string]any{"events": []any{wrongType}})
	require.Equal(t, http.StatusUnprocessableEntity, typed.Status)
	require.Equal(t, []string{"body.events[0].amount_fen"}, typed.Fields())
	// The channel is part of the shape: required, and one of the document's values.
	unknown := purchaseEvent("e-y", alice, time.Now(), 100)
	unknown["channel"] = "fax"
	missing := purchaseEvent("e-z", alice, time.Now(), 100)
	delete(missing, "channel")
	channels := b.Do(t, http.MethodPost, "/v1/events", owner, map[string]any{"events": []any{unknown, missing}})
	require.Equal(t, http.StatusUnprocessableEntity, channels.Status, "%s", channels.Raw)
	require.Equal(t, []string{"body.events[0].channel", "body.events[1].channel"}, channels.Fields())
	require.Zero(t, b.reactJobs(t))

	// A thousand is fine, and a retry with the same Idempotency-Key replays the answer.
	thousand := map[string]any{"events": many[:1000]}
	ok := b.Do(t, http.MethodPost, "/v1/events", owner, thousand, "Idempotency-Key", "import-1")
	require.Equal(t, http.StatusOK, ok.Status, "%s", ok.Raw)
	require.EqualValues(t, 1000, ok.Body["accepted"])
	again := b.Do(t, http.MethodPost, "/v1/events", owner, thousand, "Idempotency-Key", "import-1")
	require.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
	require.EqualValues(t, 1000, again.Body["accepted"])
	retried := b.Do(t, http.MethodPost, "/v1/events", owner, thousand)
	require.EqualValues(t, 1000, retried.Body["duplicates"], "without the key, every event is recognised by its ID")
	require.Equal(t, 1, b.reactJobs(t))

	// China's commerce platforms are channels.
	tmall := purchaseEvent("tmall-1", alice, time.Now(), 100)
	tmall["channel"] = "tmall"
	stored := b.Do(t, http.MethodPost, "/v1/events", owner, map[string]any{"events": []any{tmall}})
	require.Equal(t, []string{"accepted"}, results(t, stored))
	timeline := b.Do(t, http.MethodGet, "/v1/customers/"+alice+"/timeline?channel=tmall", owner, nil)
	require.Equal(t, http.StatusOK, timeline.Status, "%s", timeline.Raw)
	require.Len(t, timeline.Body["items"], 1)
}

// The document lists exactly the channels events may come from.
func TestTheDocumentListsEveryChannel(t *testing.T) {
	t.Parallel()
	doc := web.Document()
	var want []any
	for _, c := range event.Channels {
		want = append(want, c)
	}
	in := doc.Components.Schemas.Map()["EventIn"]
	require.Equal(t, want, in.Properties["channel"].Enum)
	require.Contains(t, in.Required, "channel")
	require.Equal(t, want, doc.Components.Schemas.Map()["EventBody"].Properties["channel"].Enum)
	for _, p := range doc.Paths["/v1/customers/{id}/timeline"].Get.Parameters {
		if p.Name == "channel" {
			require.Equal(t, want, p.Schema.Enum)
		}
	}
	for _, c := range []string{"tmall", "jd", "douyin", "meituan", "wecom"} {
		require.Contains(t, event.Channels, c)
	}
}

func TestTimelinePagesFiltersAndActivityAnswers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.TenantWithKey(t, access.RoleOwner)
	alice := b.Do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": "Alice"}).Body["id"].(string)
	base := time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)
	var batch []any
	for i := range 5 {
		batch = append(batch, purchaseEvent(fmt.Sprintf("p-%d", i), alice, base.Add(time.Duration(i)*time.Hour), 100),
			map[string]any{"id": fmt.Sprintf("v-%d", i), "customer_id": alice, "type": "visit", "channel": "pos",
				"occurred_at": base.Add(time.Duration(i)*time.Hour + time.Minute).Format(time.RFC3339)})
	}
	require.EqualValues(t, 10, b.Do(t, http.MethodPost, "/v1/events", owner, map[string]any{"events": batch}).Body["accepted"])

	var seen []string
	cursor := ""
	for range 10 {
		page := b.Do(t, http.MethodGet, "/v1/customers/"+alice+"/timeline?type=purchase&limit=2&cursor="+url.QueryEscape(cursor), owner, nil)
		require.Equal(t, http.StatusOK, page.Status, "%s", page.Raw)
		for _, it := range page.Body["items"].([]any) {
			seen = append(seen, it.(map[string]any)["id"].(string))
		}
		next, _ := page.Body["next_cursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	require.Equal(t, []string{"p-4", "p-3", "p-2", "p-1", "p-0"}, seen)

	badType := b.Do(t, http.MethodGet, "/v1/customers/"+alice+"/timeline?type=purchased", owner, nil)
	require.Equal(t, http.StatusUnprocessableEntity, badType.Status)
	require.Equal(t, []string{"query.type"}, badType.Fields())

	// Before the reaction job runs, the customer's aggregates are empty but the customer is known.
	activity := b.Do(t, http.MethodGet, "/v1/customers/"+alice+"/activity", owner, nil)
	require.Equal(t, http.StatusOK, activity.Status, "%s", activity.Raw)
	require.EqualValues(t, 0, activity.Body["purchase_count"])
	ghost := b.Do(t, http.MethodGet, "/v1/customers/"+uuid.NewString()+"/activity", owner, nil)
	require.Equal(t, http.StatusNotFound, ghost.Status)

	require.Positive(t, b.React(t))
	activity = b.Do(t, http.MethodGet, "/v1/customers/"+alice+"/activity", owner, nil)
	require.EqualValues(t, 5, activity.Body["purchase_count"])
	require.EqualValues(t, 500, activity.Body["spend_fen"])
	require.EqualValues(t, 5, activity.Body["visit_count"])
	require.Equal(t, base.Format(time.RFC3339), mustTime(t, activity.Body["first_seen_at"]).UTC().Format(time.RFC3339))
	require.Equal(t, base.Add(4*time.Hour+time.Minute).Format(time.RFC3339), mustTime(t, activity.Body["last_seen_at"]).UTC().Format(time.RFC3339))
}

func mustTime(t *testing.T, v any) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339, v.(string))
	require.NoError(t, err)
	return ts
}

// A POS names customers by its own IDs or by phone: each event is resolved on its own, and one
// whose customer cannot be found is refused alone, naming the key it sent.
func TestEventsNameCustomersByExternalIDOrPhone(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, owner := b.TenantWithKey(t, access.RoleOwner)
	created := b.Do(t, http.MethodPost, "/v1/customers", owner, map[string]any{"name": "王小红", "external_id": "pos-88231", "phone": "13812345678"})
	require.Equal(t, http.StatusCreated, created.Status, "%s", created.Raw)
	id := created.Body["id"].(string)
	visit := func(eventID string, key string, value any) map[string]any {
		e := map[string]any{"id": eventID, "type": "visit", "channel": "pos", "occurred_at": time.Now().Format(time.RFC3339)}
		if key != "" {
			e[key] = value
		}
		return e
	}
	named := visit("v-5", "customer_external_id", "pos-88231")
	named["customer_id"] = id
	batch := b.Do(t, http.MethodPost, "/v1/events", owner, map[string]any{"events": []any{
		visit("v-1", "customer_external_id", "pos-88231"),
		visit("v-2", "customer_phone", "13812345678"),
		visit("v-3", "customer_external_id", "pos-nobody"),
		visit("v-4", "customer_phone", "+8613900000000"),
		named,
		visit("v-6", "customer_phone", "12"),
		visit("v-7", "", nil),
	}})
	require.Equal(t, http.StatusOK, batch.Status, "%s", batch.Raw)
	require.Equal(t, []string{
		"accepted",
		"accepted",
		"rejected unknown_customer body.events[2].customer_external_id",
		"rejected unknown_customer body.events[3].customer_phone",
		"rejected validation_failed body.events[4].customer_id",
		"rejected validation_failed body.events[5].customer_phone",
		"rejected validation_failed body.events[6].customer_id",
	}, results(t, batch))
	timeline := b.Do(t, http.MethodGet, "/v1/customers/"+id+"/timeline", owner, nil)
	require.Len(t, timeline.Body["items"], 2, "both events reached the customer they named")
}

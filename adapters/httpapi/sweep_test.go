package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi"
	"github.com/engagehq/engage/adapters/httpapi/apitest"
	"github.com/engagehq/engage/adapters/ratelimit"
	"github.com/engagehq/engage/adapters/wechat/wechattest"
	"github.com/engagehq/engage/application/platform/channels"
	"github.com/engagehq/engage/domain/access"
	"github.com/engagehq/engage/ports"
)

// The sweep: every operation of the committed OpenAPI document, called with valid credentials
// and, one input at a time, values no client should send: wrong JSON types, NUL characters,
// overlong strings, bytes that are not UTF-8, nulls, huge numbers, empty arrays, arrays of
// objects, broken bodies. No answer may be a 5xx, and none may contradict the document: every
// status is one the operation lists, every refusal a problem+json with a code, every success
// a body of the documented schema.
func TestEveryOperationAnswersMalformedInputAsTheDocumentSays(t *testing.T) {
	t.Parallel()
	s := newSweep(t)
	committed, err := os.ReadFile("../../openapi/openapi.yaml")
	require.NoError(t, err)
	served, err := s.doc.YAML()
	require.NoError(t, err)
	require.Equal(t, string(committed), string(served), "the sweep walks the committed document: run make openapi")

	var failures []string
	sent, fives, ops := 0, 0, 0
	for _, op := range s.operations() {
		ops++
		for _, r := range s.requests(op) {
			status, problem := s.send(t, op, r)
			sent++
			if status >= 500 {
				fives++
			}
			if problem != "" {
				failures = append(failures, fmt.Sprintf("%s %s, %s: %s", op.Method, op.Path, r.what, problem))
			}
		}
	}
	t.Logf("sweep: %d operations, %d requests, %d answered 5xx, %d contradicted the document", ops, sent, fives, len(failures))
	for i, f := range failures {
		if i == 200 {
			t.Errorf("... and %d more", len(failures)-i)
			break
		}
		t.Error(f)
	}
	require.Greater(t, ops, 100, "every operation of the document is swept")
}

// sweep is the API with a brand full of things for the operations to name.
type sweep struct {
	b   *apitest.Bundle
	doc *huma.OpenAPI
	// credentials are the headers that authenticate a caller of each kind.
	credentials map[string][]string
	// names are real values of path parameters, by path and parameter name.
	names map[string]string
	// slug is the brand swept; other is a second brand for the platform's operations.
	slug, other string
}

const (
	sweepMiniApp   = "wx5eeb5eeb5eeb5eeb"
	sweepAppSecret = "sweep-mini-program-app-secret-0123"
	sweepOpenID    = "o-sweep-member"
)

func newSweep(t *testing.T) *sweep {
	t.Helper()
	wx := wechattest.New(t)
	wx.AddApp(sweepMiniApp, sweepAppSecret)
	unlimited := ratelimit.Limits{Default: ratelimit.Rate{PerSecond: 1e6, Burst: 1e6}}
	b := apitest.NewWith(t, apitest.Options{WeChatAPI: wx.URL(), APILimits: &unlimited, SignInLimits: &unlimited})
	tn, owner := b.TenantWithKey(t, access.RoleOwner)
	other, _ := b.TenantWithKey(t, access.RoleOwner)
	require.NoError(t, b.App.Channels.Save(context.Background(), tn.ID, ports.ChannelWeChatMiniProgram, channels.WeChatApp{AppID: sweepMiniApp}, sweepAppSecret))
	s := &sweep{b: b, doc: b.Srv.API().OpenAPI(), slug: tn.Slug, other: other.Slug, names: map[string]string{}}

	must := func(want int, method, path string, body any) apitest.Response {
		r := b.Do(t, method, path, owner, body)
		require.Equalf(t, want, r.Status, "%s %s: %s", method, path, r.Raw)
		return r
	}
	login := b.Do(t, http.MethodPost, "/v1/mini/"+tn.Slug+"/login", "", map[string]any{"code": wx.IssueCode(sweepMiniApp, sweepOpenID, "")})
	require.Equal(t, http.StatusOK, login.Status, "%s", login.Raw)
	session := b.Admin(t, tn, "sweep-admin@example.com", access.RoleOwner)
	me := b.Do(t, http.MethodGet, "/v1/admin/session", "", nil, "X-Session-Token", session)
	require.Equal(t, http.StatusOK, me.Status, "%s", me.Raw)
	s.credentials = map[string][]string{
		httpapi.AuthTenant:   {"Authorization", "Bearer " + owner},
		httpapi.AuthPlatform: {"Authorization", "Bearer " + apitest.PlatformKey},
		httpapi.AuthAdmin:    {"X-Session-Token", session},
		httpapi.AuthCustomer: {"Authorization", "Bearer " + login.Body["token"].(string)},
		httpapi.AuthPublic:   nil,
	}

	customer := must(http.StatusCreated, http.MethodPost, "/v1/customers", map[string]any{"name": "扫描", "external_id": "sweep-1", "phone": "13900000001"})
	must(http.StatusCreated, http.MethodPut, "/v1/event-types/sweep_type", map[string]any{"label": "Sweep", "fields": []any{
		map[string]any{"key": "note", "type": "string", "max_length": 20}}})
	must(http.StatusOK, http.MethodPut, "/v1/roles/sweep_role", map[string]any{"permissions": []string{"customers:read"}})
	must(http.StatusOK, http.MethodPut, "/v1/secrets/sweep_secret", map[string]any{"value": "s3cret"})
	tree := map[string]any{"field": "city", "op": "=", "value": "上海"}
	segment := must(http.StatusCreated, http.MethodPost, "/v1/segments", map[string]any{"name": "Sweep", "tree": tree})
	rule := must(http.StatusCreated, http.MethodPost, "/v1/tag-rules", map[string]any{"tag": "sweep", "tree": tree})
	invitation := must(http.StatusCreated, http.MethodPost, "/v1/team/invitations", map[string]any{"email": "invited@example.com", "roles": []string{"analyst"}})
	key := must(http.StatusCreated, http.MethodPost, "/v1/api-keys", map[string]any{"name": "sweep spare", "role": "analyst"})
	hook := must(http.StatusCreated, http.MethodPost, "/v1/webhooks", map[string]any{"url": "https://crm.example.com/hooks", "event_types": []string{"customer.created"}})
	for path, values := range map[string]map[string]string{
		"/v1/customers/":          {"id": customer.Body["id"].(string), "openid": sweepOpenID},
		"/v1/api-keys/":           {"id": key.Body["id"].(string)},
		"/v1/audit-log/":          {"seq": "1"},
		"/v1/event-types/":        {"key": "sweep_type"},
		"/v1/roles/":              {"name": "sweep_role"},
		"/v1/secrets/":            {"name": "sweep_secret"},
		"/v1/segments/":           {"id": segment.Body["id"].(string)},
		"/v1/tag-rules/":          {"id": rule.Body["id"].(string)},
		"/v1/team/invitations/":   {"id": invitation.Body["id"].(string)},
		"/v1/team/members/":       {"user_id": me.Body["id"].(string)},
		"/v1/webhooks/":           {"id": hook.Body["id"].(string)},
		"/v1/wechat-accounts/":    {"openid": sweepOpenID},
		"/v1/mini/":               {"tenant": tn.Slug},
		"/v1/platform/tenants/":   {"tenant": other.Slug},
		"/v1/webhooks/deliveries": {"id": uuid.NewString()},
	} {
		for name, v := range values {
			s.names[path+" "+name] = v
		}
	}
	return s
}

// operation is one operation of the document with its path.
type operation struct {
	*huma.Operation
	Path string
}

// operations are the document's operations by path and method; those that remove or disable
// things come last, so that a refusal that wrongly succeeds leaves the others their fixtures.
func (s *sweep) operations() []operation {
	var out []operation
	for path, item := range s.doc.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op != nil {
				out = append(out, operation{Operation: op, Path: path})
			}
		}
	}
	late := func(op operation) bool {
		return op.Method == http.MethodDelete || strings.HasSuffix(op.Path, "/erase") || strings.HasSuffix(op.Path, "/merge") ||
			strings.HasSuffix(op.Path, "/suspend") || strings.HasSuffix(op.Path, "/erasure")
	}
	sort.Slice(out, func(i, j int) bool {
		if late(out[i]) != late(out[j]) {
			return !late(out[i])
		}
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}

// request is one malformed request of an operation.
type request struct {
	what        string
	path        map[string]string
	query       map[string]string
	header      [][2]string
	body        []byte
	contentType string
}

// notUTF8 stands for bytes that are not UTF-8 in a JSON body, replaced after encoding.
const notUTF8 = "\uE000not-utf-8\uE000"

// badStrings are the values sent for every parameter (path, query, header).
var badStrings = []struct{ what, v string }{
	{"NUL", "a\x00b"},
	{"not UTF-8", "a\xab\xfeb"},
	{"overlong", strings.Repeat("长", 2000)},
	{"wrong type", "[{}]"},
	{"huge number", "1" + strings.Repeat("0", 40)},
	{"negative", "-1"},
}

// badValues are the JSON values sent for every field of a body.
var badValues = []struct {
	what string
	v    any
}{
	{"null", nil},
	{"NUL", "a\u0000b"},
	{"NUL only", "\u0000"},
	{"not UTF-8", notUTF8},
	{"overlong", strings.Repeat("长", 20000)},
	{"empty string", ""},
	{"number", 12345},
	{"huge number", json.Number("1e400")},
	{"huge integer", json.Number("1" + strings.Repeat("0", 40))},
	{"negative", -1},
	{"fraction", 0.5},
	{"boolean", true},
	{"empty array", []any{}},
	{"array of objects", []any{map[string]any{}}},
	{"array with NUL", []any{"\u0000"}},
	{"object", map[string]any{"\u0000": "\u0000"}},
}

// badBodies replace a whole JSON body.
var badBodies = []struct{ what, body string }{
	{"body null", "null"},
	{"body empty", ""},
	{"body array", "[{}]"},
	{"body truncated", `{"a":`},
	{"body not UTF-8", "{\"\xab\":\"\xfe\"}"},
	{"body string", `"\u0000"`},
	{"body unknown field", `{"\u0000unknown":1}`},
}

// requests are the malformed requests of op: each parameter and each field of its body in
// turn holds a bad value while the rest of the request is as valid as the sweep can make it.
func (s *sweep) requests(op operation) []request {
	base := request{path: map[string]string{}, query: map[string]string{}}
	for _, p := range op.Parameters {
		switch p.In {
		case "path":
			base.path[p.Name] = s.pathValue(op.Path, p.Name)
		case "query":
			if p.Required {
				base.query[p.Name] = fmt.Sprint(s.valid(p.Schema, 0))
			}
		}
	}
	var out []request
	with := func(what string, change func(r *request)) {
		r := request{what: what, path: map[string]string{}, query: map[string]string{}, header: base.header}
		for k, v := range base.path {
			r.path[k] = v
		}
		for k, v := range base.query {
			r.query[k] = v
		}
		r.body, r.contentType = base.body, base.contentType
		change(&r)
		out = append(out, r)
	}
	for _, p := range op.Parameters {
		for _, bad := range badStrings {
			p, bad := p, bad
			what := fmt.Sprintf("%s.%s %s", p.In, p.Name, bad.what)
			switch p.In {
			case "path":
				with(what, func(r *request) { r.path[p.Name] = bad.v })
			case "query":
				with(what, func(r *request) { r.query[p.Name] = bad.v })
			case "header":
				if !strings.ContainsRune(bad.v, 0) { // an HTTP client cannot send NUL in a header
					with(what, func(r *request) { r.header = append(slices.Clone(r.header), [2]string{p.Name, bad.v}) })
				}
			}
		}
	}
	if op.RequestBody == nil {
		return out
	}
	for ct, media := range op.RequestBody.Content {
		if ct != "application/json" {
			for _, bad := range []struct{ what, body string }{{"NUL", "external_id,name\nx\x00,y\x00\n"}, {"not UTF-8", "external_id,name\n\xab,\xfe\n"},
				{"empty", ""}, {"header only", "name\n"}, {"JSON", `{"a":1}`}} {
				bad := bad
				with(ct+" body "+bad.what, func(r *request) {
					r.contentType, r.body = ct, []byte(bad.body)
					if strings.HasPrefix(ct, "multipart/") {
						r.contentType, r.body = multipartFile(bad.body)
					}
				})
			}
			continue
		}
		valid := s.valid(media.Schema, 0)
		base.contentType, base.body = ct, encode(valid)
		for _, bad := range badBodies {
			bad := bad
			with(bad.what, func(r *request) { r.body = []byte(bad.body) })
		}
		for _, ct := range []string{"text/plain", "application/xml; charset=utf-8", "application/json; charset=\xab"} {
			ct := ct
			with("Content-Type "+ct, func(r *request) { r.contentType = ct })
		}
		for _, field := range s.fields(media.Schema, nil, 0) {
			for _, bad := range badValues {
				field, bad := field, bad
				with("body."+field.String()+" "+bad.what, func(r *request) { r.body = encode(s.set(valid, media.Schema, field, bad.v)) })
			}
		}
	}
	return out
}

// multipartFile is a multipart form with body as its file.
func multipartFile(body string) (string, []byte) {
	const boundary = "sweepboundary"
	return "multipart/form-data; boundary=" + boundary, []byte("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\n" +
		"Content-Type: text/csv\r\n\r\n" + body + "\r\n--" + boundary + "--\r\n")
}

// encode writes v as JSON with notUTF8 replaced by bytes that are not UTF-8.
func encode(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return bytes.ReplaceAll(bytes.TrimSpace(buf.Bytes()), []byte(notUTF8), []byte("\xab\xfe"))
}

// pathValue is a real value of path parameter name of path where the sweep made one, else a
// well-formed value that names nothing.
func (s *sweep) pathValue(path, name string) string {
	best := ""
	for k, v := range s.names {
		prefix, param, _ := strings.Cut(k, " ")
		if param == name && strings.HasPrefix(path, prefix) && len(prefix) > len(best) {
			best = prefix
			_ = v
		}
	}
	if best != "" {
		return s.names[best+" "+name]
	}
	if name == "id" {
		return uuid.NewString()
	}
	return "sweep_item"
}

// step is one step of a path into a JSON value: a property name, or an index when name is "".
type step struct {
	name  string
	index int
}

type fieldPath []step

func (p fieldPath) String() string {
	var b strings.Builder
	for i, st := range p {
		switch {
		case st.name == "":
			fmt.Fprintf(&b, "[%d]", st.index)
		case i > 0:
			b.WriteString("." + st.name)
		default:
			b.WriteString(st.name)
		}
	}
	return b.String()
}

// resolve follows s's reference, and takes the first alternative of a union.
func (sw *sweep) resolve(s *huma.Schema) *huma.Schema {
	for s != nil {
		switch {
		case s.Ref != "":
			s = sw.doc.Components.Schemas.SchemaFromRef(s.Ref)
		case len(s.OneOf) > 0:
			s = s.OneOf[0]
		case len(s.AnyOf) > 0:
			s = s.AnyOf[0]
		case len(s.AllOf) == 1:
			s = s.AllOf[0]
		default:
			return s
		}
	}
	return s
}

// schemaType is s's type.
func schemaType(s *huma.Schema) string { return s.Type }

// fields are the paths of every field of a value of s, three levels deep, each array's first item.
func (sw *sweep) fields(s *huma.Schema, at fieldPath, depth int) []fieldPath {
	s = sw.resolve(s)
	if s == nil || depth > 3 {
		return nil
	}
	var out []fieldPath
	switch schemaType(s) {
	case "object":
		names := make([]string, 0, len(s.Properties))
		for name := range s.Properties {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			p := append(slices.Clone(at), step{name: name})
			out = append(out, p)
			out = append(out, sw.fields(s.Properties[name], p, depth+1)...)
		}
	case "array":
		p := append(slices.Clone(at), step{index: 0})
		out = append(out, p)
		out = append(out, sw.fields(s.Items, p, depth+1)...)
	}
	return out
}

// valid is a value of s that its constraints allow, as far as the sweep can tell: its
// default, example or first enum value, else one of its type; objects get their required
// properties, arrays one item when they need one.
func (sw *sweep) valid(s *huma.Schema, depth int) any {
	s = sw.resolve(s)
	if s == nil || depth > 6 {
		return nil
	}
	switch {
	case s.Default != nil:
		return s.Default
	case len(s.Examples) > 0:
		return s.Examples[0]
	case len(s.Enum) > 0:
		return s.Enum[0]
	}
	switch schemaType(s) {
	case "object":
		out := map[string]any{}
		for _, name := range s.Required {
			out[name] = sw.valid(s.Properties[name], depth+1)
		}
		return out
	case "array":
		if s.MinItems != nil && *s.MinItems > 0 {
			return []any{sw.valid(s.Items, depth+1)}
		}
		return []any{}
	case "integer", "number":
		if s.Minimum != nil {
			return *s.Minimum
		}
		return 1
	case "boolean":
		return false
	case "string":
		switch s.Format {
		case "uuid":
			return uuid.NewString()
		case "date":
			return "2000-01-02"
		case "date-time":
			return time.Now().UTC().Format(time.RFC3339)
		case "email":
			return "sweep@example.com"
		case "uri":
			return "https://example.com/sweep"
		}
		return "sweep"
	}
	return nil
}

// set returns a copy of v (a value of s) with the field at p replaced by bad; the containers on
// the way that v lacks are made valid.
func (sw *sweep) set(v any, s *huma.Schema, p fieldPath, bad any) any {
	if len(p) == 0 {
		return bad
	}
	s = sw.resolve(s)
	st := p[0]
	if st.name == "" {
		arr, _ := v.([]any)
		arr = slices.Clone(arr)
		var items *huma.Schema
		if s != nil {
			items = s.Items
		}
		for len(arr) <= st.index {
			arr = append(arr, sw.valid(items, 0))
		}
		arr[st.index] = sw.set(arr[st.index], items, p[1:], bad)
		return arr
	}
	obj, _ := v.(map[string]any)
	out := make(map[string]any, len(obj)+1)
	for k, x := range obj {
		out[k] = x
	}
	var prop *huma.Schema
	if s != nil {
		prop = s.Properties[st.name]
	}
	cur, ok := out[st.name]
	if !ok && len(p) > 1 {
		cur = sw.valid(prop, 0)
	}
	out[st.name] = sw.set(cur, prop, p[1:], bad)
	return out
}

// send sends r to op and says how the answer contradicts the document ("" when it does not).
func (s *sweep) send(t *testing.T, op operation, r request) (int, string) {
	t.Helper()
	target := op.Path
	for name, v := range r.path {
		target = strings.ReplaceAll(target, "{"+name+"}", url.PathEscape(v))
	}
	var query []string
	for name, v := range r.query {
		query = append(query, url.QueryEscape(name)+"="+url.QueryEscape(v))
	}
	sort.Strings(query)
	if len(query) > 0 {
		target += "?" + strings.Join(query, "&")
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequest(op.Method, s.b.URL+target, body)
	require.NoError(t, err)
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	creds := s.credentials[op.Metadata[httpapi.MetaAuth].(string)]
	if len(creds) == 2 {
		req.Header.Set(creds[0], creds[1])
	}
	for _, h := range r.header {
		req.Header[h[0]] = []string{h[1]}
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, s.contradiction(op, resp, raw)
}

// contradiction says how an answer of op contradicts the document, or "".
func (s *sweep) contradiction(op operation, resp *http.Response, raw []byte) string {
	status := resp.StatusCode
	short := string(raw)
	if len(short) > 300 {
		short = short[:300] + "..."
	}
	if status >= 500 {
		return fmt.Sprintf("answered %d: %s", status, short)
	}
	documented := op.Responses[strconv.Itoa(status)]
	if documented == nil {
		return fmt.Sprintf("answered %d, which the operation does not list: %s", status, short)
	}
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if status >= 400 {
		var p struct {
			Status int    `json:"status"`
			Code   string `json:"code"`
		}
		if ct != "application/problem+json" || json.Unmarshal(raw, &p) != nil || p.Code == "" || p.Status != status {
			return fmt.Sprintf("answered %d without a problem document (%s): %s", status, ct, short)
		}
		return ""
	}
	media := documented.Content[ct]
	if ct != "application/json" || media == nil || media.Schema == nil {
		return ""
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return fmt.Sprintf("answered %d with JSON that does not parse: %s", status, short)
	}
	res := &huma.ValidateResult{}
	huma.Validate(s.doc.Components.Schemas, media.Schema, huma.NewPathBuffer([]byte{}, 0), huma.ModeReadFromServer, v, res)
	if len(res.Errors) > 0 {
		return fmt.Sprintf("answered %d with a body the document does not allow (%v): %s", status, res.Errors, short)
	}
	return ""
}

package wechattest

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
)

// fanTag is one of an Official Account's fan tags and its fans, in the order WeChat lists them.
type fanTag struct {
	id    int64
	name  string
	fans  []string
	appID string
}

// AddFanTag gives the Official Account appID a fan tag with the fans openIDs.
func (s *Server) AddFanTag(appID string, id int64, name string, openIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fanTags = append(s.fanTags, &fanTag{id: id, name: name, fans: openIDs, appID: appID})
}

// FanPageSize sets how many OpenIDs a user/tag/get page holds (WeChat's 10,000 by default), so
// tests page through a few fans.
func (s *Server) FanPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fanPage = n
}

// Refuse makes the endpoint at path refuse appID with errcode once its access token is checked
// (45009 for a spent quota, 48001 for an account that may not use it), until Refuse is called
// with 0.
func (s *Server) Refuse(appID, path string, errcode int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := appID + " " + path
	if errcode == 0 {
		delete(s.refusals, key)
		return
	}
	s.refusals[key] = errcode
}

// APICalls is how many requests reached the endpoint at path with a valid token.
func (s *Server) APICalls(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apiCalls[path]
}

// checkAPI checks an endpoint's access token and refusals; it returns the app, or answers the
// refusal and returns "".
func (s *Server) checkAPI(w http.ResponseWriter, r *http.Request) string {
	appID, errcode := s.CheckToken(r)
	if errcode != 0 {
		writeError(w, errcode)
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apiCalls[r.URL.Path]++
	if errcode := s.refusals[appID+" "+r.URL.Path]; errcode != 0 {
		writeError(w, errcode)
		return ""
	}
	return appID
}

// fanTagsGet answers GET /cgi-bin/tags/get: the access token's 41001, 40001 or 42001, a Refuse-d
// code, else the account's tags with their fan counts.
func (s *Server) fanTagsGet(w http.ResponseWriter, r *http.Request) {
	appID := s.checkAPI(w, r)
	if appID == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tags := []map[string]any{}
	for _, t := range s.fanTags {
		if t.appID == appID {
			tags = append(tags, map[string]any{"id": t.id, "name": t.name, "count": len(t.fans)})
		}
	}
	writeJSON(w, map[string]any{"tags": tags})
}

// tagFans answers POST /cgi-bin/user/tag/get: 43002 for another method, the access token's
// errors, a Refuse-d code, 47001 for a body that is not {"tagid": n, "next_openid": "..."},
// 45159 for a tag the account does not have, 40003 for a next_openid not among its fans; else
// the page of fans after next_openid. Like WeChat, next_openid is the page's last OpenID, and
// the page after the last is empty with next_openid "".
func (s *Server) tagFans(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeError(w, ErrRequirePOST)
		return
	}
	appID := s.checkAPI(w, r)
	if appID == "" {
		return
	}
	var req struct {
		TagID      *int64 `json:"tagid"`
		NextOpenID string `json:"next_openid"`
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || json.Unmarshal(body, &req) != nil || req.TagID == nil {
		writeError(w, ErrDataFormat)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.fanTags, func(t *fanTag) bool { return t.appID == appID && t.id == *req.TagID })
	if i < 0 {
		writeError(w, ErrInvalidTagID)
		return
	}
	fans := s.fanTags[i].fans
	start := 0
	if req.NextOpenID != "" {
		at := slices.Index(fans, req.NextOpenID)
		if at < 0 {
			writeError(w, ErrInvalidOpenID)
			return
		}
		start = at + 1
	}
	page := fans[start:min(start+s.fanPage, len(fans))]
	next := ""
	if len(page) > 0 {
		next = page[len(page)-1]
	}
	writeJSON(w, map[string]any{"count": len(page), "data": map[string]any{"openid": page}, "next_openid": next})
}

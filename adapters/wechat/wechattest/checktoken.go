package wechattest

import "net/http"

// CheckToken checks the access_token query parameter of a request to an endpoint that needs
// one, as WeChat does before anything else. It returns the app the token belongs to and 0 when
// the token is valid; otherwise the errcode WeChat refuses with: 41001 "access_token missing"
// when there is none, 42001 "access_token expired" for one issued more than 7200 s ago, and
// 40001 "invalid credential" for one WeChat never issued or that a forced refresh replaced.
//
// Stand-ins of further endpoints that take an access_token (message/template/send,
// message/subscribe/send, wxa/business/getuserphonenumber) start with it; jscode2session does
// not take one, it checks appid and secret as stable_token does:
//
//	appID, errcode := s.CheckToken(r)
//	if errcode != 0 {
//		writeError(w, errcode)
//		return
//	}
func (s *Server) CheckToken(r *http.Request) (appID string, errcode int) {
	token := r.URL.Query().Get("access_token")
	if token == "" {
		return "", ErrTokenMissing
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.tokens[token]
	switch {
	case !ok || i.revoked:
		return "", ErrInvalidCredential
	case !s.now().Before(i.expiresAt()):
		return i.appID, ErrTokenExpired
	}
	return i.appID, 0
}

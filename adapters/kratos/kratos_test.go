package kratos_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/kratos"
	"github.com/engagehq/engage/adapters/kratos/kratostest"
	"github.com/engagehq/engage/ports"
)

func TestSessionVouchesOnlyForValidSessions(t *testing.T) {
	t.Parallel()
	const email = "admin@brand.example"
	raw := func(s kratostest.Session) kratostest.Session { s.Raw = true; return s }
	byToken := func(s kratostest.Session) func(*kratostest.Server) (string, string) {
		return func(srv *kratostest.Server) (string, string) { return "", srv.AddSession(s) }
	}
	cases := []struct {
		name string
		// creds registers what it needs and returns the Cookie header and the session token.
		creds func(srv *kratostest.Server) (cookie, token string)
		// before runs after creds, just before the check.
		before func(srv *kratostest.Server)
		cancel bool
		// want is the identity expected, with ID filled in from the server.
		want ports.Identity
		// noSession expects ports.ErrNoSession; otherErr expects any other error.
		noSession, otherErr bool
		// asked is whether Kratos must have been asked.
		asked bool
	}{
		{
			name:  "valid session by token is the admin",
			creds: byToken(kratostest.Valid(email)),
			want:  ports.Identity{Email: email, EmailVerified: true, Name: "Test Admin"},
			asked: true,
		},
		{
			name: "valid session by cookie among other cookies is the admin",
			creds: func(srv *kratostest.Server) (string, string) {
				return "csrf_token_x=abc; " + srv.Cookie(srv.AddSession(kratostest.Valid(email))) + "; lang=zh", ""
			},
			want:  ports.Identity{Email: email, EmailVerified: true, Name: "Test Admin"},
			asked: true,
		},
		{
			name: "email is trimmed and lower-cased and a first and last name joined",
			creds: byToken(func() kratostest.Session {
				s := kratostest.Valid("  Admin@Brand.Example ")
				s.Traits = map[string]any{"name": map[string]any{"first": "Wei", "last": "Li"}}
				return s
			}()),
			want:  ports.Identity{Email: email, EmailVerified: true, Name: "Wei Li"},
			asked: true,
		},
		{
			name:  "unverified email is the admin, unverified",
			creds: byToken(kratostest.Unverified(email)),
			want:  ports.Identity{Email: email, EmailVerified: false, Name: "Test Admin"},
			asked: true,
		},
		{name: "expired session is no session", creds: byToken(kratostest.Expired(email)), noSession: true, asked: true},
		{name: "inactive session is no session", creds: byToken(kratostest.Inactive(email)), noSession: true, asked: true},
		{name: "inactive identity is no session", creds: byToken(kratostest.Blocked(email)), noSession: true, asked: true},
		{
			name:      "unknown session is no session",
			creds:     func(srv *kratostest.Server) (string, string) { return "", srv.UnknownToken() },
			noSession: true, asked: true,
		},
		{
			name:      "unknown session cookie is no session",
			creds:     func(srv *kratostest.Server) (string, string) { return srv.Cookie(srv.UnknownToken()), "" },
			noSession: true, asked: true,
		},
		{
			name: "a session in a cookie of another name is no session without asking Kratos",
			creds: func(srv *kratostest.Server) (string, string) {
				token := srv.AddSession(kratostest.Valid(email))
				return "ory_kratos_session=" + token + "; engage_session=" + token, ""
			},
			noSession: true, asked: false,
		},
		{
			name:      "no credentials is no session without asking Kratos",
			creds:     func(*kratostest.Server) (string, string) { return " ", "" },
			noSession: true, asked: false,
		},
		{
			name:      "inactive session Kratos answers anyway is no session",
			creds:     byToken(raw(kratostest.Inactive(email))),
			noSession: true, asked: true,
		},
		{
			name:      "expired session Kratos answers anyway is no session",
			creds:     byToken(raw(kratostest.Expired(email))),
			noSession: true, asked: true,
		},
		{
			name:      "inactive identity Kratos answers anyway is no session",
			creds:     byToken(raw(kratostest.Blocked(email))),
			noSession: true, asked: true,
		},
		{
			name:      "insufficient authenticator assurance level (403) is no session",
			creds:     byToken(kratostest.Valid(email)),
			before:    func(srv *kratostest.Server) { srv.FailWith(http.StatusForbidden) },
			noSession: true, asked: true,
		},
		{
			name:     "Kratos failing (500) is an error, not no session",
			creds:    byToken(kratostest.Valid(email)),
			before:   func(srv *kratostest.Server) { srv.FailWith(http.StatusInternalServerError) },
			otherErr: true, asked: true,
		},
		{
			name:     "Kratos down is an error, not no session",
			creds:    byToken(kratostest.Valid(email)),
			before:   func(srv *kratostest.Server) { srv.Close() },
			otherErr: true,
		},
		{
			name:     "cancelled request is an error, not no session",
			creds:    byToken(kratostest.Valid(email)),
			cancel:   true,
			otherErr: true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := kratostest.New(t)
			p, err := kratos.New(srv.URL(), srv.CookieName(), nil)
			require.NoError(t, err)
			cookie, token := tc.creds(srv)
			if tc.before != nil {
				tc.before(srv)
			}
			ctx, cancel := context.WithCancel(t.Context())
			if tc.cancel {
				cancel()
			}
			defer cancel()

			got, err := p.Session(ctx, cookie, token)

			switch {
			case tc.noSession:
				require.ErrorIs(t, err, ports.ErrNoSession)
				require.Zero(t, got)
			case tc.otherErr:
				require.Error(t, err)
				require.NotErrorIs(t, err, ports.ErrNoSession, "the caller must answer 5xx, not 401")
				require.Zero(t, got)
			default:
				require.NoError(t, err)
				want := tc.want
				want.ID = srv.IdentityID(email)
				require.NotEmpty(t, want.ID)
				require.NotEmpty(t, got.SessionID, "the session's ID, which the console binds its CSRF token to")
				want.SessionID = got.SessionID
				require.Equal(t, want, got)
			}
			if tc.asked {
				require.Equal(t, 1, srv.Requests())
			} else {
				require.Zero(t, srv.Requests())
			}
		})
	}
}

func TestNewRefusesAURLThatIsNotAbsoluteHTTP(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"", "kratos:4433", "/sessions", "ftp://kratos", "http://", "http://%zz"} {
		_, err := kratos.New(u, "engage_admin_session", nil)
		require.Errorf(t, err, "%q", u)
	}
	_, err := kratos.New("http://kratos:4433/", " ", nil)
	require.Error(t, err, "no session cookie name")
	p, err := kratos.New("http://kratos:4433/", "engage_admin_session", &http.Client{Timeout: time.Second})
	require.NoError(t, err)
	require.NotNil(t, p)
}

// The identity carries the ID of the session it was checked with: two sessions of one admin
// differ, and it is Kratos's ID of the session whichever way the session came.
func TestSessionIDIsKratosIDOfTheSession(t *testing.T) {
	t.Parallel()
	srv := kratostest.New(t)
	p, err := kratos.New(srv.URL(), srv.CookieName(), nil)
	require.NoError(t, err)
	first, second := srv.AddSession(kratostest.Valid("a@b.example")), srv.AddSession(kratostest.Valid("a@b.example"))
	byCookie, err := p.Session(t.Context(), srv.Cookie(first), "")
	require.NoError(t, err)
	byToken, err := p.Session(t.Context(), "", second)
	require.NoError(t, err)
	require.Equal(t, byCookie.ID, byToken.ID, "one identity")
	require.Equal(t, srv.SessionID(first), byCookie.SessionID)
	require.Equal(t, srv.SessionID(second), byToken.SessionID)
	require.NotEqual(t, byCookie.SessionID, byToken.SessionID)
}

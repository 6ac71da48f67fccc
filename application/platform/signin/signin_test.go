package signin_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/platformdb"
	"github.com/engagehq/engage/application/platform/access"
	"github.com/engagehq/engage/application/platform/signin"
	"github.com/engagehq/engage/ports"
)

type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func setup(t *testing.T, production bool) (*signin.Service, *clock) {
	t.Helper()
	db := pgtest.New(t).OpenApp(t)
	users := platformdb.NewAdminUsers(db)
	require.NoError(t, users.Insert(context.Background(), ports.AdminUser{ID: [16]byte{1}, IdentityID: access.LocalIdentityPrefix + "a@b.example", Email: "a@b.example"}))
	c := &clock{now: time.Now()}
	return signin.NewService(signin.Deps{Users: users, Store: platformdb.NewLocalSignIn(db), Clock: c, Key: []byte("key"), Production: production}), c
}

func TestLinkExpiresAfterFifteenMinutesAndSessionsAfterTwelveHours(t *testing.T) {
	t.Parallel()
	svc, c := setup(t, false)
	ctx := context.Background()
	late, err := svc.IssueLink(ctx, "a@b.example")
	require.NoError(t, err)
	c.now = c.now.Add(signin.LinkTTL + time.Second)
	_, err = svc.Redeem(ctx, late)
	require.ErrorIs(t, err, signin.ErrInvalidLink)

	link, err := svc.IssueLink(ctx, "a@b.example")
	require.NoError(t, err)
	session, err := svc.Redeem(ctx, link)
	require.NoError(t, err)
	id, err := svc.Session(ctx, "other=1; engage_session="+session, "")
	require.NoError(t, err)
	require.Equal(t, "a@b.example", id.Email)
	require.True(t, id.EmailVerified)
	// The session is named, for the console's CSRF token; another session has another name.
	require.NotEmpty(t, id.SessionID)
	link, err = svc.IssueLink(ctx, "a@b.example")
	require.NoError(t, err)
	second, err := svc.Redeem(ctx, link)
	require.NoError(t, err)
	other, err := svc.Session(ctx, "", second)
	require.NoError(t, err)
	require.NotEqual(t, id.SessionID, other.SessionID)

	c.now = c.now.Add(signin.SessionTTL)
	_, err = svc.Session(ctx, "", session)
	require.ErrorIs(t, err, ports.ErrNoSession)
}

func TestSignOutEndsTheSession(t *testing.T) {
	t.Parallel()
	svc, _ := setup(t, false)
	ctx := context.Background()
	link, err := svc.IssueLink(ctx, "a@b.example")
	require.NoError(t, err)
	session, err := svc.Redeem(ctx, link)
	require.NoError(t, err)
	require.NoError(t, svc.SignOut(ctx, session))
	_, err = svc.Session(ctx, "", session)
	require.ErrorIs(t, err, ports.ErrNoSession)
}

func TestProductionRefusesLocalSignIn(t *testing.T) {
	t.Parallel()
	svc, _ := setup(t, true)
	ctx := context.Background()
	_, err := svc.IssueLink(ctx, "a@b.example")
	require.ErrorIs(t, err, signin.ErrDisabled)
	_, err = svc.Redeem(ctx, "anything")
	require.ErrorIs(t, err, signin.ErrDisabled)
	_, err = svc.Session(ctx, "", "anything")
	require.ErrorIs(t, err, ports.ErrNoSession)
}

package secrets_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/application/platform/secrets"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

const (
	appSecret = "wx-app-secret-0123456789abcdefZ9Q"
	smtpPass  = "hunter2-abc"
)

func TestSetListRevealRoundTrip(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	svc := b.service(t, keySpec(t, "k1"))
	tn := pgtest.NewTenant(t, b.dir)
	at := testClock.t.Truncate(time.Microsecond)

	m, err := svc.Set(ctx, tn.ID, "wechat.mini_program.app_secret", appSecret)
	require.NoError(t, err)
	require.Equal(t, secrets.Masked{Name: "wechat.mini_program.app_secret", Hint: "••••fZ9Q", KeyID: "k1", UpdatedAt: at}, m)
	_, err = svc.Set(ctx, tn.ID, "smtp.password", smtpPass)
	require.NoError(t, err)

	list, err := svc.List(ctx, tn.ID)
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.Equal(t, "smtp.password", list[0].Name, "ordered by name")
	require.Equal(t, "••••", list[0].Hint, "a value under 12 characters shows no characters")
	require.Equal(t, m.Name, list[1].Name)
	require.Equal(t, m.Hint, list[1].Hint)
	require.Equal(t, "k1", list[1].KeyID)
	require.True(t, at.Equal(list[1].UpdatedAt))

	got, err := svc.Reveal(ctx, tn.ID, "wechat.mini_program.app_secret")
	require.NoError(t, err)
	require.Equal(t, appSecret, got)
	got, err = svc.Reveal(ctx, tn.ID, "smtp.password")
	require.NoError(t, err)
	require.Equal(t, smtpPass, got)

	_, err = svc.Reveal(ctx, tn.ID, "sms.aliyun.access_key_secret")
	require.ErrorIs(t, err, ports.ErrSecretNotFound)

	other := pgtest.NewTenant(t, b.dir)
	_, err = svc.Reveal(ctx, other.ID, "smtp.password")
	require.ErrorIs(t, err, ports.ErrSecretNotFound, "another tenant's secret does not exist for it")
	list, err = svc.List(ctx, other.ID)
	require.NoError(t, err)
	require.Empty(t, list)
}

func TestHintShowsTheLastFourCharactersFromTwelveOn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	svc := b.service(t, keySpec(t, "k1"))
	tn := pgtest.NewTenant(t, b.dir)
	for value, want := range map[string]string{
		"x":               "••••",
		"abcdefghijk":     "••••",
		"abcdefghijkl":    "••••ijkl",
		"微信小程序密钥0123四五六七": "••••四五六七",
	} {
		m, err := svc.Set(ctx, tn.ID, "test.hint", value)
		require.NoError(t, err)
		require.Equal(t, want, m.Hint, value)
	}
}

func TestSetAgainReplacesTheValue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	svc := b.service(t, keySpec(t, "k1"))
	tn := pgtest.NewTenant(t, b.dir)

	_, err := svc.Set(ctx, tn.ID, "sms.aliyun.access_key_secret", "first-value-0000AAAA")
	require.NoError(t, err)
	first := b.stored(t, tn.ID)
	m, err := svc.Set(ctx, tn.ID, "sms.aliyun.access_key_secret", "second-value-000BBBB")
	require.NoError(t, err)
	require.Equal(t, "••••BBBB", m.Hint)

	now := b.stored(t, tn.ID)
	require.Len(t, now, 1)
	require.NotEqual(t, first[0].Sealed, now[0].Sealed)
	got, err := svc.Reveal(ctx, tn.ID, "sms.aliyun.access_key_secret")
	require.NoError(t, err)
	require.Equal(t, "second-value-000BBBB", got)
	list, err := svc.List(ctx, tn.ID)
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, "••••BBBB", list[0].Hint)
}

func TestInvalidNameOrValueIsAFieldErrorAndStoresNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	svc := b.service(t, keySpec(t, "k1"))
	tn := pgtest.NewTenant(t, b.dir)
	cases := []struct{ name, value, field string }{
		{"ab", "v", "name"},
		{"Smtp.password", "v", "name"},
		{"1smtp", "v", "name"},
		{"_smtp", "v", "name"},
		{"smtp-password", "v", "name"},
		{"smtp password", "v", "name"},
		{"smtp/password", "v", "name"},
		{"a" + strings.Repeat("b", 64), "v", "name"},
		{"", "v", "name"},
		{"smtp.password", "", "value"},
		{"smtp.password", strings.Repeat("x", secrets.MaxValueBytes+1), "value"},
		{"smtp.password", strings.Repeat("密", secrets.MaxValueBytes/3+1), "value"},
	}
	for _, c := range cases {
		_, err := svc.Set(ctx, tn.ID, c.name, c.value)
		var fe *fielderr.Error
		require.Truef(t, errors.As(err, &fe), "%q=%.10q: %v", c.name, c.value, err)
		require.Equal(t, c.field, fe.Field)
		if c.field == "value" && c.value != "" {
			require.NotContains(t, err.Error(), c.value, "the value is not echoed")
		}
	}

	_, err := svc.Set(ctx, tn.ID, "BAD", "")
	var fields []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		var fe *fielderr.Error
		require.True(t, errors.As(e, &fe))
		fields = append(fields, fe.Field)
	}
	require.Equal(t, []string{"name", "value"}, fields, "both faults are reported at once")

	require.Empty(t, b.stored(t, tn.ID))
	require.Empty(t, b.auditRows(t, tn.ID))

	// The limits themselves are fine.
	_, err = svc.Set(ctx, tn.ID, "abc", "v")
	require.NoError(t, err)
	_, err = svc.Set(ctx, tn.ID, "a"+strings.Repeat("b", 63), strings.Repeat("x", secrets.MaxValueBytes))
	require.NoError(t, err)
}

func TestDeleteRemovesTheSecret(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	svc := b.service(t, keySpec(t, "k1"))
	tn := pgtest.NewTenant(t, b.dir)
	_, err := svc.Set(ctx, tn.ID, "smtp.password", smtpPass)
	require.NoError(t, err)

	require.NoError(t, svc.Delete(ctx, tn.ID, "smtp.password"))
	_, err = svc.Reveal(ctx, tn.ID, "smtp.password")
	require.ErrorIs(t, err, ports.ErrSecretNotFound)
	require.ErrorIs(t, svc.Delete(ctx, tn.ID, "smtp.password"), ports.ErrSecretNotFound)

	actions := []string{}
	for _, r := range b.auditRows(t, tn.ID) {
		actions = append(actions, r.action)
	}
	require.Equal(t, []string{"secret.set", "secret.delete"}, actions, "a delete of nothing is not audited")
}

func TestEveryChangeIsAuditedMaskedWithoutThePlaintext(t *testing.T) {
	t.Parallel()
	b := setup(t)
	svc := b.service(t, keySpec(t, "k1"))
	tn := pgtest.NewTenant(t, b.dir)
	ctx := ports.WithActor(context.Background(), ports.Actor{Kind: ports.ActorAPIKey, ID: "key-1", Label: "egk_abc"})

	_, err := svc.Set(ctx, tn.ID, "wechat.mini_program.app_secret", appSecret)
	require.NoError(t, err)
	_, err = svc.Set(ctx, tn.ID, "wechat.mini_program.app_secret", appSecret+"-v2-ZZZZ")
	require.NoError(t, err)
	require.NoError(t, svc.Delete(ctx, tn.ID, "wechat.mini_program.app_secret"))

	rows := b.auditRows(t, tn.ID)
	require.Len(t, rows, 3)
	require.Equal(t, "secret.set", rows[0].action)
	require.Equal(t, "wechat.mini_program.app_secret", rows[0].targetID)
	require.Empty(t, rows[0].before, "a new secret had no before")
	require.Contains(t, rows[0].after, `"hint": "••••fZ9Q"`)
	require.Contains(t, rows[0].after, `"key_id": "k1"`)
	require.Equal(t, "api_key", rows[0].actorKind)
	require.Equal(t, "egk_abc", rows[0].actorLabel)

	require.Equal(t, "secret.set", rows[1].action)
	require.Contains(t, rows[1].before, `"hint": "••••fZ9Q"`)
	require.Contains(t, rows[1].after, `"hint": "••••ZZZZ"`)

	require.Equal(t, "secret.delete", rows[2].action)
	require.Contains(t, rows[2].before, `"hint": "••••ZZZZ"`)
	require.Empty(t, rows[2].after)

	for _, r := range rows {
		for _, col := range []string{r.before, r.after, r.diff} {
			require.NotContains(t, col, appSecret)
			require.NotContains(t, col, "0123456789abcdef")
		}
	}
}

type failingAudit struct{}

func (failingAudit) Record(context.Context, ports.AuditEntry) error { return errors.New("audit down") }

func TestAChangeThatCannotBeAuditedIsNotMade(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	spec := keySpec(t, "k1")
	tn := pgtest.NewTenant(t, b.dir)
	broken := b.serviceWithAudit(t, spec, failingAudit{})

	_, err := broken.Set(ctx, tn.ID, "smtp.password", smtpPass)
	require.ErrorContains(t, err, "audit down")
	require.Empty(t, b.stored(t, tn.ID), "the put rolled back with the audit")

	_, err = b.service(t, spec).Set(ctx, tn.ID, "smtp.password", smtpPass)
	require.NoError(t, err)
	require.ErrorContains(t, broken.Delete(ctx, tn.ID, "smtp.password"), "audit down")
	require.Len(t, b.stored(t, tn.ID), 1, "the delete rolled back with the audit")
}

func TestRotateAllResealsUnderTheCurrentKey(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	oldSpec, newSpec := keySpec(t, "old"), keySpec(t, "new")
	before := b.service(t, oldSpec)
	a, c := pgtest.NewTenant(t, b.dir), pgtest.NewTenant(t, b.dir)
	_, err := before.Set(ctx, a.ID, "wechat.mini_program.app_secret", appSecret)
	require.NoError(t, err)
	_, err = before.Set(ctx, c.ID, "smtp.password", smtpPass)
	require.NoError(t, err)
	pgtest.NewTenant(t, b.dir) // a tenant with no secrets is walked and left alone

	// A keyring that lost the old key cannot open what it sealed: an error, no panic.
	withoutOld := b.service(t, newSpec)
	_, err = withoutOld.Reveal(ctx, a.ID, "wechat.mini_program.app_secret")
	require.ErrorContains(t, err, `unknown key ID "old"`)
	list, err := withoutOld.List(ctx, a.ID)
	require.NoError(t, err, "listing still works")
	require.Equal(t, "••••", list[0].Hint)
	require.Equal(t, "old", list[0].KeyID, "and says which key the secret needs")
	n, err := withoutOld.RotateAll(ctx)
	require.ErrorContains(t, err, `unknown key ID "old"`)
	require.Zero(t, n)

	during := b.service(t, newSpec+","+oldSpec)
	n, err = during.RotateAll(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	for _, tn := range []tenants.ID{a.ID, c.ID} {
		stored := b.stored(t, tn)
		require.Len(t, stored, 1)
		require.Equal(t, "new", stored[0].KeyID)
		require.True(t, testClock.t.Truncate(time.Microsecond).Equal(stored[0].UpdatedAt), "a re-seal does not change the value's time")
	}
	got, err := during.Reveal(ctx, a.ID, "wechat.mini_program.app_secret")
	require.NoError(t, err)
	require.Equal(t, appSecret, got)

	// Once rotated, the old key can go.
	after := b.service(t, newSpec)
	got, err = after.Reveal(ctx, c.ID, "smtp.password")
	require.NoError(t, err)
	require.Equal(t, smtpPass, got)
	n, err = after.RotateAll(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "nothing is left to re-seal")

	rows := b.auditRows(t, a.ID)
	require.Len(t, rows, 2)
	require.Equal(t, "secret.rotate", rows[1].action)
	require.Equal(t, "wechat.mini_program.app_secret", rows[1].targetID)
	require.JSONEq(t, `{"key_id": "old"}`, rows[1].before)
	require.JSONEq(t, `{"key_id": "new"}`, rows[1].after)
	require.Equal(t, "system", rows[1].actorKind)
}

func TestRotateAllWalksEveryPageOfTenants(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	oldSpec := keySpec(t, "old")
	before := b.service(t, oldSpec)
	const count = 103 // more than one page of the directory
	for range count {
		tn := pgtest.NewTenant(t, b.dir)
		_, err := before.Set(ctx, tn.ID, "smtp.password", smtpPass)
		require.NoError(t, err)
	}
	n, err := b.service(t, keySpec(t, "new")+","+oldSpec).RotateAll(ctx)
	require.NoError(t, err)
	require.Equal(t, count, n)
}

// The associated data binds a value to its tenant and name: a row copied elsewhere in the
// database does not open.
func TestASealedValueMovedToAnotherTenantOrNameDoesNotOpen(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	svc := b.service(t, keySpec(t, "k1"))
	a, c := pgtest.NewTenant(t, b.dir), pgtest.NewTenant(t, b.dir)
	_, err := svc.Set(ctx, a.ID, "smtp.password", smtpPass)
	require.NoError(t, err)
	_, err = svc.Set(ctx, c.ID, "smtp.password", "tenant-c-password")
	require.NoError(t, err)
	_, err = svc.Set(ctx, a.ID, "sms.tencent.secret_key", "tencent-secret-value")
	require.NoError(t, err)

	conn, err := pgx.Connect(ctx, b.pg.SuperuserURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `UPDATE tenant_secrets dst SET sealed = src.sealed, key_id = src.key_id
		FROM tenant_secrets src WHERE src.tenant_id = $1 AND src.name = 'smtp.password'
		AND dst.tenant_id = $2 AND dst.name = 'smtp.password'`, a.ID.UUID(), c.ID.UUID())
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `UPDATE tenant_secrets dst SET sealed = src.sealed, key_id = src.key_id
		FROM tenant_secrets src WHERE src.tenant_id = $1 AND src.name = 'smtp.password'
		AND dst.tenant_id = $1 AND dst.name = 'sms.tencent.secret_key'`, a.ID.UUID())
	require.NoError(t, err)

	_, err = svc.Reveal(ctx, c.ID, "smtp.password")
	require.ErrorContains(t, err, "does not authenticate")
	_, err = svc.Reveal(ctx, a.ID, "sms.tencent.secret_key")
	require.ErrorContains(t, err, "does not authenticate")
	got, err := svc.Reveal(ctx, a.ID, "smtp.password")
	require.NoError(t, err)
	require.Equal(t, smtpPass, got)
}

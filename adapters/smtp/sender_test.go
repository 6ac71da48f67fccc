package smtp_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/smtp"
	"github.com/engagehq/engage/adapters/smtp/mailpittest"
	"github.com/engagehq/engage/ports"
)

const (
	chineseSubject = "您的积分即将到期：还剩 1,200 分，请在 2026年12月31日 前到莲花茶饮门店兑换 🎉"
	chineseText    = "王小明，您好！\n\n您的会员积分 1,200 分将于 2026年12月31日 到期。\n.以点开头的一行也要原样送达。\n" +
		"这是一行很长的文字，用来确认 quoted-printable 编码的软换行不会破坏任何一个汉字或者表情符号 🍵🍵🍵，收件人看到的内容必须与发出的完全一致。\n"
	chineseHTML = `<!doctype html><html><body><h1 style="color:#c0392b">积分即将到期</h1>` +
		`<p>王小明，您好！您的会员积分 <strong>1,200</strong> 分将于 2026年12月31日 到期，请尽快到<a href="https://lotus.example/兑换?src=邮件&amp;id=42">门店兑换</a>。</p></body></html>`
)

func TestSendDeliversChineseMultipartMessage(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{Username: username, Password: password, TLS: mailpittest.TLSStartTLS})
	s := smtp.Sender{TLSConfig: mp.TLSConfig(), AllowPrivate: true}

	err := s.Send(context.Background(), mp.Account("hello@lotus.example"), password, smtp.Message{
		From:    sender,
		To:      []string{"王小明 <xiaoming@example.com>", "ada@example.com"},
		Subject: chineseSubject,
		Text:    chineseText,
		HTML:    chineseHTML,
	})
	require.NoError(t, err)

	list := mp.Messages(t)
	require.Len(t, list, 1)
	got := mp.Message(t, list[0].ID)
	require.Equal(t, chineseSubject, got.Subject)
	require.Equal(t, mailpittest.Address{Name: "莲花茶饮", Address: "hello@lotus.example"}, got.From)
	require.Equal(t, []mailpittest.Address{{Name: "王小明", Address: "xiaoming@example.com"}, {Address: "ada@example.com"}}, got.To)
	require.Equal(t, normalise(chineseText), normalise(got.Text))
	require.Equal(t, chineseHTML, strings.TrimSpace(got.HTML))
	require.NotEmpty(t, got.MessageID)
	require.Equal(t, "hello@lotus.example", strings.Trim(got.ReturnPath, "<>"))

	raw := mp.Raw(t, list[0].ID)
	require.Contains(t, raw, "\r\nSubject:\r\n =?utf-8?q?")
	require.Contains(t, raw, "Content-Type: multipart/alternative;\r\n boundary=")
	require.Contains(t, raw, "Content-Type: text/plain; charset=utf-8")
	require.Contains(t, raw, "Content-Type: text/html; charset=utf-8")
	require.Less(t, strings.Index(raw, "text/plain"), strings.Index(raw, "text/html"), "the HTML alternative comes last, as preferred")
	for i, line := range strings.Split(raw, "\r\n") {
		require.LessOrEqual(t, len(line), 78, "line %d is too long: %q", i+1, line)
		for _, b := range []byte(line) {
			require.Less(t, b, byte(0x80), "line %d is not 7-bit: %q", i+1, line)
		}
	}
}

func TestSendSinglePartBodies(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{})
	s := smtp.Sender{AllowPrivate: true}
	account := mp.Account("hello@lotus.example")

	require.NoError(t, s.Send(context.Background(), account, "", smtp.Message{
		To: []string{"ada@example.com"}, Subject: "plain", Text: "只有文字"}))
	require.NoError(t, s.Send(context.Background(), account, "", smtp.Message{
		To: []string{"ada@example.com"}, Subject: "html", HTML: "<p>只有网页</p>"}))

	byTitle := map[string]mailpittest.Message{}
	for _, sum := range mp.Messages(t) {
		byTitle[sum.Subject] = mp.Message(t, sum.ID)
		require.NotContains(t, mp.Raw(t, sum.ID), "multipart")
	}
	require.Equal(t, "只有文字", strings.TrimSpace(byTitle["plain"].Text))
	require.Empty(t, byTitle["plain"].HTML)
	require.Equal(t, "<p>只有网页</p>", strings.TrimSpace(byTitle["html"].HTML))
	require.Equal(t, "hello@lotus.example", byTitle["html"].From.Address, "From defaults to the account's")
}

func TestSendReportsRefusedRecipient(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{AllowedRecipients: `@example\.com$`})

	err := smtp.Sender{AllowPrivate: true}.Send(context.Background(), mp.Account(sender), "", smtp.Message{
		To: []string{"ada@example.com", "bob@elsewhere.example"}, Subject: "x", Text: "x"})
	require.Equal(t, "550", refusal(t, err).Code)
	require.ErrorContains(t, err, "bob@elsewhere.example")
	require.False(t, smtp.Retryable(err))
	require.Empty(t, mp.Messages(t), "a refused recipient aborts the whole send")
}

func TestSendReportsWrongPassword(t *testing.T) {
	t.Parallel()
	mp := mailpittest.Start(t, mailpittest.Options{Username: username, Password: password, TLS: mailpittest.TLSImplicit})

	err := smtp.Sender{TLSConfig: mp.TLSConfig(), AllowPrivate: true}.Send(context.Background(), mp.Account(sender), "wrong", smtp.Message{
		To: []string{"ada@example.com"}, Subject: "x", Text: "x"})
	require.Equal(t, "535", refusal(t, err).Code)
}

func TestSendRejectsInvalidMessageBeforeConnecting(t *testing.T) {
	t.Parallel()
	// Nothing listens here: a message refused before connecting never learns that.
	account := ports.SMTPAccount{Host: "127.0.0.1", Port: closedPort(t), From: sender, TLS: smtp.TLSNone}
	for name, msg := range map[string]smtp.Message{
		"no recipient":  {Subject: "x", Text: "x"},
		"no body":       {To: []string{"ada@example.com"}, Subject: "x"},
		"bad recipient": {To: []string{"ada at example.com"}, Text: "x"},
		"bad From":      {From: "莲花茶饮", To: []string{"ada@example.com"}, Text: "x"},
		"header in To":  {To: []string{"ada@example.com\r\nBcc: eve@example.com"}, Text: "x"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := smtp.Sender{AllowPrivate: true}.Send(context.Background(), account, "", msg)
			require.ErrorIs(t, err, smtp.ErrInvalidMessage)
			require.NotErrorIs(t, err, smtp.ErrUnreachable)
			require.False(t, smtp.Retryable(err))
		})
	}
}

func TestRetryable(t *testing.T) {
	t.Parallel()
	wrap := func(err error) error { return fmt.Errorf("send: %w", err) }
	refused := func(code string) error { return wrap(&ports.ProviderError{Provider: "smtp", Code: code, Message: "m"}) }

	require.True(t, smtp.Retryable(wrap(smtp.ErrUnreachable)))
	require.True(t, smtp.Retryable(refused("421")))
	require.True(t, smtp.Retryable(refused("451")))
	require.False(t, smtp.Retryable(refused("535")))
	require.False(t, smtp.Retryable(refused("550")))
	require.False(t, smtp.Retryable(refused(smtp.CodeStartTLSUnavailable)))
	require.False(t, smtp.Retryable(wrap(smtp.ErrInvalidMessage)))
	require.False(t, smtp.Retryable(errors.New("other")))
	require.False(t, smtp.Retryable(nil))
}

// normalise gives text CRLF-free line ends and no trailing line breaks, as mail transport may
// change both.
func normalise(s string) string {
	return strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
}

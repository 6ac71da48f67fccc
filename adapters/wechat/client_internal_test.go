package wechat

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestNewDefaultsToWeChatWithATimeout(t *testing.T) {
	t.Parallel()
	c := New("", nil)
	require.Equal(t, "https://api.weixin.qq.com", c.base)
	require.Equal(t, 10*time.Second, c.http.Timeout)

	hc := &http.Client{}
	require.Same(t, hc, New("http://127.0.0.1:1", hc).http)
}

package main

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/httpapi/apitest"
)

// startDev runs engage dev, as make run does, on a free loopback port and returns its base URL
// once it is ready; it is stopped when the test ends.
func startDev(t *testing.T, b *testBundle) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	base := "http://" + addr
	cmd := exec.Command(b.bin, "dev")
	var logs apitest.LockedBuffer
	cmd.Env = append(b.env, "ENGAGE_HTTP_ADDR="+addr, "ENGAGE_PUBLIC_URL="+base, "ENGAGE_LOG_LEVEL=warn")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		<-exited
	})
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("engage dev stopped (%v): %s", err, &logs)
		default:
		}
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		require.True(t, time.Now().Before(deadline), "engage dev did not become ready: %s", &logs)
	}
	require.Contains(t, logs.String(), "Development WeChat")
	return base
}

// post sends body as JSON and decodes the answer.
func post(t *testing.T, url, token string, body any) (int, map[string]any) {
	t.Helper()
	raw, err := json.Marshal(body)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(raw))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	return do(t, req, token)
}

func do(t *testing.T, req *http.Request, token string) (int, map[string]any) {
	t.Helper()
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

// TestTheMiniProgramWalkthroughWorksAgainstEngageDev is MINI_PROGRAM.md against engage dev:
// login with a development WeChat code, phone binding and /v1/me, first from Go, then the
// document's own shell steps, as a developer would paste them.
func TestTheMiniProgramWalkthroughWorksAgainstEngageDev(t *testing.T) {
	t.Parallel()
	b := setup(t)
	api := startDev(t, b)

	status, code := post(t, api+"/dev/wechat/lotus-tea/login-code", "", map[string]any{"user": "bob"})
	require.Equal(t, http.StatusOK, status, "%v", code)
	status, login := post(t, api+"/v1/mini/lotus-tea/login", "", map[string]any{"code": code["code"]})
	require.Equal(t, http.StatusOK, status, "%v", login)
	require.Equal(t, true, login["new"])
	token := login["token"].(string)
	status, again := post(t, api+"/v1/mini/lotus-tea/login", "", map[string]any{"code": code["code"]})
	require.Equal(t, http.StatusUnprocessableEntity, status, "a code works once: %v", again)
	require.Equal(t, "invalid_code", again["code"])

	status, phoneCode := post(t, api+"/dev/wechat/lotus-tea/phone-code", "", map[string]any{"phone": "13900001111"})
	require.Equal(t, http.StatusOK, status, "%v", phoneCode)
	status, bound := post(t, api+"/v1/me/phone", token, map[string]any{"code": phoneCode["code"]})
	require.Equal(t, http.StatusOK, status, "%v", bound)
	req, err := http.NewRequest(http.MethodGet, api+"/v1/me", nil)
	require.NoError(t, err)
	status, me := do(t, req, token)
	require.Equal(t, http.StatusOK, status, "%v", me)
	require.Equal(t, login["customer_id"], me["id"])
	require.Equal(t, "+8613900001111", me["phone"])

	status, unknown := post(t, api+"/dev/wechat/no-such-brand/login-code", "", map[string]any{"user": "bob"})
	require.Equal(t, http.StatusNotFound, status, "%v", unknown)

	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the document's shell steps need %s", tool)
		}
	}
	// Step 5 looks for an active demo customer: the workers give the loaded history its stages.
	key, err := os.ReadFile(demoKeyPath(b.dir, "lotus-tea"))
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		req, err := http.NewRequest(http.MethodGet, api+"/v1/customers?lifecycle=active&limit=1", nil)
		require.NoError(t, err)
		status, page := do(t, req, strings.TrimSpace(string(key)))
		items, _ := page["items"].([]any)
		return status == http.StatusOK && len(items) == 1
	}, 3*time.Minute, time.Second, "the demo customers got their lifecycle stages")

	doc, err := os.ReadFile(filepath.Join("..", "..", "adapters", "httpapi", "customersapi", "MINI_PROGRAM.md"))
	require.NoError(t, err)
	var script strings.Builder
	// Any failed request fails the script, with the answer's body on its output.
	script.WriteString("set -euo pipefail\ncurl() { command curl --fail-with-body \"$@\"; }\n")
	for _, m := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(string(doc), -1) {
		script.WriteString(m[1])
	}
	sh := exec.Command("bash", "-c", script.String())
	sh.Dir = t.TempDir()
	sh.Env = append(b.env, "API="+api, "ENGAGE="+b.bin)
	out, err := sh.CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), `"phone": "+8613812345678"`, "the phone bound in step 2")
	require.Contains(t, string(out), `"王小明"`, "the profile changed in step 3 and read after the refresh in step 4")
	require.Contains(t, string(out), `"lifecycle_stage": "active"`, "step 5's demo customer, active")
	png, err := os.ReadFile(filepath.Join(sh.Dir, "member-code.png"))
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(png, []byte("\x89PNG")))
}

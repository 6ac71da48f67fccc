package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/engagehq/engage/adapters/postgres"
	"github.com/engagehq/engage/adapters/postgres/pgtest"
)

// testSecretsKey is a fixed keyring for tests: key ID t1, 32 bytes of 0x01.
const testSecretsKey = "t1:AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="

type testBundle struct {
	bin string
	env []string
	// dir is the binary's ENGAGE_DIR.
	dir string
	db  *pgtest.Database
	// watch is a pool of the test's own, opened once (jobsDB).
	watch     *postgres.DB
	watchOnce sync.Once
}

// setup builds the binary and points it at a fresh migrated database.
func setup(t *testing.T) *testBundle {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "engage")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	db := pgtest.New(t)
	dir := t.TempDir()
	return &testBundle{bin: bin, db: db, dir: dir, env: append(os.Environ(),
		"DATABASE_URL="+db.AppURL, "ENGAGE_MIGRATE_DATABASE_URL="+db.OwnerURL,
		"ENGAGE_PLATFORM_KEY=egp_cli_test", "ENGAGE_DIR="+dir, "ENGAGE_LOG_LEVEL=info")}
}

func (b *testBundle) run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(b.bin, args...)
	cmd.Env = b.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestCLIAdministersTenantsAndSeedsTheDemoOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)

	out, err := b.run(t, "migrate", "status")
	require.NoError(t, err, out)
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		require.True(t, strings.HasPrefix(line, "applied "), line)
	}

	out, err = b.run(t, "tenant", "create", "--slug", "cli-brand", "--name", "CLI 品牌")
	require.NoError(t, err, out)
	require.Contains(t, out, "cli-brand")
	out, err = b.run(t, "tenant", "create", "--slug", "cli-brand", "--name", "again")
	require.Error(t, err)
	require.Contains(t, out, "slug already taken")

	out, err = b.run(t, "tenant", "suspend", "cli-brand")
	require.NoError(t, err, out)
	require.Contains(t, out, "suspended")

	for range 2 {
		out, err = b.run(t, "seed", "--demo")
		require.NoError(t, err, out)
	}
	out, err = b.run(t, "tenant", "list")
	require.NoError(t, err, out)
	require.Equal(t, 1, strings.Count(out, "lotus-tea"), out)
	require.Equal(t, 1, strings.Count(out, "north-peak"), out)
	require.Equal(t, 3, strings.Count(strings.TrimSpace(out), "\n")+1, out)

	out, err = b.run(t, "tenant", "issue-key", "lotus-tea", "--name", "pos", "--role", "store_staff")
	require.NoError(t, err, out)
	require.Contains(t, out, "egk_")
}

func TestServeAnswersThenShutsDownGracefullyOnSIGTERM(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	cmd := exec.Command(b.bin, "serve")
	var logs bytes.Buffer
	cmd.Env = append(b.env, "ENGAGE_HTTP_ADDR="+addr, "ENGAGE_SHUTDOWN_TIMEOUT=10s")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	base := "http://" + addr
	require.Eventually(t, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 30*time.Second, 100*time.Millisecond, "serve became ready: %s", &logs)

	jobs, err := http.Get(base + "/platform/jobs/")
	require.NoError(t, err)
	jobs.Body.Close()
	require.Equal(t, http.StatusUnauthorized, jobs.StatusCode, "River's UI is for platform operators only")
	req, _ := http.NewRequest(http.MethodGet, base+"/platform/jobs/", nil)
	req.SetBasicAuth("operator", "egp_cli_test")
	jobs, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	jobs.Body.Close()
	require.Equal(t, http.StatusOK, jobs.StatusCode)

	dev, err := http.Post(base+"/dev/wechat/lotus-tea/login-code", "application/json", strings.NewReader(`{"user":"bob"}`))
	require.NoError(t, err)
	dev.Body.Close()
	require.Equal(t, http.StatusNotFound, dev.StatusCode, "only engage dev serves the development WeChat")

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, "%s", &logs)
	case <-time.After(20 * time.Second):
		t.Fatalf("serve did not stop within its shutdown timeout: %s", &logs)
	}
	require.Contains(t, logs.String(), `"msg":"stopped"`)
}

func TestProductionServesMetricsApartAndEveryAnswerWithSecurityHeaders(t *testing.T) {
	t.Parallel()
	b := setup(t)
	addr, metricsAddr := freeAddr(t), freeAddr(t)
	cmd := exec.Command(b.bin, "serve", "--workers=false")
	var logs bytes.Buffer
	cmd.Env = append(b.env, "ENGAGE_ENV=production", "ENGAGE_SECRETS_KEY="+testSecretsKey,
		"ENGAGE_HTTP_ADDR="+addr, "ENGAGE_METRICS_ADDR="+metricsAddr, "ENGAGE_SHUTDOWN_TIMEOUT=10s")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	base := "http://" + addr
	require.Eventually(t, func() bool {
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 30*time.Second, 100*time.Millisecond, "serve became ready: %s", &logs)

	get := func(url string) *http.Response {
		t.Helper()
		resp, err := http.Get(url)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	// The metrics describe every brand's traffic: not on the public listener.
	require.Equal(t, http.StatusNotFound, get(base+"/metrics").StatusCode)
	metrics, err := http.Get("http://" + metricsAddr + "/metrics")
	require.NoError(t, err)
	text, _ := io.ReadAll(metrics.Body)
	metrics.Body.Close()
	require.Equal(t, http.StatusOK, metrics.StatusCode)
	require.Contains(t, string(text), "engage_http_request_duration_seconds")
	require.Equal(t, http.StatusNotFound, get("http://"+metricsAddr+"/readyz").StatusCode, "the metrics listener serves metrics only")

	for _, path := range []string{"/healthz", "/readyz", "/openapi.json", "/openapi.yaml", "/docs", "/v1/tenant", "/console/login",
		"/console/assets/console.css", "/platform/jobs/", "/no/such/route"} {
		resp := get(base + path)
		require.Equalf(t, "nosniff", resp.Header.Get("X-Content-Type-Options"), "%s (%d)", path, resp.StatusCode)
		require.Equalf(t, "max-age=63072000; includeSubDomains", resp.Header.Get("Strict-Transport-Security"), "%s", path)
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, cmd.Wait(), "%s", &logs)
}

// freeAddr is a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

func TestProductionRefusesDevelopmentConveniences(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cmd := exec.Command(b.bin, "serve")
	cmd.Env = append(os.Environ(), "ENGAGE_ENV=production", "DATABASE_URL=", "ENGAGE_DIR="+t.TempDir())
	out, err := cmd.CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(out), "DATABASE_URL is required in production")

	cmd = exec.Command(b.bin, "serve")
	cmd.Env = append(b.env, "ENGAGE_ENV=production", "ENGAGE_PLATFORM_KEY=")
	out, err = cmd.CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(out), "ENGAGE_PLATFORM_KEY is required in production")

	production := append(b.env, "ENGAGE_ENV=production", "ENGAGE_SECRETS_KEY="+testSecretsKey)
	cmd = exec.Command(b.bin, "serve")
	cmd.Env = append(production, "ENGAGE_SECRETS_KEY=")
	out, err = cmd.CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(out), "ENGAGE_SECRETS_KEY is required in production")

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd = exec.CommandContext(ctx, b.bin, "dev")
	cmd.Env = production
	out, err = cmd.CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(out), "engage dev is for development")

	// One-time sign-in links are a development convenience: production refuses them.
	text, err := b.run(t, "tenant", "create", "--slug", "prod-brand", "--name", "P")
	require.NoError(t, err, text)
	text, err = b.run(t, "admin", "add", "--tenant", "prod-brand", "--email", "owner@prod.example")
	require.NoError(t, err, text)
	cmd = exec.Command(b.bin, "admin", "login-link", "--email", "owner@prod.example")
	cmd.Env = production
	out, err = cmd.CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(out), "disabled in production")

	cmd = exec.Command(b.bin, "customer", "token", "prod-brand", "0b6f3c52-8d0e-4a55-9a43-3f7c2a1e9d10")
	cmd.Env = production
	out, err = cmd.CombinedOutput()
	require.Error(t, err)
	require.Contains(t, string(out), "development customer tokens are refused in production")
}

func TestHelpExplainsEverySubcommand(t *testing.T) {
	t.Parallel()
	b := setup(t)
	out, err := b.run(t, "--help")
	require.NoError(t, err)
	for _, c := range commands() {
		require.Contains(t, out, "  "+c.name+" ")
	}
	require.Contains(t, out, "ENGAGE_HTTP_ADDR")
	require.Contains(t, out, "ENGAGE_PLATFORM_KEY")
}

func TestAuditVerifyReportsABrokenChain(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, args := range [][]string{
		{"tenant", "create", "--slug", "chain-brand", "--name", "Chain"},
		{"tenant", "suspend", "chain-brand"},
		{"tenant", "reinstate", "chain-brand"},
	} {
		out, err := b.run(t, args...)
		require.NoError(t, err, out)
	}
	out, err := b.run(t, "audit", "verify")
	require.NoError(t, err, out)
	require.Contains(t, out, "ok      chain-brand: 3 records")

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, b.db.SuperuserURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `UPDATE audit_log SET actor_label = 'someone else' WHERE seq = 2`)
	require.NoError(t, err)
	out, err = b.run(t, "audit", "verify", "--tenant", "chain-brand")
	require.Error(t, err, "a broken chain fails the command")
	require.Contains(t, out, "BROKEN  chain-brand")
	require.Contains(t, out, "record 2")
}

func TestSecretsRotateReencryptsUnderTheNewKey(t *testing.T) {
	t.Parallel()
	b := setup(t)
	out, err := b.run(t, "tenant", "create", "--slug", "secret-brand", "--name", "S")
	require.NoError(t, err, out)
	out, err = b.run(t, "secrets", "rotate")
	require.NoError(t, err, out)
	require.Contains(t, out, "re-encrypted 0 secrets")
}

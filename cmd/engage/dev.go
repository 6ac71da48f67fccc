package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/engagehq/engage/adapters/localpg"
	"github.com/engagehq/engage/adapters/wechat/wechatdev"
)

// runDev is make run: the private cluster, migrations, the demo brands, the development
// WeChat for their Mini Programs, then serve.
func runDev(ctx context.Context, args []string) error {
	if err := newFlags("dev", "dev").Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(ctx)
	if err != nil {
		return err
	}
	if cfg.production() {
		return errors.New("engage dev is for development; use engage migrate up and engage serve in production")
	}
	if err := migrateUp(ctx, cfg); err != nil {
		return err
	}
	wx := wechatdev.Start()
	defer wx.Close()
	cfg = withDevWeChat(cfg, wx)
	a, err := newApp(ctx, cfg)
	if err != nil {
		return err
	}
	err = seedDemo(ctx, a)
	if err == nil && cfg.kratosURL == "" {
		err = printLoginLink(ctx, a, demoBrands[0].admin)
	}
	var keys, minis string
	if err == nil {
		keys, err = demoKeys(ctx, a)
	}
	if err == nil {
		minis, err = devMiniPrograms(ctx, a, wx)
	}
	a.close()
	if err != nil {
		return err
	}
	return serve(ctx, cfg, true, true, func(addr string) {
		fmt.Printf(`
Engage is running.
  Console:       %[1]s/console/   (sign in with the one-time link above; platform operators: %[1]s/console/platform/)
  API docs:      %[1]s/docs   (OpenAPI: %[1]s/openapi.json, %[1]s/openapi.yaml)
  River jobs UI: %[1]s/platform/jobs/   (any user name, password: the platform key)
  Platform key:  %[2]s
  Health:        %[1]s/healthz  %[1]s/readyz  %[1]s/metrics
Demo brands' owner API keys (Authorization: Bearer ...; kept in %[3]s):
%[4]sDevelopment WeChat (a stand-in; codes from POST %[1]s/dev/wechat/{brand}/login-code and /phone-code,
see adapters/httpapi/customersapi/MINI_PROGRAM.md):
%[5]sListening on %[6]s (ENGAGE_HTTP_ADDR sets the address, ENGAGE_PUBLIC_URL the links). Stop with Ctrl-C.
`, cfg.publicURL, cfg.platformKey, filepath.Join(cfg.dir, "demo-keys"), keys, minis, addr)
	})
}

// runDevDB manages the private cluster on its own, for make test and tooling.
func runDevDB(ctx context.Context, args []string) error {
	fs := newFlags("devdb", "devdb up|env|stop|destroy")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir := env("ENGAGE_DIR", ".engage")
	switch fs.Arg(0) {
	case "up", "env":
		c, err := localpg.Ensure(ctx, dir)
		if err != nil {
			return err
		}
		if fs.Arg(0) == "env" {
			fmt.Printf("export DATABASE_URL='%s'\nexport ENGAGE_MIGRATE_DATABASE_URL='%s'\n", c.AppURL(localpg.Database), c.OwnerURL(localpg.Database))
			return nil
		}
		fmt.Fprintf(os.Stderr, "postgres running on 127.0.0.1:%d (data in %s)\n", c.Port, dir)
		return nil
	case "stop":
		return localpg.Stop(ctx, dir)
	case "destroy":
		return localpg.Destroy(ctx, dir)
	}
	fs.Usage()
	return errors.New("want up, env, stop or destroy")
}

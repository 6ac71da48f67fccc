package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/engagehq/engage/application/platform/audit"
)

// errChainBroken makes engage audit verify exit non-zero when any chain is broken.
var errChainBroken = errors.New("audit chain broken")

func runAudit(ctx context.Context, args []string) error {
	fs := newFlags("audit", "audit verify [--tenant SLUG]")
	tenant := fs.String("tenant", "", "check one brand only")
	if len(args) == 0 || args[0] != "verify" {
		fs.Usage()
		return errors.New("want: audit verify")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	return withApp(ctx, func(a *app) error { return verifyAudit(ctx, a, *tenant) })
}

func verifyAudit(ctx context.Context, a *app, tenant string) error {
	broken := false
	report := func(v audit.Verification) {
		if v.Break != nil {
			broken = true
			fmt.Printf("BROKEN  %s: %d records; %v\n", v.Tenant.Slug, v.Records, v.Break)
			return
		}
		fmt.Printf("ok      %s: %d records\n", v.Tenant.Slug, v.Records)
	}
	if tenant != "" {
		t, err := a.Tenants.Lookup(ctx, tenant)
		if err != nil {
			return err
		}
		v, err := a.Audit.Verify(ctx, t)
		if err != nil {
			return err
		}
		report(v)
	} else if err := a.Audit.VerifyAll(ctx, report); err != nil {
		return err
	}
	if broken {
		return errChainBroken
	}
	return nil
}

func runSecrets(ctx context.Context, args []string) error {
	fs := newFlags("secrets", "secrets rotate")
	if len(args) == 0 || args[0] != "rotate" {
		fs.Usage()
		return errors.New("want: secrets rotate")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	return withApp(ctx, func(a *app) error {
		n, err := a.Secrets.RotateAll(ctx)
		if err != nil {
			return err
		}
		fmt.Printf("re-encrypted %d secrets under the current key\n", n)
		if n, err = a.Webhooks.ResealAll(ctx); err != nil {
			return err
		}
		fmt.Printf("re-encrypted the signing secrets of %d webhook endpoints under the current key\n", n)
		return nil
	})
}

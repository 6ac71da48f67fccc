// Command engage is Engage's single binary: the API and console server, the background
// workers, migrations, tenant administration and the local development bootstrap.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

type command struct {
	name    string
	usage   string
	summary string
	run     func(ctx context.Context, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "serve [--api=true] [--workers=true]", "serve the API, console and workers in one process (flags run only some)", runServe},
		{"worker", "worker", "run only the background workers", runWorker},
		{"migrate", "migrate up|down|reset|status", "apply (up), roll back one (down) or all (reset) migrations, or list them", runMigrate},
		{"tenant", "tenant create|list|get|suspend|reinstate|issue-key ...", "administer brand tenants as the platform operator", runTenant},
		{"admin", "admin login-link|add ...", "sign-in links for local development, and adding admins to a brand", runAdmin},
		{"customer", customerUsage, "development only: a customer token and refresh token of one of a brand's customers, as a Mini Program login answers", runCustomer},
		{"audit", "audit verify [--tenant SLUG]", "check every brand's audit hash chain and report any break", runAudit},
		{"reporting-login", reportingUsage, "make a brand's read-only login for a BI tool (the reporting views of its brand only)", runReportingLogin},
		{"secrets", "secrets rotate", "re-encrypt every tenant secret under the current master key", runSecrets},
		{"seed", "seed --demo [--cdnow PATH]", "create the demo brands, the first with the CDNOW purchase history (idempotent)", runSeed},
		{"dev", "dev", "what make run does: start the private Postgres, migrate, seed the demo and serve", runDev},
		{"devdb", "devdb up|env|stop|destroy", "start the private Postgres under .engage/, print its connection settings, stop it, or delete it", runDevDB},
		{"openapi", "openapi [--check] [--out openapi/openapi.yaml]", "write the OpenAPI document, or check the committed one is current", runOpenAPI},
		{"load", "load [--clients 16] [--duration 20s] [--ingest | --earning]", "load-test an authenticated tenant read against pgbench -S on the same Postgres, with --ingest batch ingestion of purchase events, or with --earning the till's points earning beside pgbench tpcb-like", runLoad},
	}
}

func usage() {
	fmt.Fprint(os.Stderr, "engage: loyalty and customer engagement for consumer brands.\n\nUsage: engage <command> [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(os.Stderr, "  %-10s %s\n             %s\n", c.name, c.summary, c.usage)
	}
	fmt.Fprint(os.Stderr, "\nRun engage <command> --help for its flags. Configuration comes from the environment:\n")
	printConfigHelp(os.Stderr)
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage()
		if len(os.Args) < 2 {
			os.Exit(2)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	for _, c := range commands() {
		if c.name == os.Args[1] {
			err := c.run(ctx, os.Args[2:])
			if errors.Is(err, flag.ErrHelp) {
				return
			}
			if err != nil {
				fmt.Fprintf(os.Stderr, "engage %s: %v\n", c.name, err)
				os.Exit(1)
			}
			return
		}
	}
	fmt.Fprintf(os.Stderr, "engage: unknown command %q\n\n", os.Args[1])
	usage()
	os.Exit(2)
}

// newFlags returns a flag set whose --help prints the command's usage.
func newFlags(name, usageLine string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: engage %s\n", usageLine)
		fs.PrintDefaults()
	}
	return fs
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/httpapi/customersapi"
)

const customerUsage = `customer token BRAND CUSTOMER_ID`

// runCustomer is what development does as a brand's customer.
func runCustomer(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(os.Stderr, "Usage: engage "+customerUsage)
		return errors.New("missing action")
	}
	action, args := args[0], args[1:]
	fs := newFlags("customer "+action, customerUsage)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if action != "token" {
		return fmt.Errorf("unknown customer action %q; usage: engage %s", action, customerUsage)
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return errors.New("want the brand's slug or ID and the customer's ID")
	}
	return withApp(ctx, func(a *app) error { return customerToken(ctx, a, fs.Arg(0), fs.Arg(1)) })
}

// customerToken prints, as JSON, what a Mini Program login of the customer would answer: a
// customer token and a refresh token. Production refuses.
func customerToken(ctx context.Context, a *app, brand, customer string) error {
	if a.cfg.production() {
		return errors.New("development customer tokens are refused in production")
	}
	t, err := a.Tenants.Lookup(ctx, brand)
	if err != nil {
		return fmt.Errorf("brand %q: %w", brand, err)
	}
	id, err := uuid.Parse(customer)
	if err != nil {
		return fmt.Errorf("customer %q: not a customer ID (a UUID)", customer)
	}
	login, err := a.CustomerAuth.DevelopmentLogin(ctx, t.ID, id)
	if err != nil {
		return fmt.Errorf("customer %s of %s: %w", id, t.Slug, err)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(customersapi.MiniLogin(login))
}

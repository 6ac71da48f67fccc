package main

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/engagehq/engage/adapters/wire/web"
)

func runOpenAPI(_ context.Context, args []string) error {
	fs := newFlags("openapi", "openapi [--check] [--out openapi/openapi.yaml]")
	out := fs.String("out", "openapi/openapi.yaml", "where the document is committed")
	check := fs.Bool("check", false, "fail when the committed document differs from the code")
	if err := fs.Parse(args); err != nil {
		return err
	}
	doc, err := web.Document().YAML()
	if err != nil {
		return err
	}
	if *check {
		committed, err := os.ReadFile(*out)
		if err != nil {
			return err
		}
		if !bytes.Equal(committed, doc) {
			return fmt.Errorf("%s is out of date: run make openapi", *out)
		}
		return nil
	}
	return os.WriteFile(*out, doc, 0o644)
}

package httpapi

import (
	"log/slog"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// Module is a module's part of the API: its operations, which it registers with Register on
// api. A module adds its API by being listed in Deps.Modules; it edits no file of the kit.
type Module interface {
	RegisterAPI(api huma.API, kit *Kit)
}

// Kit is what the server lends the operations of every module.
type Kit struct {
	log       *slog.Logger
	tokens    CustomerTokens
	publicURL string
}

// PublicURL is the server's external base URL (no trailing slash), for links that leave the
// API, such as an invitation's; empty when not configured.
func (k *Kit) PublicURL() string { return strings.TrimRight(k.publicURL, "/") }

// Logger is the server's logger.
func (k *Kit) Logger() *slog.Logger { return k.log }

// CustomerTokens checks customers' tokens for any module's customer operations
// (Customer(kit.CustomerTokens())): it is the first module of the server that implements
// CustomerTokens (the customers module, which issues them), nil when none does.
func (k *Kit) CustomerTokens() CustomerTokens { return k.tokens }

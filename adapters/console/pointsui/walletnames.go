package pointsui

import (
	"fmt"
	"net/http"

	"github.com/engagehq/engage/adapters/console"
	"github.com/engagehq/engage/domain/points/ledger"
	"github.com/engagehq/engage/domain/points/program"
	"github.com/engagehq/engage/domain/points/report"
)

// walletNames names a brand's wallets on its pages: by the label the brand gave a wallet, else
// the built-in wallets' names (and any the messages name), else the key.
type walletNames map[ledger.Wallet]program.Label

// namesOf are the names of the program's wallets.
func namesOf(s program.Settings) walletNames {
	n := walletNames{}
	for _, w := range s.Wallets {
		n[w.Key] = w.Label
	}
	return n
}

// Of is wallet w's name in lang.
func (n walletNames) Of(lang string, w any) string {
	key := fmt.Sprint(w)
	if l := n[ledger.Wallet(key)].In(lang); l != "" {
		return l
	}
	return named(lang, "points.wallet_", key)
}

// In are the names in lang for reports: the built-in wallets' as the console names them.
func (n walletNames) In(lang string) report.Names {
	out := report.Names{}
	for w := range n {
		out[w] = n.Of(lang, w)
	}
	return out
}

// walletName is a wallet's name in lang for templates: {{walletName .Lang .Wallet .Names}}.
func walletName(lang string, w any, n walletNames) string { return n.Of(lang, w) }

// walletNames are the names of the brand's wallets, for a page.
func (h *handlers) walletNames(r *http.Request) (walletNames, error) {
	s, err := h.d.Points.Settings(r.Context(), console.ViewOf(r).Tenant.ID)
	return namesOf(s), err
}

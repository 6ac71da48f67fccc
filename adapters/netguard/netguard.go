// Package netguard dials the outbound connections whose destination a brand chooses (webhook
// receivers, its mail server). Unless private addresses are allowed (development and tests,
// with local receivers), it refuses every address outbound.Check refuses, at connect time, on
// the address being connected to: after name resolution, so a host name that resolves (or
// re-resolves, DNS rebinding) to an internal address is refused too, whatever the name says.
package netguard

import (
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"

	"github.com/engagehq/engage/domain/outbound"
)

// Dialer returns a dialer that gives up connecting after timeout (none when zero) and, unless
// allowPrivate, refuses addresses outbound.Check refuses with an error wrapping
// outbound.ErrNotAllowed.
func Dialer(timeout time.Duration, allowPrivate bool) *net.Dialer {
	d := &net.Dialer{Timeout: timeout}
	if !allowPrivate {
		d.Control = refuse
	}
	return d
}

// refuse runs on every connection attempt, with the resolved address about to be dialled.
func refuse(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("%q: %w", address, outbound.ErrNotAllowed)
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("%q: %w", host, outbound.ErrNotAllowed)
	}
	return outbound.Check(addr)
}

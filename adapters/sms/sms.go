// Package sms checks brands' SMS accounts with their own provider: Alibaba Cloud (package
// aliyun) or Tencent Cloud (package tencent). Verifier is the ports.SMSVerifier that picks
// the provider named by the account.
package sms

import (
	"context"
	"errors"
	"fmt"

	"github.com/engagehq/engage/adapters/sms/aliyun"
	"github.com/engagehq/engage/adapters/sms/tencent"
	"github.com/engagehq/engage/ports"
)

// ErrUnknownProvider is returned (wrapped) for an account whose Provider is neither "aliyun"
// nor "tencent", or whose provider has no client.
var ErrUnknownProvider = errors.New("sms: unknown provider")

// Verifier routes each account to the client of its provider.
type Verifier struct {
	aliyun  *aliyun.Client
	tencent *tencent.Client
}

var _ ports.SMSVerifier = (*Verifier)(nil)

// NewVerifier returns a Verifier using aliyunClient for "aliyun" accounts and tencentClient
// for "tencent" ones; either may be nil, and its accounts are then refused.
func NewVerifier(aliyunClient *aliyun.Client, tencentClient *tencent.Client) *Verifier {
	return &Verifier{aliyun: aliyunClient, tencent: tencentClient}
}

// Verify checks account with its provider; see aliyun.Client.Verify and tencent.Client.Verify.
func (v *Verifier) Verify(ctx context.Context, account ports.SMSAccount, secret string) error {
	switch {
	case account.Provider == aliyun.Provider && v.aliyun != nil:
		return v.aliyun.Verify(ctx, account, secret)
	case account.Provider == tencent.Provider && v.tencent != nil:
		return v.tencent.Verify(ctx, account, secret)
	}
	return fmt.Errorf("%w %q", ErrUnknownProvider, account.Provider)
}

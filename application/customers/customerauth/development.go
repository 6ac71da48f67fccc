package customerauth

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// ErrDevelopmentOnly refuses development tokens in production.
var ErrDevelopmentOnly = errors.New("development customer tokens are refused in production")

// DevelopmentLogin signs customer of tenant in without WeChat, as a login does: a customer
// token and a refresh token of a new family. It is for trying the Mini Program's operations
// locally (engage customer token) and refused in production; ports.ErrCustomerNotFound for a
// customer the brand does not have.
func (s *Service) DevelopmentLogin(ctx context.Context, tenant tenants.ID, customer uuid.UUID) (Login, error) {
	if s.d.Production {
		return Login{}, ErrDevelopmentOnly
	}
	var family ports.RefreshFamily
	err := s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		exists, _, err := s.d.Sessions.NotBefore(ctx, customer)
		switch {
		case err != nil:
			return err
		case !exists:
			return ports.ErrCustomerNotFound
		}
		family, err = s.startFamily(ctx, customer)
		return err
	})
	if err != nil {
		return Login{}, err
	}
	return s.issue(tenant, Login{CustomerID: customer}, family), nil
}

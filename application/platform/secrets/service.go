// Package secrets is the use cases of a tenant's secrets, the credentials of its channels
// (WeChat app secrets, SMS keys, SMTP passwords): stored sealed under a master key, shown only
// masked, revealed only to the senders that use them, and re-sealed when the key rotates.
package secrets

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Deps are what the service needs.
type Deps struct {
	Tx      ports.Transactor
	Secrets ports.SecretRepository
	// Cipher seals values at rest.
	Cipher  ports.Cipher
	Audit   ports.AuditLog
	Tenants *tenants.Directory
	// Clock defaults to the wall clock.
	Clock ports.Clock
}

// Service runs the secret use cases. Every change is audited in its own transaction, with
// masked views only.
type Service struct {
	tx     ports.Transactor
	repo   ports.SecretRepository
	cipher ports.Cipher
	audit  ports.AuditLog
	dir    *tenants.Directory
	clock  ports.Clock
}

// NewService returns the secrets service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Service{tx: d.Tx, repo: d.Secrets, cipher: d.Cipher, audit: d.Audit, dir: d.Tenants, clock: d.Clock}
}

// Set stores value as tenant's secret name, replacing any it had, and returns its masked view.
func (s *Service) Set(ctx context.Context, tenant tenants.ID, name, value string) (Masked, error) {
	return ports.InTenant(ctx, s.tx, tenant, func(ctx context.Context) (Masked, error) {
		return s.SetInTx(ctx, tenant, name, value)
	})
}

// SetInTx is Set inside the caller's tenant transaction, for use cases that store a secret
// together with other changes (a channel's settings and its credential).
func (s *Service) SetInTx(ctx context.Context, tenant tenants.ID, name, value string) (Masked, error) {
	if err := errors.Join(validateName(name), validateValue(value)); err != nil {
		return Masked{}, err
	}
	aad := additionalData(tenant, name)
	plain := []byte(value)
	keyID, sealed, err := s.cipher.Seal(plain, aad)
	clear(plain)
	if err != nil {
		return Masked{}, fmt.Errorf("secrets: seal: %w", err)
	}
	after := Masked{Name: name, Hint: hint(value), KeyID: keyID, UpdatedAt: s.now()}
	var before any
	old, err := s.repo.Get(ctx, name)
	switch {
	case err == nil:
		before = s.mask(tenant, old)
	case !errors.Is(err, ports.ErrSecretNotFound):
		return Masked{}, err
	}
	if err := s.repo.Put(ctx, ports.StoredSecret{Name: name, KeyID: keyID, Sealed: sealed, UpdatedAt: after.UpdatedAt}); err != nil {
		return Masked{}, err
	}
	err = s.audit.Record(ctx, ports.AuditEntry{Action: "secret.set", TargetType: "secret", TargetID: name, Before: before, After: after})
	return after, err
}

// Delete removes tenant's secret name, or returns ports.ErrSecretNotFound.
func (s *Service) Delete(ctx context.Context, tenant tenants.ID, name string) error {
	if err := validateName(name); err != nil {
		return err
	}
	return s.tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		old, err := s.repo.Get(ctx, name)
		if err != nil {
			return err
		}
		if err := s.repo.Delete(ctx, name); err != nil {
			return err
		}
		return s.audit.Record(ctx, ports.AuditEntry{
			Action: "secret.delete", TargetType: "secret", TargetID: name, Before: s.mask(tenant, old),
		})
	})
}

// List returns tenant's secrets, masked, ordered by name. A secret sealed under a key the
// keyring no longer holds is listed with the bare mask as its hint; its KeyID says which key.
func (s *Service) List(ctx context.Context, tenant tenants.ID) ([]Masked, error) {
	stored, err := ports.ReadInTenant(ctx, s.tx, tenant, s.repo.List)
	if err != nil {
		return nil, err
	}
	out := make([]Masked, len(stored))
	for i, st := range stored {
		out[i] = s.mask(tenant, st)
	}
	return out, nil
}

// Reveal returns the value of tenant's secret name, for the senders that present it to a
// provider. It is never exposed through the API.
func (s *Service) Reveal(ctx context.Context, tenant tenants.ID, name string) (string, error) {
	if err := validateName(name); err != nil {
		return "", err
	}
	st, err := ports.ReadInTenant(ctx, s.tx, tenant, func(ctx context.Context) (ports.StoredSecret, error) {
		return s.repo.Get(ctx, name)
	})
	if err != nil {
		return "", err
	}
	plain, err := s.cipher.Open(st.KeyID, st.Sealed, additionalData(tenant, name))
	if err != nil {
		return "", fmt.Errorf("secrets: open %s: %w", name, err)
	}
	return string(plain), nil
}

// RevealInTx is Reveal inside the caller's tenant transaction, for use cases that make a
// secret of their own when missing (a signing key) and must read and store it under one lock.
func (s *Service) RevealInTx(ctx context.Context, tenant tenants.ID, name string) (string, error) {
	if err := validateName(name); err != nil {
		return "", err
	}
	st, err := s.repo.Get(ctx, name)
	if err != nil {
		return "", err
	}
	plain, err := s.cipher.Open(st.KeyID, st.Sealed, additionalData(tenant, name))
	if err != nil {
		return "", fmt.Errorf("secrets: open %s: %w", name, err)
	}
	return string(plain), nil
}

// mask opens st only to compute its hint; what cannot be opened gets the bare mask.
func (s *Service) mask(tenant tenants.ID, st ports.StoredSecret) Masked {
	m := Masked{Name: st.Name, Hint: mask, KeyID: st.KeyID, UpdatedAt: st.UpdatedAt}
	if plain, err := s.cipher.Open(st.KeyID, st.Sealed, additionalData(tenant, st.Name)); err == nil {
		m.Hint = hint(string(plain))
		clear(plain)
	}
	return m
}

// now is the clock's time at the precision PostgreSQL stores.
func (s *Service) now() time.Time {
	return s.clock.Now().Truncate(time.Microsecond)
}

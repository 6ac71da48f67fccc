package webhooks

import (
	"context"
	"fmt"

	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// ResealAll re-seals, under the cipher's current key, every endpoint signing secret (and
// rotated-out secret still kept) of every tenant that an older key sealed, one transaction per
// tenant, and returns how many endpoints it re-sealed. It runs with the secrets' own rotation
// (engage secrets rotate), so an old master key can leave the keyring afterwards. Running it
// again after a failure resumes where it stopped.
func (s *Service) ResealAll(ctx context.Context) (int, error) {
	current := s.d.Cipher.CurrentKeyID()
	total := 0
	err := s.d.Tenants.Each(ctx, func(t tenants.Tenant) error {
		n, err := s.resealTenant(ctx, t.ID, current)
		if err != nil {
			return fmt.Errorf("webhooks: reseal tenant %s: %w", t.Slug, err)
		}
		total += n
		return nil
	})
	return total, err
}

func (s *Service) resealTenant(ctx context.Context, tenant tenants.ID, current string) (int, error) {
	n := 0
	err := s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		n = 0
		all, err := s.d.Repo.ListEndpoints(ctx)
		if err != nil {
			return err
		}
		for _, listed := range all {
			if listed.SecretKeyID == current && (listed.PreviousKeyID == "" || listed.PreviousKeyID == current) {
				continue
			}
			// Read it again under lock: a concurrent rotation must not be overwritten.
			e, err := s.d.Repo.GetEndpoint(ctx, listed.ID)
			if err != nil {
				return err
			}
			if e.SecretKeyID, e.SecretSealed, err = s.reseal(tenant, e, e.SecretKeyID, e.SecretSealed); err != nil {
				return err
			}
			if e.PreviousKeyID != "" {
				if e.PreviousKeyID, e.PreviousSealed, err = s.reseal(tenant, e, e.PreviousKeyID, e.PreviousSealed); err != nil {
					return err
				}
			}
			if err := s.d.Repo.UpdateEndpoint(ctx, e); err != nil {
				return err
			}
			if err := s.d.Audit.Record(ctx, ports.AuditEntry{Action: "webhook.reseal", TargetType: "webhook", TargetID: e.ID.String(),
				Before: map[string]any{"key_id": listed.SecretKeyID}, After: map[string]any{"key_id": e.SecretKeyID}}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// reseal opens what keyID sealed for e and seals it under the current key.
func (s *Service) reseal(tenant tenants.ID, e ports.StoredWebhook, keyID string, sealed []byte) (string, []byte, error) {
	aad := secretAAD(tenant, e.ID)
	plain, err := s.d.Cipher.Open(keyID, sealed, aad)
	if err != nil {
		return "", nil, fmt.Errorf("open secret of %s: %w", e.ID, err)
	}
	defer clear(plain)
	return s.d.Cipher.Seal(plain, aad)
}

package secrets

import (
	"context"
	"errors"
	"fmt"

	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// rotatePage is how many tenants RotateAll reads from the directory at a time.
const rotatePage = 100

// keyChange is what the audit trail records of a re-seal: the key IDs, nothing of the value.
type keyChange struct {
	KeyID string `json:"key_id"`
}

// RotateAll re-seals, under the cipher's current key, every secret of every tenant (active
// or suspended) that an older key sealed, one transaction per tenant, and returns how many it
// re-sealed. Values and their UpdatedAt stay as they were. It stops at the first tenant it
// cannot rotate (say, a secret under a key missing from the keyring); what it did before
// stays done, and running it again resumes where it stopped.
func (s *Service) RotateAll(ctx context.Context) (int, error) {
	current := s.cipher.CurrentKeyID()
	total := 0
	after := ""
	for {
		page, err := s.dir.List(ctx, after, rotatePage)
		if err != nil {
			return total, fmt.Errorf("secrets: list tenants: %w", err)
		}
		for _, t := range page {
			n, err := s.rotateTenant(ctx, t.ID, current)
			if err != nil {
				return total, fmt.Errorf("secrets: rotate tenant %s: %w", t.Slug, err)
			}
			total += n
		}
		if len(page) < rotatePage {
			return total, nil
		}
		after = page[len(page)-1].Slug
	}
}

func (s *Service) rotateTenant(ctx context.Context, tenant tenants.ID, current string) (int, error) {
	var n int
	err := s.tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		n = 0
		all, err := s.repo.List(ctx)
		if err != nil {
			return err
		}
		for _, listed := range all {
			if listed.KeyID == current {
				continue
			}
			// Read it again under lock: a concurrent Set must not be overwritten.
			st, err := s.repo.Get(ctx, listed.Name)
			if errors.Is(err, ports.ErrSecretNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			if st.KeyID == current {
				continue
			}
			if err := s.reseal(ctx, tenant, st); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

func (s *Service) reseal(ctx context.Context, tenant tenants.ID, st ports.StoredSecret) error {
	aad := additionalData(tenant, st.Name)
	plain, err := s.cipher.Open(st.KeyID, st.Sealed, aad)
	if err != nil {
		return fmt.Errorf("open %s: %w", st.Name, err)
	}
	keyID, sealed, err := s.cipher.Seal(plain, aad)
	clear(plain)
	if err != nil {
		return fmt.Errorf("seal %s: %w", st.Name, err)
	}
	if err := s.repo.Put(ctx, ports.StoredSecret{Name: st.Name, KeyID: keyID, Sealed: sealed, UpdatedAt: st.UpdatedAt}); err != nil {
		return err
	}
	return s.audit.Record(ctx, ports.AuditEntry{
		Action: "secret.rotate", TargetType: "secret", TargetID: st.Name,
		Before: keyChange{KeyID: st.KeyID}, After: keyChange{KeyID: keyID},
	})
}

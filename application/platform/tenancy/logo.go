package tenancy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	_ "image/jpeg" // decoders for the accepted logo formats
	_ "image/png"

	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Logo limits.
const (
	MaxLogoBytes = 512 << 10
	MaxLogoSide  = 2048
)

// ErrLogo is returned for an upload that is not a PNG or JPEG of at most 512 KiB and 2048 px.
var ErrLogo = errors.New("a logo is a PNG or JPEG image of at most 512 KiB and 2048×2048 pixels")

// SetLogo replaces tenant's logo after checking it really is a small PNG or JPEG image.
func (s *Service) SetLogo(ctx context.Context, tenant tenants.ID, data []byte) error {
	if len(data) == 0 || len(data) > MaxLogoBytes {
		return fielderr.New("logo", ErrLogo)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width > MaxLogoSide || cfg.Height > MaxLogoSide || (format != "png" && format != "jpeg") {
		return fielderr.New("logo", ErrLogo)
	}
	sum := sha256.Sum256(data)
	return s.tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		if err := s.logos.Put(ctx, ports.Logo{ContentType: "image/" + format, Data: data}); err != nil {
			return err
		}
		return s.audit.Record(ctx, ports.AuditEntry{Action: "tenant.logo", TargetType: "tenant", TargetID: tenant.String(),
			After: map[string]any{"format": format, "bytes": len(data), "width": cfg.Width, "height": cfg.Height, "sha256": hex.EncodeToString(sum[:])}})
	})
}

// Logo returns tenant's logo, or ports.ErrNoLogo.
func (s *Service) Logo(ctx context.Context, tenant tenants.ID) (ports.Logo, error) {
	return ports.ReadInTenant(ctx, s.tx, tenant, s.logos.Get)
}

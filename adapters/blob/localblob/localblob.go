// Package localblob keeps blobs as files on the local disk, under one directory (the default:
// ENGAGE_DIR/blobs), one subdirectory per tenant. Writes go to a temporary file renamed into
// place, so a reader never sees half a blob.
package localblob

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Store keeps blobs under Dir.
type Store struct {
	// Dir is the root directory; it is made on the first Put.
	Dir string
}

var _ ports.Blobs = Store{}

// typeSuffix keeps a blob's content type beside it.
const typeSuffix = ".content-type"

func (s Store) path(tenant tenants.ID, key string) (string, error) {
	p, err := ports.BlobPath(tenant, key)
	if err != nil {
		return "", err
	}
	if filepath.Ext(p) == typeSuffix {
		return "", fmt.Errorf("%w %q: reserved suffix", ports.ErrBlobKey, key)
	}
	return filepath.Join(s.Dir, filepath.FromSlash(p)), nil
}

// Put implements ports.Blobs.
func (s Store) Put(_ context.Context, tenant tenants.ID, key string, data []byte, contentType string) error {
	p, err := s.path(tenant, key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return fmt.Errorf("localblob: %w", err)
	}
	if err := writeAtomic(p+typeSuffix, []byte(contentType)); err != nil {
		return err
	}
	return writeAtomic(p, data)
}

func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("localblob: %w", err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return fmt.Errorf("localblob: %w", err)
	}
	return nil
}

// Get implements ports.Blobs.
func (s Store) Get(_ context.Context, tenant tenants.ID, key string) ([]byte, string, error) {
	p, err := s.path(tenant, key)
	if err != nil {
		return nil, "", err
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", ports.ErrBlobNotFound
	}
	if err != nil {
		return nil, "", fmt.Errorf("localblob: %w", err)
	}
	ct, err := os.ReadFile(p + typeSuffix)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, "", fmt.Errorf("localblob: %w", err)
	}
	return data, string(ct), nil
}

// Delete implements ports.Blobs.
func (s Store) Delete(_ context.Context, tenant tenants.ID, key string) error {
	p, err := s.path(tenant, key)
	if err != nil {
		return err
	}
	for _, f := range []string{p, p + typeSuffix} {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("localblob: %w", err)
		}
	}
	return nil
}

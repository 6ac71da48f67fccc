package tenants

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Record is a tenant as a store keeps it. Only this package turns a Record into a Tenant, so
// only this package mints IDs.
type Record struct {
	ID        uuid.UUID
	Slug      string
	Name      string
	Status    string
	Timezone  string
	Locale    string
	Plan      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Store keeps tenants. It is platform-level by design: tenants are not tenant-owned rows.
type Store interface {
	// Insert adds a tenant, returning ErrSlugTaken when the slug is in use.
	Insert(ctx context.Context, r Record) (Record, error)
	// Get returns the tenant with id or ErrNotFound.
	Get(ctx context.Context, id uuid.UUID) (Record, error)
	// GetBySlug returns the tenant with slug or ErrNotFound.
	GetBySlug(ctx context.Context, slug string) (Record, error)
	// List returns up to limit tenants ordered by slug, after the slug afterSlug.
	List(ctx context.Context, afterSlug string, limit int) ([]Record, error)
	// Update locks the tenant, lets change edit it and saves the result.
	Update(ctx context.Context, id uuid.UUID, change func(*Record) error) (Record, error)
}

// resolveTTL bounds how long a resolved tenant (and so its status) is served from memory by
// one process; a change made through this Directory is seen at once by it.
const resolveTTL = 5 * time.Second

// Directory is the tenant lifecycle: onboarding, profile changes, suspension, and resolving
// the tenant a credential names.
type Directory struct {
	store Store
	now   func() time.Time

	mu    sync.Mutex
	cache map[uuid.UUID]cached
}

type cached struct {
	tenant  Tenant
	expires time.Time
}

// NewDirectory returns a Directory over store.
func NewDirectory(store Store) *Directory {
	return &Directory{store: store, now: time.Now, cache: map[uuid.UUID]cached{}}
}

// NewID mints the ID of a tenant about to be onboarded, so that the onboarding can run in that
// tenant's transaction (and be audited there) before the tenant is stored.
func NewID() ID { return ID{uuid.New()} }

// Create onboards a brand, under draft.ID when set.
func (d *Directory) Create(ctx context.Context, draft Draft) (Tenant, error) {
	if err := draft.normalise(); err != nil {
		return Tenant{}, err
	}
	if draft.ID.IsZero() {
		draft.ID = NewID()
	}
	r, err := d.store.Insert(ctx, Record{
		ID: draft.ID.u, Slug: draft.Slug, Name: draft.Name, Status: StatusActive.String(),
		Timezone: draft.Timezone, Locale: draft.Locale, Plan: draft.Plan,
	})
	if err != nil {
		return Tenant{}, err
	}
	return fromRecord(r)
}

// Lookup finds a tenant by slug or by ID in its textual form, for platform operators.
func (d *Directory) Lookup(ctx context.Context, ref string) (Tenant, error) {
	var (
		r   Record
		err error
	)
	if u, perr := uuid.Parse(ref); perr == nil {
		r, err = d.store.Get(ctx, u)
	} else {
		r, err = d.store.GetBySlug(ctx, ref)
	}
	if err != nil {
		return Tenant{}, err
	}
	return fromRecord(r)
}

// Resolve returns the tenant a verified credential (or a job's arguments) names. Results are
// cached briefly because every authenticated request resolves its tenant.
func (d *Directory) Resolve(ctx context.Context, id uuid.UUID) (Tenant, error) {
	now := d.now()
	d.mu.Lock()
	c, ok := d.cache[id]
	d.mu.Unlock()
	if ok && now.Before(c.expires) {
		return c.tenant, nil
	}
	r, err := d.store.Get(ctx, id)
	if err != nil {
		return Tenant{}, err
	}
	t, err := fromRecord(r)
	if err != nil {
		return Tenant{}, err
	}
	d.remember(t)
	return t, nil
}

// eachPage is how many tenants Each reads at a time.
const eachPage = 500

// Each calls fn for every tenant, in slug order, reading them a page at a time; it stops at
// fn's first error. Periodic jobs use it to fan out one job per tenant.
func (d *Directory) Each(ctx context.Context, fn func(Tenant) error) error {
	after := ""
	for {
		page, err := d.List(ctx, after, eachPage)
		if err != nil {
			return err
		}
		for _, t := range page {
			if err := fn(t); err != nil {
				return err
			}
		}
		if len(page) < eachPage {
			return nil
		}
		after = page[len(page)-1].Slug
	}
}

// List returns a page of tenants ordered by slug.
func (d *Directory) List(ctx context.Context, afterSlug string, limit int) ([]Tenant, error) {
	rs, err := d.store.List(ctx, afterSlug, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Tenant, 0, len(rs))
	for _, r := range rs {
		t, err := fromRecord(r)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// Update changes a tenant's profile.
func (d *Directory) Update(ctx context.Context, ref string, changes Changes) (Tenant, error) {
	return d.change(ctx, ref, func(t *Tenant) error { return changes.apply(t) })
}

// Suspend stops serving a tenant; its data stays intact.
func (d *Directory) Suspend(ctx context.Context, ref string) (Tenant, error) {
	return d.change(ctx, ref, func(t *Tenant) error { t.Status = StatusSuspended; return nil })
}

// Reinstate serves a suspended tenant again.
func (d *Directory) Reinstate(ctx context.Context, ref string) (Tenant, error) {
	return d.change(ctx, ref, func(t *Tenant) error { t.Status = StatusActive; return nil })
}

func (d *Directory) change(ctx context.Context, ref string, edit func(*Tenant) error) (Tenant, error) {
	current, err := d.Lookup(ctx, ref)
	if err != nil {
		return Tenant{}, err
	}
	r, err := d.store.Update(ctx, current.ID.u, func(r *Record) error {
		t, err := fromRecord(*r)
		if err != nil {
			return err
		}
		if err := edit(&t); err != nil {
			return err
		}
		*r = toRecord(t)
		return nil
	})
	if err != nil {
		return Tenant{}, err
	}
	t, err := fromRecord(r)
	if err != nil {
		return Tenant{}, err
	}
	d.remember(t)
	return t, nil
}

func (d *Directory) remember(t Tenant) {
	d.mu.Lock()
	d.cache[t.ID.u] = cached{tenant: t, expires: d.now().Add(resolveTTL)}
	d.mu.Unlock()
}

func fromRecord(r Record) (Tenant, error) {
	status, err := ParseStatus(r.Status)
	if err != nil {
		return Tenant{}, err
	}
	return Tenant{
		ID: ID{r.ID}, Slug: r.Slug, Name: r.Name, Status: status, Timezone: r.Timezone,
		Locale: r.Locale, Plan: r.Plan, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}, nil
}

func toRecord(t Tenant) Record {
	return Record{
		ID: t.ID.u, Slug: t.Slug, Name: t.Name, Status: t.Status.String(), Timezone: t.Timezone,
		Locale: t.Locale, Plan: t.Plan, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt,
	}
}

// Forget drops a tenant ("*": every tenant) from the resolve cache; change notices call it in
// every process so a suspension applies everywhere at once.
func (d *Directory) Forget(id string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if id == "*" {
		clear(d.cache)
		return
	}
	if u, err := uuid.Parse(id); err == nil {
		delete(d.cache, u)
	}
}

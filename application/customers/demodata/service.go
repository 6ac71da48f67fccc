// Package demodata fills a brand with data to show and to measure: customers imported in bulk
// and the CDNOW purchase history replayed through the activity stream's batch ingest.
package demodata

import (
	"context"
	"fmt"
	"io"
	"maps"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/application/customers/events"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Deps are what the service needs.
type Deps struct {
	Tx       ports.Transactor
	Importer ports.CustomerImporter
	Audit    ports.AuditLog
	// Events is the activity stream every purchase goes through.
	Events *events.Service
	// Clock defaults to the wall clock.
	Clock ports.Clock
}

// Service loads demo and load-test data.
type Service struct {
	tx       ports.Transactor
	importer ports.CustomerImporter
	audit    ports.AuditLog
	events   *events.Service
	clock    ports.Clock
}

// NewService returns the service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Service{tx: d.Tx, importer: d.Importer, audit: d.Audit, events: d.Events, clock: d.Clock}
}

// ImportCustomers adds the profiles whose external IDs the brand does not have yet, checked
// and in one audited transaction, and returns the customer ID of every external ID of cs.
func (s *Service) ImportCustomers(ctx context.Context, tenant tenants.ID, cs []customer.Customer) (map[string]uuid.UUID, error) {
	for i := range cs {
		if cs[i].ExternalID == "" {
			return nil, fmt.Errorf("customer %d: an import needs external IDs", i)
		}
		if err := cs[i].Normalise(s.clock.Now()); err != nil {
			return nil, fmt.Errorf("customer %s: %w", cs[i].ExternalID, err)
		}
	}
	return ports.InTenant(ctx, s.tx, tenant, func(ctx context.Context) (map[string]uuid.UUID, error) {
		ids, created, err := s.importer.ImportNew(ctx, cs)
		if err != nil || created == 0 {
			return ids, err
		}
		return ids, s.audit.Record(ctx, ports.AuditEntry{Action: "customer.import", TargetType: "customer", TargetID: "import",
			After: map[string]any{"created": created}})
	})
}

// Summary is what a CDNOW load did.
type Summary struct {
	Rows, Customers, NewCustomers int
	Accepted, Duplicates          int
	Elapsed                       time.Duration
}

// cdnowBatches is how many ingest batches a load sends at once.
const cdnowBatches = 4

// Replay places a CDNOW history in a brand's calendar and says which part of it to load.
type Replay struct {
	// Zone is the brand's time zone: every purchase is at noon there. Nil is Shanghai.
	Zone *time.Location
	// LastDay, unless zero, is the day (its date in Zone) the history's last purchase moves
	// to. Every purchase moves by the same number of days, so the intervals between purchases
	// and the amounts stay the file's. Zero keeps the file's dates.
	LastDay time.Time
	// Every, above 1, loads only the customers whose CDNOW ID is a multiple of it.
	Every int
	// Item is what every purchase bought, its quantity the row's number of CDs; the zero
	// value is a CD (category music).
	Item event.Item
}

// cd is what a CDNOW purchase bought.
var cd = event.Item{SKU: "cd", Category: "music"}

// Shift is how many days p moves the purchases of rows: from the file's last purchase date to
// LastDay's date in Zone.
func (p Replay) Shift(rows []CDNOWRow) int {
	if p.LastDay.IsZero() || len(rows) == 0 {
		return 0
	}
	last := rows[0].Date
	for _, r := range rows[1:] {
		if r.Date.After(last) {
			last = r.Date
		}
	}
	y, m, d := p.LastDay.In(p.zone()).Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(last).Hours() / 24)
}

func (p Replay) zone() *time.Location {
	if p.Zone == nil {
		return shanghai
	}
	return p.Zone
}

// pick returns the rows of the customers p loads.
func (p Replay) pick(rows []CDNOWRow) []CDNOWRow {
	if p.Every <= 1 {
		return rows
	}
	out := make([]CDNOWRow, 0, len(rows)/p.Every+1)
	for _, r := range rows {
		if r.Customer%p.Every == 0 {
			out = append(out, r)
		}
	}
	return out
}

// LoadCDNOW replays the CDNOW master file read from r as the brand's history, placed and
// picked as p says: its customers first (external IDs cdnow-<id>, each a member since their
// first purchase), then every purchase through IngestBatch, 1,000 per batch. Run again, it
// adds nothing, whatever the day (events are known by their line's ID). Any rejected purchase
// is an error.
func (s *Service) LoadCDNOW(ctx context.Context, tenant tenants.ID, r io.Reader, p Replay) (Summary, error) {
	start := time.Now()
	all, err := ParseCDNOW(r)
	if err != nil {
		return Summary{}, err
	}
	rows, zone, shift, item := p.pick(all), p.zone(), p.Shift(all), p.Item
	if item == (event.Item{}) {
		item = cd
	}
	sum := Summary{Rows: len(rows)}
	first := map[int]time.Time{}
	var order []int
	for _, row := range rows {
		at := row.Day(zone, shift)
		if f, ok := first[row.Customer]; !ok {
			order = append(order, row.Customer)
			first[row.Customer] = at
		} else if at.Before(f) {
			first[row.Customer] = at
		}
	}
	profiles := make([]customer.Customer, len(order))
	for i, id := range order {
		profiles[i] = Profile(id)
		profiles[i].CreatedAt = first[id]
	}
	ids, err := s.importCounting(ctx, tenant, profiles, &sum)
	if err != nil {
		return sum, err
	}

	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		slots    = make(chan struct{}, cdnowBatches)
	)
	for from := 0; from < len(rows); from += events.MaxBatch {
		part := rows[from:min(from+events.MaxBatch, len(rows))]
		drafts := make([]event.Draft, len(part))
		for i, row := range part {
			drafts[i] = row.Purchase(ids[ExternalID(row.Customer)], row.Day(zone, shift), item)
		}
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			results, err := s.events.IngestBatch(ctx, tenant, drafts)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				firstErr = err
				return
			}
			for _, res := range results {
				switch res.Status {
				case events.Accepted:
					sum.Accepted++
				case events.Duplicate:
					sum.Duplicates++
				default:
					if firstErr == nil {
						firstErr = fmt.Errorf("CDNOW purchase %s rejected: %s %v", res.ID, res.Code, res.Errors)
					}
				}
			}
		})
	}
	wg.Wait()
	sum.Elapsed = time.Since(start)
	return sum, firstErr
}

// importCounting imports profiles in parts of 5,000 and counts what it found and made.
func (s *Service) importCounting(ctx context.Context, tenant tenants.ID, profiles []customer.Customer, sum *Summary) (map[string]uuid.UUID, error) {
	ids := make(map[string]uuid.UUID, len(profiles))
	for from := 0; from < len(profiles); from += 5000 {
		part := profiles[from:min(from+5000, len(profiles))]
		got, err := s.ImportCustomers(ctx, tenant, part)
		if err != nil {
			return nil, err
		}
		maps.Copy(ids, got)
	}
	sum.Customers = len(ids)
	for _, p := range profiles {
		if ids[p.ExternalID] == p.ID {
			sum.NewCustomers++
		}
	}
	if sum.Customers != len(profiles) {
		return nil, fmt.Errorf("%d of %d CDNOW customers could not be imported (a phone or external ID another customer has?)",
			len(profiles)-sum.Customers, len(profiles))
	}
	return ids, nil
}

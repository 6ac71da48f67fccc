// Package events is the use cases of the customer activity stream: ingesting batches of
// events, reading a customer's timeline and aggregates, and handing stored events to the
// modules that react to them.
package events

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/event"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// MaxBatch is the most events one ingest call takes.
const MaxBatch = 1000

// Errors of the events service.
var (
	ErrBatchSize       = fmt.Errorf("a batch has 1 to %d events", MaxBatch)
	ErrUnknownCustomer = errors.New("no such customer")
	// ErrCustomerNamedTwice refuses an event naming its customer in more than one way.
	ErrCustomerNamedTwice = errors.New("name the customer once: by customer_id, customer_external_id or customer_phone")
	// ErrCustomerErased refuses events about a customer whose personal data was erased: an
	// event's payload could bring some of it back.
	ErrCustomerErased = errors.New("the customer's personal data was erased")
)

// Status is what became of one event of a batch.
type Status string

// Statuses of an ingested event.
const (
	// Accepted events are stored and handed to the reactors.
	Accepted Status = "accepted"
	// Duplicate events have an ID stored before (or earlier in the same batch): nothing changes.
	Duplicate Status = "duplicate"
	// Rejected events break a rule or name an unknown customer: nothing is stored.
	Rejected Status = "rejected"
)

// Codes of a rejection.
const (
	CodeInvalid         = "validation_failed"
	CodeUnknownCustomer = "unknown_customer"
	CodeCustomerErased  = "customer_erased"
	// CodeUnknownType refuses a custom event whose type the brand has not defined.
	CodeUnknownType = "unknown_event_type"
)

// Result is what became of the event at Index of a batch.
type Result struct {
	Index  int
	ID     string
	Status Status
	// Code says why an event was rejected.
	Code string
	// Errors name the fields at fault of a rejected event.
	Errors []*fielderr.Error
}

// Deps are what the service needs.
type Deps struct {
	Tx       ports.Transactor
	Events   ports.EventRepository
	Activity ports.ActivityRepository
	// Publisher publishes each stored batch to the modules that react (event.TypeRecorded) and
	// to the brand's webhooks (event.TypeIngested).
	Publisher ports.EventPublisher
	Tenants   *tenants.Directory
	Clock     ports.Clock

	// Types are the brand's custom event types, which custom events must follow.
	Types ports.EventTypeRepository
	// Audit records changes of the custom event types.
	Audit ports.AuditLog
	// Spend reads customers' purchases month by month.
	Spend ports.SpendHistory
}

// Service runs the activity stream's use cases.
type Service struct {
	deps Deps
}

// NewService returns the service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Service{deps: d}
}

// nameCustomers resolves the drafts that name their customer by external ID or by phone into
// customer IDs, with one read for the batch in the transaction of ctx (none when every draft
// names the customer by ID), and returns, by index, the drafts whose customer cannot be named
// so: named twice, a phone that is no phone number, or no such customer.
func (s *Service) nameCustomers(ctx context.Context, drafts []event.Draft) (map[int]Result, error) {
	refused := map[int]Result{}
	refuse := func(i int, code, field string, err error) {
		refused[i] = Result{Code: code, Errors: []*fielderr.Error{{Field: field, Err: err}}}
	}
	var externalIDs, phones []string
	for i := range drafts {
		d := &drafts[i]
		keys := 0
		for _, k := range []string{d.CustomerID, d.CustomerExternalID, d.CustomerPhone} {
			if k != "" {
				keys++
			}
		}
		switch {
		case keys > 1:
			refuse(i, CodeInvalid, "customer_id", ErrCustomerNamedTwice)
		case strings.ContainsRune(d.CustomerExternalID+d.CustomerPhone, 0):
			refused[i] = Result{Code: CodeInvalid} // the adapter reported the NUL (Draft.Malformed)
		case d.CustomerExternalID != "":
			externalIDs = append(externalIDs, d.CustomerExternalID)
		case d.CustomerPhone != "":
			phone, err := customer.NormalisePhone(d.CustomerPhone)
			if err != nil {
				refuse(i, CodeInvalid, "customer_phone", err)
				continue
			}
			d.CustomerPhone, phones = phone, append(phones, phone)
		}
	}
	if len(externalIDs)+len(phones) == 0 {
		return refused, nil
	}
	byExternalID, byPhone, err := s.deps.Events.CustomersByKeys(ctx, externalIDs, phones)
	if err != nil {
		return nil, err
	}
	for i := range drafts {
		d := &drafts[i]
		if _, ok := refused[i]; ok || d.CustomerID != "" || (d.CustomerExternalID == "" && d.CustomerPhone == "") {
			continue
		}
		id, field := byExternalID[d.CustomerExternalID], "customer_external_id"
		if d.CustomerExternalID == "" {
			id, field = byPhone[d.CustomerPhone], "customer_phone"
		}
		if id == uuid.Nil {
			refuse(i, CodeUnknownCustomer, field, ErrUnknownCustomer)
			continue
		}
		d.CustomerID = id.String()
	}
	return refused, nil
}

// IngestBatch checks every draft and stores the valid ones of known customers in one tenant
// transaction, publishing them there (event.TypeRecorded) to the modules that react and
// announcing them (event.TypeIngested) to the brand's webhooks. It returns a result per
// draft, in order; only an infrastructure failure (or a batch of the wrong size) is an error.
func (s *Service) IngestBatch(ctx context.Context, tenant tenants.ID, drafts []event.Draft) ([]Result, error) {
	return ports.InTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) ([]Result, error) {
		return s.IngestIn(ctx, drafts)
	})
}

// IngestIn is IngestBatch in the caller's tenant write transaction, for a use case that
// records events together with what it does about them (the till's earning): the events are
// stored, published and announced only if that transaction commits.
func (s *Service) IngestIn(ctx context.Context, drafts []event.Draft) ([]Result, error) {
	if len(drafts) == 0 || len(drafts) > MaxBatch {
		return nil, ErrBatchSize
	}
	now := s.deps.Clock.Now()
	drafts = slices.Clone(drafts)
	named, err := s.nameCustomers(ctx, drafts)
	if err != nil {
		return nil, err
	}
	results := make([]Result, len(drafts))
	valid := make([]event.Event, 0, len(drafts))
	at := make([]int, 0, len(drafts)) // index of each valid event in drafts
	for i, d := range drafts {
		results[i] = Result{Index: i, ID: d.ID}
		refusal, refused := named[i]
		if refused && d.CustomerID == "" {
			d.CustomerID = uuid.Nil.String() // checked by its key: the rest of the event is still checked
		}
		e, err := d.Check(now)
		switch {
		case err != nil || (refused && refusal.Code == CodeInvalid):
			results[i].Status, results[i].Code = Rejected, CodeInvalid
			if refused && refusal.Code == CodeInvalid {
				results[i].Errors = append(results[i].Errors, refusal.Errors...)
			}
			results[i].Errors = append(results[i].Errors, fielderr.All(err)...)
			continue
		case refused:
			results[i].Status, results[i].Code, results[i].Errors = Rejected, refusal.Code, refusal.Errors
			continue
		}
		valid, at = append(valid, e), append(at, i)
	}
	if len(valid) == 0 {
		return results, nil
	}
	return results, s.store(ctx, valid, at, results)
}

// store stores the valid drafts (valid[j] is drafts[at[j]]) of known, unerased customers in
// the transaction of ctx, filling in their results, and publishes and announces the new ones.
func (s *Service) store(ctx context.Context, valid []event.Event, at []int, results []Result) error {
	types, err := s.loadCatalog(ctx, valid)
	if err != nil {
		return err
	}
	ids := make([]uuid.UUID, 0, len(valid))
	for _, e := range valid {
		ids = append(ids, e.CustomerID)
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
	erased, err := s.deps.Events.ExistingCustomers(ctx, slices.Compact(ids))
	if err != nil {
		return err
	}
	insert := make([]event.Event, 0, len(valid))
	seen := make(map[string]bool, len(valid))
	for j := range valid {
		e, r := &valid[j], &results[at[j]]
		code, errs := types.check(e)
		switch {
		case code != "":
			r.Status, r.Code, r.Errors = Rejected, code, errs
		case !known(erased, e.CustomerID):
			r.Status, r.Code = Rejected, CodeUnknownCustomer
			r.Errors = []*fielderr.Error{{Field: "customer_id", Err: ErrUnknownCustomer}}
		case erased[e.CustomerID]:
			r.Status, r.Code = Rejected, CodeCustomerErased
			r.Errors = []*fielderr.Error{{Field: "customer_id", Err: ErrCustomerErased}}
		case seen[e.ID]:
			r.Status = Duplicate // of an event earlier in the batch
		default:
			seen[e.ID] = true
			insert = append(insert, *e)
		}
	}
	if len(insert) == 0 {
		return nil
	}
	stored, err := s.deps.Events.InsertNew(ctx, insert)
	if err != nil {
		return err
	}
	isNew := make(map[string]bool, len(stored))
	for _, id := range stored {
		isNew[id] = true
	}
	for _, j := range at {
		if r := &results[j]; r.Status == "" {
			r.Status = Duplicate
			if isNew[r.ID] {
				r.Status = Accepted
			}
		}
	}
	if len(stored) == 0 {
		return nil
	}
	fresh := make([]event.Event, 0, len(stored))
	for _, e := range insert {
		if isNew[e.ID] {
			fresh = append(fresh, e)
		}
	}
	recorded := event.Recorded{EventIDs: stored, CustomerIDs: event.CustomersOf(fresh)}
	if err := s.deps.Publisher.Publish(ctx, event.TypeRecorded, recorded); err != nil {
		return err
	}
	return s.deps.Publisher.Publish(ctx, event.TypeIngested, event.IngestedOf(fresh))
}

// Timeline returns a page of a customer's events, newest first, or ports.ErrCustomerNotFound.
func (s *Service) Timeline(ctx context.Context, tenant tenants.ID, customer uuid.UUID, q ports.TimelineQuery, page ports.Page) ([]event.Event, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) ([]event.Event, error) {
		out, err := s.deps.Events.Timeline(ctx, customer, q, page)
		if err != nil || len(out) > 0 {
			return out, err
		}
		return out, s.mustExist(ctx, customer)
	})
}

// Activity returns a customer's aggregates (zero for a customer without events yet), or
// ports.ErrCustomerNotFound.
func (s *Service) Activity(ctx context.Context, tenant tenants.ID, customer uuid.UUID) (event.Activity, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (event.Activity, error) {
		out, err := s.deps.Activity.Get(ctx, customer)
		if errors.Is(err, ports.ErrNoActivity) {
			return event.Activity{CustomerID: customer}, s.mustExist(ctx, customer)
		}
		return out, err
	})
}

func (s *Service) mustExist(ctx context.Context, customer uuid.UUID) error {
	erased, err := s.deps.Events.ExistingCustomers(ctx, []uuid.UUID{customer})
	if err == nil && !known(erased, customer) {
		err = ports.ErrCustomerNotFound
	}
	return err
}

// known reports whether the customer is in ExistingCustomers' answer.
func known(erased map[uuid.UUID]bool, customer uuid.UUID) bool {
	_, ok := erased[customer]
	return ok
}

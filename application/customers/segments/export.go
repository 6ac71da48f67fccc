package segments

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/application/csvexport"
	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/customers/segment"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// ExportHeader is the first row of a customer export: the profile, one column per consent,
// and the custom attributes as one JSON object.
var ExportHeader = append(append([]string{"id", "external_id", "name", "gender", "birth_date", "phone", "email", "language",
	"preferred_store", "city", "region", "lifecycle_stage"}, customer.Consents...), "attributes", "created_at")

// ExportFilter picks the customers to export: the listing's filters, and optionally a saved
// segment's members or a tree (decoded from JSON) they must also match.
type ExportFilter struct {
	Query   ports.CustomerQuery
	Segment uuid.UUID
	Tree    any
	// MaskPhones writes phones masked (customer.MaskPhone), for those who may export lists but
	// not see personal data in full, as the console's list shows them.
	MaskPhones bool
}

// ExportCSV writes the customers f picks to w as CSV, newest first, each row as it is read
// from one snapshot, and records one audit entry with the filters used (not their values, which
// may be personal data such as a phone number) and how many rows were written, even when the
// export breaks off.
func (s *Service) ExportCSV(ctx context.Context, tenant tenants.ID, f ExportFilter, w io.Writer) (int64, error) {
	var n int64
	var started bool
	err := s.deps.Tx.ReadInTenant(ctx, tenant, func(ctx context.Context) error {
		filter := ports.CustomerFilter{Query: f.Query, Segment: f.Segment}
		if f.Tree != nil {
			t, err := s.parse(ctx, f.Tree)
			if err != nil {
				return err
			}
			filter.Tree = &t
		}
		if f.Segment != uuid.Nil {
			if _, err := s.deps.Segments.Get(ctx, f.Segment); err != nil {
				return err
			}
		}
		started = true
		if _, err := io.WriteString(w, csvexport.BOM); err != nil {
			return err
		}
		cw := csvexport.NewWriter(w)
		if err := cw.Write(ExportHeader); err != nil {
			return err
		}
		var (
			written int
			err     error
		)
		n, err = s.deps.Eval.Export(ctx, filter, s.deps.Clock.Now(), func(c customer.Customer) error {
			if f.MaskPhones {
				c.Phone = customer.MaskPhone(c.Phone)
			}
			if err := cw.Write(exportRow(c)); err != nil {
				return err
			}
			// Hand each thousand rows on rather than holding the file.
			if written++; written%1000 == 0 {
				cw.Flush()
			}
			return cw.Error()
		})
		cw.Flush()
		return errors.Join(err, cw.Error())
	})
	if !started {
		return 0, err
	}
	audit := s.deps.Tx.InTenant(context.WithoutCancel(ctx), tenant, func(ctx context.Context) error {
		return s.deps.Audit.Record(ctx, ports.AuditEntry{Action: "customers.export", TargetType: "customers", TargetID: "export",
			After: exportAudit(f, n, err == nil)})
	})
	return n, errors.Join(err, audit)
}

func exportAudit(f ExportFilter, rows int64, complete bool) map[string]any {
	filters := []string{}
	if f.Query.Search != "" {
		filters = append(filters, "q")
	}
	if f.Query.City != "" {
		filters = append(filters, "city")
	}
	if f.Query.Tag != "" {
		filters = append(filters, "tag")
	}
	if f.Query.Lifecycle != "" {
		filters = append(filters, "lifecycle")
	}
	out := map[string]any{"rows": rows, "complete": complete, "filters": filters, "phones_masked": f.MaskPhones}
	if f.Segment != uuid.Nil {
		out["segment_id"] = f.Segment.String()
	}
	if f.Tree != nil {
		raw, _ := json.Marshal(f.Tree)
		out["tree_conditions"] = conditionCount(raw)
	}
	return out
}

func exportRow(c customer.Customer) []string {
	birth := ""
	if c.BirthDate != nil {
		birth = c.BirthDate.Format(time.DateOnly)
	}
	row := []string{c.ID.String(), c.ExternalID, c.Name, c.Gender, birth, c.Phone, c.Email, c.Language,
		c.PreferredStore, c.City, c.Region, string(c.LifecycleStage)}
	for _, k := range customer.Consents {
		row = append(row, strconv.FormatBool(c.Consents[k]))
	}
	attrs := "{}"
	if len(c.Attributes) > 0 {
		raw, _ := json.Marshal(c.Attributes)
		attrs = string(raw)
	}
	return append(row, attrs, c.CreatedAt.UTC().Format(time.RFC3339))
}

// CheckTree checks a tree decoded from JSON against the brand's catalogue, for callers that
// report errors before they start a response.
func (s *Service) CheckTree(ctx context.Context, tenant tenants.ID, tree any) (segment.Tree, error) {
	return ports.ReadInTenant(ctx, s.deps.Tx, tenant, func(ctx context.Context) (segment.Tree, error) {
		return s.parse(ctx, tree)
	})
}

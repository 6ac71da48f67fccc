// Package customerimport imports a brand's customers from a CSV file: a dry run reports every
// bad row and what the import would do, then a commit writes it in one transaction.
package customerimport

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/domain/customers/customer"
	"github.com/engagehq/engage/domain/fielderr"
	"github.com/engagehq/engage/ports"
	"github.com/engagehq/engage/tenants"
)

// Limits of one file.
const (
	MaxRows  = 50_000
	MaxBytes = 20 << 20
	// MaxProblems is how many row problems a report lists; the counts are always complete.
	MaxProblems = 1000
	// saveChunk is how many profiles one statement writes.
	saveChunk = 5000
)

// Codes of file and row problems.
const (
	CodeBadEncoding     = "bad_encoding"
	CodeBadHeader       = "bad_header"
	CodeMalformed       = "malformed_csv"
	CodeTooManyRows     = "too_many_rows"
	CodeEmpty           = "empty_file"
	CodeInvalid         = "invalid_value"
	CodeUnknownAttr     = "unknown_attribute"
	CodeColumnCount     = "wrong_column_count"
	CodeDuplicateInFile = "duplicate_in_file"
	CodePhoneTaken      = "phone_taken"
	CodeExternalIDTaken = "external_id_taken"
)

// Errors of an import.
var (
	// ErrTooLarge is returned for a file over MaxBytes.
	ErrTooLarge = fmt.Errorf("the file is larger than %d MiB", MaxBytes>>20)
	// ErrInvalidRows is returned by a commit of a file with bad rows, without SkipInvalid:
	// nothing is written, and the report lists the rows.
	ErrInvalidRows = errors.New("the file has bad rows; fix them, or commit the valid rows only")
)

// FileError is a problem with the file as a whole: nothing of it is imported.
type FileError struct {
	Code string
	// Line is the file's line at fault, counted from 1; 0 for the whole file.
	Line    int
	Message string
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Message)
	}
	return e.Message
}

// Problem is what is wrong with one row. Bad values are not quoted back: they may be personal
// data, and the row and column find them.
type Problem struct {
	// Row is the file's line the row starts on (the header is line 1).
	Row     int
	Column  string
	Code    string
	Message string
}

// Options say how to run an import.
type Options struct {
	// DryRun checks the file and reports what a commit would do, writing nothing.
	DryRun bool
	// SkipInvalid commits the valid rows of a file with bad rows (by default a commit refuses
	// the whole file while any row is bad).
	SkipInvalid bool
	// Encoding is the file's: "" or utf-8, or gb18030 (gbk, gb2312).
	Encoding string
}

// Report is what an import did, or in a dry run would do.
type Report struct {
	DryRun bool
	// Rows is how many data rows the file has.
	Rows int
	// Created and Updated count the customers the valid rows create and update.
	Created, Updated int
	// Invalid counts the bad rows; Skipped those left out of a commit with SkipInvalid.
	Invalid, Skipped int
	// Problems are the first MaxProblems problems, in file order.
	Problems []Problem
	// Truncated says there were more problems than listed.
	Truncated bool
}

// Deps are what the service needs.
type Deps struct {
	Tx        ports.Transactor
	Customers ports.CustomerBulkRepository
	Defs      ports.AttributeDefRepository
	// Tags tags customers from the tags column.
	Tags  ports.TagAssigner
	Audit ports.AuditLog
	Clock ports.Clock
}

// Service imports customers.
type Service struct{ d Deps }

// NewService returns the service.
func NewService(d Deps) *Service {
	if d.Clock == nil {
		d.Clock = ports.SystemClock{}
	}
	return &Service{d: d}
}

// row is one data row: its cells by column, non-empty ones only (nil when the row has not as
// many cells as the header).
type row struct {
	line  int
	cells map[string]string
	// bad is set once the row has a problem.
	bad bool
	// key fields, normalised, for matching existing customers and duplicates in the file.
	externalID, phone string
	tags              []string
	out               customer.Customer
	update            bool
}

// Import reads a CSV file with a header row and imports its customers, matched with the
// brand's by external ID, else by phone: a match is updated with the row's non-empty cells,
// any other row creates a customer. Everything happens in one tenant transaction, audited.
func (s *Service) Import(ctx context.Context, tenant tenants.ID, file io.Reader, o Options) (Report, error) {
	enc, err := normaliseEncoding(o.Encoding)
	if err != nil {
		return Report{}, err
	}
	rep := Report{DryRun: o.DryRun}
	defs, err := ports.ReadInTenant(ctx, s.d.Tx, tenant, s.d.Defs.List)
	if err != nil {
		return rep, err
	}
	// The file is read before the transaction begins, so that a slow upload holds no locks.
	rows, err := parse(newLineDecoder(file, enc, MaxBytes), defs)
	if err != nil {
		return rep, err
	}
	rep.Rows = len(rows)
	err = s.d.Tx.InTenant(ctx, tenant, func(ctx context.Context) error {
		if err := s.check(ctx, rows, defs, &rep); err != nil {
			return err
		}
		if o.DryRun {
			return nil
		}
		if rep.Invalid > 0 && !o.SkipInvalid {
			return ErrInvalidRows
		}
		return s.save(ctx, rows, &rep)
	})
	return rep, err
}

// parse reads the header and every row, enforcing the limits.
func parse(r io.Reader, defs []customer.AttributeDef) ([]*row, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &FileError{Code: CodeEmpty, Message: "the file has no header row"}
	}
	if err != nil {
		return nil, readError(err)
	}
	cols, err := header(head, defs)
	if err != nil {
		return nil, err
	}
	var rows []*row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, readError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rows) == MaxRows {
			return nil, &FileError{Code: CodeTooManyRows, Line: line, Message: fmt.Sprintf("a file has at most %d rows; split it", MaxRows)}
		}
		rw := &row{line: line}
		if len(rec) == len(cols) { // otherwise cells stay nil, and check reports the row
			rw.cells = make(map[string]string, len(rec))
			for i, v := range rec {
				if v = strings.TrimSpace(v); v != "" {
					rw.cells[cols[i]] = v
				}
			}
		}
		rows = append(rows, rw)
	}
	if len(rows) == 0 {
		return nil, &FileError{Code: CodeEmpty, Message: "the file has no data rows"}
	}
	return rows, nil
}

// readError explains an error reading the CSV: the decoder's own, or a CSV syntax error.
func readError(err error) error {
	var fe *FileError
	var pe *csv.ParseError
	switch {
	case errors.As(err, &fe), errors.Is(err, ErrTooLarge):
		return err
	case errors.As(err, &pe):
		return &FileError{Code: CodeMalformed, Line: pe.Line, Message: pe.Err.Error()}
	}
	return err
}

// problems collects a report's problems.
type problems struct{ rep *Report }

func (p problems) add(rw *row, column, code, message string) {
	if !rw.bad {
		rw.bad = true
		p.rep.Invalid++
	}
	if len(p.rep.Problems) == MaxProblems {
		p.rep.Truncated = true
		return
	}
	p.rep.Problems = append(p.rep.Problems, Problem{Row: rw.line, Column: column, Code: code, Message: message})
}

// check validates every row, matches it with the brand's customers and builds its profile.
func (s *Service) check(ctx context.Context, rows []*row, defs []customer.AttributeDef, rep *Report) error {
	p := problems{rep: rep}
	seenExt, seenPhone := map[string]int{}, map[string]int{}
	var exts, phones []string
	for _, rw := range rows {
		if rw.cells == nil {
			p.add(rw, "", CodeColumnCount, "the row does not have as many cells as the header")
			continue
		}
		rw.externalID = rw.cells["external_id"]
		if len([]rune(rw.externalID)) > 100 {
			p.add(rw, "external_id", CodeInvalid, "at most 100 characters")
		}
		if ph := rw.cells["phone"]; ph != "" {
			n, err := customer.NormalisePhone(ph)
			if err != nil {
				p.add(rw, "phone", CodeInvalid, err.Error())
			}
			rw.phone = n
		}
		if t := rw.cells[tagsColumn]; t != "" {
			var ok bool
			if rw.tags, ok = parseTags(t); !ok {
				p.add(rw, tagsColumn, CodeInvalid, fmt.Sprintf("at most %d tags of 1-40 characters, separated by | or ;", MaxTags))
			}
		}
		if rw.externalID != "" {
			if first, ok := seenExt[rw.externalID]; ok {
				p.add(rw, "external_id", CodeDuplicateInFile, fmt.Sprintf("the same as row %d", first))
			} else {
				seenExt[rw.externalID] = rw.line
				exts = append(exts, rw.externalID)
			}
		}
		if rw.phone != "" {
			if first, ok := seenPhone[rw.phone]; ok {
				p.add(rw, "phone", CodeDuplicateInFile, fmt.Sprintf("the same as row %d", first))
			} else {
				seenPhone[rw.phone] = rw.line
				phones = append(phones, rw.phone)
			}
		}
	}
	existing, err := s.d.Customers.ByKeys(ctx, exts, phones)
	if err != nil {
		return err
	}
	byExt, byPhone := map[string]customer.Customer{}, map[string]customer.Customer{}
	for _, c := range existing {
		if c.ExternalID != "" {
			byExt[c.ExternalID] = c
		}
		if c.Phone != "" {
			byPhone[c.Phone] = c
		}
	}
	now := s.d.Clock.Now()
	matched := map[uuid.UUID]int{} // existing customers matched, with the first row matching each
	for _, rw := range rows {
		switch {
		case rw.cells == nil:
			continue
		case rw.bad:
			// Checked all the same, so that the report names every cell at fault.
			s.build(rw, customer.Customer{ID: uuid.New()}, defs, now, p)
			continue
		}
		base, found := byExt[rw.externalID]
		owner, owned := byPhone[rw.phone]
		switch {
		case rw.externalID == "" || !found:
			found = false
			if owned && (rw.externalID == "" || owner.ExternalID == "") {
				base, found = owner, true
			} else if owned {
				p.add(rw, "phone", CodePhoneTaken, "another customer, with another external ID, has this phone")
				continue
			}
		case owned && owner.ID != base.ID:
			p.add(rw, "phone", CodePhoneTaken, "another customer has this phone")
			continue
		}
		if first, ok := matched[base.ID]; found && ok {
			p.add(rw, "", CodeDuplicateInFile, fmt.Sprintf("matches the same customer as row %d", first))
			continue
		}
		if found {
			matched[base.ID] = rw.line
		} else {
			base = customer.Customer{ID: uuid.New()}
		}
		rw.update = found
		s.build(rw, base, defs, now, p)
	}
	slices.SortStableFunc(rep.Problems, func(a, b Problem) int { return a.Row - b.Row })
	for _, rw := range rows {
		switch {
		case rw.bad:
		case rw.update:
			rep.Updated++
		default:
			rep.Created++
		}
	}
	return nil
}

// textLimits are the longest values of the free-text columns, in characters.
var textLimits = map[string]int{"email": 254, "avatar_url": 500, "city": 100, "region": 100, "preferred_store": 100,
	"address.province": 100, "address.city": 100, "address.district": 100, "address.line": 200, "address.postcode": 6}

// build applies the row's cells to base, an existing customer or a new one, and checks the
// result the way the API checks a profile.
func (s *Service) build(rw *row, base customer.Customer, defs []customer.AttributeDef, now time.Time, p problems) {
	c := base
	c.Consents, c.Attributes = maps.Clone(base.Consents), maps.Clone(base.Attributes)
	if c.Consents == nil {
		c.Consents = map[string]bool{}
	}
	for col, limit := range textLimits {
		if v, ok := rw.cells[col]; ok && len([]rune(v)) > limit {
			p.add(rw, col, CodeInvalid, fmt.Sprintf("at most %d characters", limit))
		}
	}
	for col, dst := range map[string]*string{"external_id": &c.ExternalID, "name": &c.Name, "email": &c.Email,
		"avatar_url": &c.AvatarURL, "city": &c.City, "region": &c.Region, "language": &c.Language,
		"preferred_store": &c.PreferredStore, "address.province": &c.Address.Province, "address.city": &c.Address.City,
		"address.district": &c.Address.District, "address.line": &c.Address.Line, "address.postcode": &c.Address.Postcode} {
		if v, ok := rw.cells[col]; ok {
			*dst = v
		}
	}
	if rw.phone != "" {
		c.Phone = rw.phone
	}
	if v, ok := rw.cells["gender"]; ok {
		c.Gender = parseGender(v)
	}
	if v, ok := rw.cells["birth_date"]; ok {
		d, err := parseDate(v)
		if err != nil {
			p.add(rw, "birth_date", CodeInvalid, "a date, YYYY-MM-DD")
		} else {
			c.BirthDate = &d
		}
	}
	attrs := map[string]any{}
	byKey := map[string]customer.AttributeDef{}
	for _, d := range defs {
		byKey[d.Key] = d
	}
	for col, v := range rw.cells {
		if k, ok := strings.CutPrefix(col, consentPrefix); ok {
			if b, ok := parseBool(v); ok {
				c.Consents[k] = b
			} else {
				p.add(rw, col, CodeInvalid, "yes or no (true/false, 1/0, 是/否)")
			}
		}
		if k, ok := strings.CutPrefix(col, attributePrefix); ok {
			if val, ok := attributeValue(byKey[k], v); ok {
				attrs[k] = val
			} else {
				p.add(rw, col, CodeInvalid, "expected a "+byKey[k].Type)
			}
		}
	}
	if len(attrs) > 0 {
		checked, err := customer.CheckAttributes(attrs, defs)
		s.fieldProblems(rw, err, p)
		if c.Attributes == nil {
			c.Attributes = map[string]any{}
		}
		maps.Copy(c.Attributes, checked)
	}
	s.fieldProblems(rw, c.Normalise(now), p)
	rw.out = c
}

// fieldProblems reports the profile's field errors under the file's column names.
func (s *Service) fieldProblems(rw *row, err error, p problems) {
	for _, fe := range fielderr.All(err) {
		col := fe.Field
		code := CodeInvalid
		if k, ok := strings.CutPrefix(col, "attributes."); ok {
			col = attributePrefix + k
			if errors.Is(fe, customer.ErrUnknownAttribute) {
				code = CodeUnknownAttr
			}
		} else if k, ok := strings.CutPrefix(col, "consents."); ok {
			col = consentPrefix + k
		}
		p.add(rw, col, code, fe.Err.Error())
	}
}

// save writes the valid rows and their tags, and records the import.
func (s *Service) save(ctx context.Context, rows []*row, rep *Report) error {
	var batch []customer.Customer
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := s.d.Customers.Save(ctx, batch)
		batch = batch[:0]
		return err
	}
	for _, rw := range rows {
		if rw.bad {
			rep.Skipped++
			continue
		}
		batch = append(batch, rw.out)
		if len(batch) == saveChunk {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	for _, rw := range rows {
		if !rw.bad && len(rw.tags) > 0 {
			if err := s.d.Tags.AssignTags(ctx, rw.out.ID, rw.tags, ports.TagManual); err != nil {
				return err
			}
		}
	}
	return s.d.Audit.Record(ctx, ports.AuditEntry{Action: "customers.import", TargetType: "customer", TargetID: "import",
		After: map[string]any{"rows": rep.Rows, "created": rep.Created, "updated": rep.Updated, "skipped": rep.Skipped}})
}

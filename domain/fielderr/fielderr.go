// Package fielderr is the one error that names the input at fault. Domain packages and
// services return a *Error for every field a check refuses, joined with errors.Join; the HTTP
// kit answers them as a problem's errors[] and the console kit puts them beside the form's
// inputs, both through All.
package fielderr

import (
	"errors"
	"fmt"
	"strings"
)

// Error names the input at fault and why. Field is the input's path from the root of what was
// checked, dotted, with indexes in brackets: "phone", "attributes[2].key", "and[1].field";
// "" is the checked value itself. Err is the reason, a sentinel where callers tell reasons
// apart (errors.Is sees through an Error).
type Error struct {
	Field string
	Err   error
}

// New returns the error of field for reason err.
func New(field string, err error) *Error { return &Error{Field: field, Err: err} }

// Errorf returns the error of field with a reason formatted as fmt.Errorf formats it.
func Errorf(field, format string, args ...any) *Error {
	return &Error{Field: field, Err: fmt.Errorf(format, args...)}
}

// Under puts the field errors in err under the input parent: the tree a service received as
// "tree" reports "and[1].op" as "tree.and[1].op". A nil err stays nil.
func Under(parent string, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Field: parent, Err: err}
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.Err.Error()
	}
	return e.Field + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Path is the path of child within parent: "attributes" and "[2]" are "attributes[2]",
// "tree" and "op" are "tree.op"; an empty side is the other.
func Path(parent, child string) string {
	switch {
	case parent == "":
		return child
	case child == "":
		return parent
	case strings.HasPrefix(child, "["):
		return parent + child
	}
	return parent + "." + child
}

// All lists the field errors in err, in order, walking errors.Join trees and wrapped errors;
// an Error whose reason holds field errors stands for those, under its field. It is the one
// walker of field errors: nil when err names no field.
func All(err error) []*Error {
	var out []*Error
	walk(err, "", &out)
	return out
}

func walk(err error, parent string, out *[]*Error) {
	switch e := err.(type) {
	case nil:
	case *Error:
		field := Path(parent, e.Field)
		n := len(*out)
		walk(e.Err, field, out)
		switch {
		case len(*out) > n:
		case parent == "":
			*out = append(*out, e)
		default:
			*out = append(*out, &Error{Field: field, Err: e.Err})
		}
	case interface{ Unwrap() []error }:
		for _, inner := range e.Unwrap() {
			walk(inner, parent, out)
		}
	default:
		walk(errors.Unwrap(err), parent, out)
	}
}

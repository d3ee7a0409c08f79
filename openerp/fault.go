package openerp

import (
	"errors"
	"fmt"
	"strings"

	"github.com/qoqasync/qoqasync/connector"
)

// FaultKind sorts OpenERP's faults into what a caller does about them.
type FaultKind int

// The kinds of fault.
const (
	// FaultOther is any fault not sorted below (a server-side bug).
	FaultOther FaultKind = iota
	// FaultAccess: wrong credentials, or no right to the model.
	FaultAccess
	// FaultValidation: a warning, a constraint or a validation error.
	FaultValidation
	// FaultMissing: the record does not exist or was deleted.
	FaultMissing
	// FaultConcurrency: a transaction lost a race; retrying succeeds.
	FaultConcurrency
)

func (k FaultKind) String() string {
	return [...]string{"fault", "access denied", "validation error", "missing record", "concurrent update"}[k]
}

// Errors to test a Fault against with errors.Is.
var (
	ErrAccessDenied = errors.New("openerp: access denied")
	ErrValidation   = errors.New("openerp: validation error")
	ErrMissing      = errors.New("openerp: missing record")
	ErrConcurrency  = errors.New("openerp: concurrent update")
)

// Fault is an XML-RPC fault from OpenERP, sorted into a Kind. errors.Is
// matches it against ErrAccessDenied, ErrValidation, ErrMissing (and
// connector.ErrNotFound) or ErrConcurrency.
type Fault struct {
	// Code is the fault code as sent: OpenERP 7's string ("AccessDenied",
	// "warning -- Title\n\nmessage", an exception's text) or Odoo's
	// integer, as a string.
	Code string
	// Message is the part of the fault a person reads: the warning's text,
	// or the last line of the traceback.
	Message string
	Kind    FaultKind
	// Model and Method name the call that failed.
	Model, Method string
}

func (f *Fault) Error() string {
	call := f.Method
	if f.Model != "" {
		call = f.Model + "." + f.Method
	}
	return fmt.Sprintf("openerp: %s: %s: %s", call, f.Kind, f.Message)
}

// Is implements errors.Is for the sentinels of the fault kinds.
func (f *Fault) Is(target error) bool {
	switch target {
	case ErrAccessDenied:
		return f.Kind == FaultAccess
	case ErrValidation:
		return f.Kind == FaultValidation
	case ErrMissing, connector.ErrNotFound:
		return f.Kind == FaultMissing
	case ErrConcurrency:
		return f.Kind == FaultConcurrency
	}
	return false
}

// newFault sorts a fault as OpenERP 7 (string codes) and Odoo 8+ (integer
// codes: 1 application error, 2 warning or missing record, 3 access denied,
// 4 access error) send them.
func newFault(code any, faultString, model, method string) *Fault {
	f := &Fault{Model: model, Method: method}
	switch c := code.(type) {
	case string:
		f.Code = c
	case int64:
		f.Code = fmt.Sprint(c)
	default:
		f.Code = fmt.Sprint(c)
	}
	text := f.Code + "\n" + faultString
	switch {
	case containsAny(text, "could not serialize access", "TransactionRollbackError", "deadlock detected", "concurrent update"):
		f.Kind = FaultConcurrency
	case f.Code == "AccessDenied" || f.Code == "3" || f.Code == "4" || containsAny(text, "AccessDenied", "AccessError", "Access Denied"):
		f.Kind = FaultAccess
	case containsAny(text, "MissingError", "does not exist or has been deleted", "Record does not exist", "Record(s) does not exist"):
		f.Kind = FaultMissing
	case strings.HasPrefix(f.Code, "warning -- ") || f.Code == "2" ||
		containsAny(text, "ValidateError", "ValidationError", "UserError", "except_orm", "except_osv", "IntegrityError", "violates"):
		f.Kind = FaultValidation
	}
	f.Message = faultMessage(f.Code, faultString)
	return f
}

// faultMessage is what a person reads: OpenERP 7's warning text after the
// title, else the last non-empty line of the traceback.
func faultMessage(code, faultString string) string {
	if rest, ok := strings.CutPrefix(code, "warning -- "); ok {
		return strings.Join(strings.Fields(rest), " ")
	}
	src := faultString
	if strings.TrimSpace(src) == "" {
		src = code
	}
	lines := strings.Split(strings.TrimSpace(src), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// classify turns a fault into the connector's error rules: a concurrency
// fault is retried, access, validation and missing-record faults are not,
// and any other fault is retried with backoff until the attempts run out.
func classify(f *Fault) error {
	switch f.Kind {
	case FaultConcurrency:
		return connector.Retryable(f)
	case FaultAccess, FaultValidation, FaultMissing:
		return connector.Permanent(f)
	}
	return f
}

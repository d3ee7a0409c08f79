package openerp

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// FaultKind sorts OpenERP's faults by what a caller does about them.
type FaultKind int

// The kinds of fault.
const (
	// FaultOther is any fault not sorted below: most often a bug on the
	// server. Whether a retry helps is unknown.
	FaultOther FaultKind = iota
	// FaultAccess: wrong credentials, or no right to the model or record.
	FaultAccess
	// FaultValidation: a warning, a constraint or a validation error about
	// the values sent.
	FaultValidation
	// FaultMissing: the record does not exist or was deleted. OpenERP 7
	// words it as an AccessError or "Missing document(s)"; it still means
	// not found, not access denied.
	FaultMissing
	// FaultConcurrency: the transaction lost a race with another one (a
	// serialization failure or a deadlock); retrying succeeds.
	FaultConcurrency
	// FaultBadCall: the call cannot work as sent: an argument the method
	// does not take (TypeError), an unknown method or model, an unknown
	// database. The caller or its configuration is wrong, and no retry
	// mends it.
	FaultBadCall
)

// String names the kind in errors.
func (k FaultKind) String() string {
	return [...]string{"fault", "access denied", "validation error", "missing record", "concurrent update", "bad call"}[k]
}

// Errors to test a Fault against with errors.Is.
var (
	ErrAccessDenied = errors.New("openerp: access denied")
	ErrValidation   = errors.New("openerp: validation error")
	ErrMissing      = errors.New("openerp: missing record")
	ErrConcurrency  = errors.New("openerp: concurrent update")
	ErrBadCall      = errors.New("openerp: bad call")
)

// Fault is an XML-RPC fault from OpenERP, sorted into a Kind. errors.Is
// matches it against ErrAccessDenied, ErrValidation, ErrMissing,
// ErrConcurrency or ErrBadCall.
type Fault struct {
	// Code is the fault code as sent: OpenERP 7's string ("AccessDenied",
	// "warning -- Title\n\nmessage", an exception's text) or Odoo's
	// integer, as a string.
	Code string
	// Message is the part of the fault a person reads: the warning's title
	// and text, or the exception line of the traceback.
	Message string
	Kind    FaultKind
	// Model and Method name the call that failed.
	Model, Method string
}

// Error names the call, the kind and the message; never the password.
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
	case ErrMissing:
		return f.Kind == FaultMissing
	case ErrConcurrency:
		return f.Kind == FaultConcurrency
	case ErrBadCall:
		return f.Kind == FaultBadCall
	}
	return false
}

// Temporary reports whether the same call may succeed if sent again: only
// for a concurrency fault. A FaultOther is not known to be temporary.
func (f *Fault) Temporary() bool { return f.Kind == FaultConcurrency }

// RetryAfter is zero: OpenERP gives no delay with a fault.
func (f *Fault) RetryAfter() time.Duration { return 0 }

// authentication reports whether the fault refuses the credentials
// themselves (wrong password, or a uid the database does not know), as
// opposed to a right the user lacks.
func (f *Fault) authentication() bool {
	return f.Code == "AccessDenied" || f.Code == "3"
}

// Texts that sort faults. OpenERP words some of them in a warning whose
// title says something else: a write to a deleted record is an
// "AccessError" on 7.0.
var (
	missingTexts = []string{
		"has already been deleted",                            // 7.0 write, 8.0 MissingError
		"has been deleted, please try again after refreshing", // "Missing document(s)"
		"Missing document(s)",
		"MissingError",
		"does not exist or has been deleted", // Odoo 9+
	}
	// unknownObject is 7.0's and 8.0's "Object x.y doesn't exist".
	unknownObject   = regexp.MustCompile(`Object \S+ doesn't exist`)
	unknownDatabase = regexp.MustCompile(`database "[^"]*" does not exist`)
	badCallTexts    = []string{"TypeError: ", "AttributeError: ", "NameError: ", "Method not available", "Private methods"}
	// Serialization failures only: PostgreSQL's and psycopg2's words for a
	// transaction that lost a race.
	concurrencyTexts = []string{"TransactionRollbackError", "could not serialize access", "deadlock detected"}
	accessTexts      = []string{"AccessDenied", "AccessError", "Access Denied", "Access Error"}
	// DataError is PostgreSQL refusing a value: invalid input syntax, a
	// value too long, a number out of range.
	validationTexts = []string{"ValidateError", "ValidationError", "UserError", "except_orm", "except_osv", "IntegrityError", "DataError", "violates"}
)

// newFault sorts a fault as OpenERP 7 (string codes) and Odoo 8+ (integer
// codes: 1 application error, 2 warning, 3 access denied, 4 access error)
// send them.
func newFault(code any, faultString, model, method string) *Fault {
	f := &Fault{Model: model, Method: method, Code: fmt.Sprint(code)}
	text := f.Code + "\n" + faultString
	warning := strings.HasPrefix(f.Code, "warning -- ") || f.Code == "2" || f.Code == "4"
	switch {
	case containsAny(text, missingTexts...):
		f.Kind = FaultMissing
	case f.authentication() || f.Code == "4":
		f.Kind = FaultAccess
	case unknownObject.MatchString(text) || strings.Contains(text, "Private methods"):
		f.Kind = FaultBadCall
	case warning && containsAny(f.Code, accessTexts...):
		f.Kind = FaultAccess
	case warning:
		f.Kind = FaultValidation
	case containsAny(text, concurrencyTexts...):
		f.Kind = FaultConcurrency
	case containsAny(text, badCallTexts...) || unknownDatabase.MatchString(text):
		f.Kind = FaultBadCall
	case containsAny(text, accessTexts...):
		f.Kind = FaultAccess
	case containsAny(text, validationTexts...):
		f.Kind = FaultValidation
	}
	f.Message = faultMessage(f.Code, faultString)
	return f
}

// exceptionLine matches a traceback's exception line: "TypeError: ...".
var exceptionLine = regexp.MustCompile(`^[A-Za-z_][\w.]*: `)

// faultMessage is what a person reads: OpenERP 7's warning title and text,
// else the exception line of the traceback, else its last line, else the
// code.
func faultMessage(code, faultString string) string {
	if rest, ok := strings.CutPrefix(code, "warning -- "); ok {
		title, text, _ := strings.Cut(rest, "\n\n")
		title = strings.TrimSpace(title)
		if text = strings.Join(strings.Fields(text), " "); text != "" {
			return title + ": " + text
		}
		return title
	}
	if code == "2" || code == "3" || code == "4" { // Odoo's warnings: the text alone
		if text := strings.Join(strings.Fields(faultString), " "); text != "" {
			return text
		}
	}
	lines := strings.Split(strings.TrimSpace(faultString), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := lines[i]; exceptionLine.MatchString(l) && !containsAny(l, "DETAIL: ", "HINT: ", "CONTEXT: ") {
			return strings.TrimSpace(strings.TrimPrefix(l, "psycopg2.extensions."))
		}
	}
	if last := strings.Join(strings.Fields(lines[len(lines)-1]), " "); last != "" {
		return last
	}
	return strings.Join(strings.Fields(code), " ")
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

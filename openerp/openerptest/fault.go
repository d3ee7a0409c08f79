package openerptest

import (
	"fmt"
)

// rpcFault is a fault before it is spelled for a path: one of OpenERP's
// three shapes, as its RPC layer tells them apart.
type rpcFault struct {
	// shape says how the fault is spelled.
	shape faultShape
	// title is a warning's title ("AccessError", "Object Error").
	title string
	// exception is the Python exception's type ("TypeError") when the
	// shape is shapeException.
	exception string
	// text is the warning's or the exception's message.
	text string
}

type faultShape int

const (
	// shapeException: any exception but the ORM's own; the code is its
	// text on /xmlrpc/, 1 on /xmlrpc/2/, and the string a traceback.
	shapeException faultShape = iota
	// shapeWarning: except_orm and its kin; "warning -- title\n\ntext"
	// with an empty string on /xmlrpc/, 2 and the text on /xmlrpc/2/.
	shapeWarning
	// shapeAccessDenied: refused credentials; "AccessDenied" on /xmlrpc/,
	// 3 on /xmlrpc/2/, with "Access denied." as the string.
	shapeAccessDenied
)

// raise is an exception of type exception, as Python raises it.
func raise(exception, format string, args ...any) *rpcFault {
	return &rpcFault{shape: shapeException, exception: exception, text: fmt.Sprintf(format, args...)}
}

// warn is an except_orm(title, text), the ORM's own error.
func warn(title, format string, args ...any) *rpcFault {
	return &rpcFault{shape: shapeWarning, title: title, text: fmt.Sprintf(format, args...)}
}

// accessDenied is openerp.exceptions.AccessDenied: wrong credentials.
func accessDenied() *rpcFault { return &rpcFault{shape: shapeAccessDenied} }

func (f *rpcFault) Error() string {
	switch f.shape {
	case shapeWarning:
		return f.title + ": " + f.text
	case shapeAccessDenied:
		return "Access denied."
	}
	return f.exception + ": " + f.text
}

// spell returns the fault's code and string as OpenERP sends them: on
// /xmlrpc/ as OpenERP 7.0's xmlrpc_handle_exception_legacy (string codes),
// on /xmlrpc/2/ as Odoo 8's xmlrpc_handle_exception (integer codes).
func (f *rpcFault) spell(legacy bool) (code any, faultString string) {
	traceback := "Traceback (most recent call last):\n" +
		"  File \"/opt/openerp/server/openerp/netsvc.py\", line 292, in dispatch_rpc\n" +
		"    result = ExportService.getService(service_name).dispatch(method, params)\n" +
		f.exception + ": " + f.text + "\n"
	switch {
	case legacy && f.shape == shapeWarning:
		return "warning -- " + f.title + "\n\n" + f.text, ""
	case legacy && f.shape == shapeAccessDenied:
		return "AccessDenied", "Access denied."
	case legacy:
		return f.text, traceback
	case f.shape == shapeWarning:
		return int64(2), f.text
	case f.shape == shapeAccessDenied:
		return int64(3), "Access denied."
	}
	return int64(1), traceback
}

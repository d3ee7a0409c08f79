package openerp

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// traceback is a fault string as OpenERP 7 and Odoo write it for an
// exception that is not one of the ORM's own.
func traceback(last string) string {
	return "Traceback (most recent call last):\n  File \"/opt/openerp/server/openerp/netsvc.py\", line 292, in dispatch_rpc\n    result = ExportService.getService(service_name).dispatch(method, params)\n" + last + "\n"
}

// Faults as OpenERP 7.0 (string codes on /xmlrpc/) and Odoo 8+ (integer
// codes on /xmlrpc/2/) send them, sorted by what a caller does about them.
func TestFaultKinds(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		code        any
		faultString string
		want        FaultKind
	}{
		// missing records
		{"7.0 write to a deleted record", "warning -- AccessError\n\nOne of the records you are trying to modify has already been deleted (Document type: Partner).", "", FaultMissing},
		{"7.0 under record rules", "warning -- Missing document(s)\n\nOne of the documents you are trying to access has been deleted, please try again after refreshing.", "", FaultMissing},
		{"8.0 code 2, deleted", int64(2), "One of the records you are trying to modify has already been deleted (Document type: Partner).", FaultMissing},
		{"8.0 code 2, refreshing", int64(2), "One of the documents you are trying to access has been deleted, please try again after refreshing.", FaultMissing},
		{"8.0 legacy MissingError", "warning -- MissingError\n\nRecord does not exist or has been deleted.", "", FaultMissing},
		{"9+ code 2", int64(2), "Record does not exist or has been deleted.", FaultMissing},
		// access
		{"7.0 wrong password", "AccessDenied", "Access denied.", FaultAccess},
		{"8.0 wrong password", int64(3), "Access denied.", FaultAccess},
		{"8.0 access error", int64(4), "Sorry, you are not allowed to modify this document.", FaultAccess},
		{"7.0 access rights", "warning -- AccessError\n\nSorry, you are not allowed to modify this document. Only users with the following access level are currently allowed to do that:\n- Sales/Manager", "", FaultAccess},
		{"7.0 record rules", "warning -- Access Denied\n\nThe requested operation cannot be completed due to security restrictions. Please contact your system administrator.\n\n(Document type: Partner, Operation: write)", "", FaultAccess},
		// validation
		{"7.0 integrity", "warning -- Integrity Error\n\nThe operation cannot be completed, probably due to the following:\n- deletion: you may be trying to delete a record while other records still reference it\n- creation/update: a mandatory field is not correctly set\n\n[object with reference: Partner - res.partner]", "", FaultValidation},
		{"7.0 constraint", "warning -- ValidateError\n\nError occurred while validating the field(s) ean13: You provided an invalid \"EAN13 Barcode\" reference.", "", FaultValidation},
		{"8.0 code 2", int64(2), "The field 'name' is required.", FaultValidation},
		{"7.0 value PostgreSQL refuses", "invalid input syntax for type double precision: \"lots\"\nLINE 1: UPDATE \"qoqa_voucher\" SET \"amount\"=...", traceback("DataError: invalid input syntax for type double precision: \"lots\""), FaultValidation},
		{"8.0 code 2, several lines", int64(2), "The operation cannot be completed, probably due to the following:\n- creation/update: a mandatory field is not correctly set\n\n[object with reference: Partner - res.partner]", FaultValidation},
		{"a warning that mentions a concurrent update", "warning -- Error\n\nA concurrent update of the stock changed this picking; check its quantities.", "", FaultValidation},
		// calls no retry mends
		{"7.0 unknown model", "warning -- Object Error\n\nObject x.y doesn't exist", "", FaultBadCall},
		{"8.0 unknown model", int64(2), "Object x.y doesn't exist", FaultBadCall},
		{"7.0 unexpected argument", "fields_get() got an unexpected keyword argument 'attributes'", traceback("TypeError: fields_get() got an unexpected keyword argument 'attributes'"), FaultBadCall},
		{"8.0 unexpected argument", int64(1), traceback("TypeError: fields_get() got an unexpected keyword argument 'attributes'"), FaultBadCall},
		{"7.0 unknown method", "'res.partner' object has no attribute 'search_read'", traceback("AttributeError: 'res.partner' object has no attribute 'search_read'"), FaultBadCall},
		{"7.0 unknown service method", "Method not available frobnicate", traceback("NameError: Method not available frobnicate"), FaultBadCall},
		{"7.0 unknown database", "FATAL:  database \"nodb\" does not exist\n", traceback("OperationalError: FATAL:  database \"nodb\" does not exist"), FaultBadCall},
		{"8.0 unknown database", int64(1), traceback("OperationalError: FATAL:  database \"nodb\" does not exist"), FaultBadCall},
		{"private method", "warning -- Access Denied\n\nPrivate methods (such as _auto_init) cannot be called remotely.", "", FaultBadCall},
		// serialization failures
		{"7.0 serialization", "could not serialize access due to concurrent update\n", traceback("TransactionRollbackError: could not serialize access due to concurrent update"), FaultConcurrency},
		{"8.0 serialization", int64(1), traceback("TransactionRollbackError: could not serialize access due to concurrent update"), FaultConcurrency},
		{"7.0 deadlock", "deadlock detected\nDETAIL:  Process 12 waits for ShareLock on transaction 34; blocked by process 56.\n", traceback("TransactionRollbackError: deadlock detected\nDETAIL:  Process 12 waits for ShareLock on transaction 34; blocked by process 56.\nHINT:  See server log for query details."), FaultConcurrency},
		// the rest
		{"7.0 server bug", "integer division or modulo by zero", traceback("ZeroDivisionError: integer division or modulo by zero"), FaultOther},
		{"8.0 server bug", int64(1), traceback("KeyError: 'x_color'"), FaultOther},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFault(tc.code, tc.faultString, "res.partner", "write")
			assert.Equal(t, tc.want, f.Kind, "%q / %q", tc.code, tc.faultString)
			assert.Equal(t, tc.want == FaultConcurrency, f.Temporary())
			assert.NotEmpty(t, f.Message)
		})
	}
}

func TestFaultMessageIsWhatAPersonReads(t *testing.T) {
	t.Parallel()
	cases := []struct {
		code        any
		faultString string
		want        string
	}{
		{"warning -- Object Error\n\nObject x.y doesn't exist", "", "Object Error: Object x.y doesn't exist"},
		{"fields_get() got an unexpected keyword argument 'attributes'", traceback("TypeError: fields_get() got an unexpected keyword argument 'attributes'"), "TypeError: fields_get() got an unexpected keyword argument 'attributes'"},
		{int64(2), "Record does not exist or has been deleted.", "Record does not exist or has been deleted."},
		{int64(2), "The operation cannot be completed:\n- a mandatory field is not correctly set\n\n[object with reference: Partner - res.partner]", "The operation cannot be completed: - a mandatory field is not correctly set [object with reference: Partner - res.partner]"},
		{"AccessDenied", "Access denied.", "Access denied."},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, newFault(tc.code, tc.faultString, "", "").Message)
	}
}

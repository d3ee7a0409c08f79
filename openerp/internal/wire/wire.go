// Package wire encodes and decodes XML-RPC messages for the OpenERP client
// and its fake server, as Python's xmlrpc.client (and so OpenERP) writes
// and reads them: encode.go and decode.go. It replaces kolo/xmlrpc, which
// read an empty string as nil, left struct member names unescaped and
// replaced the characters XML cannot carry; its client ran one call at a
// time, took no context, and read a fault's code as an int, which loses
// OpenERP 7's string codes.
package wire

// Fault is an XML-RPC fault as sent: Code is a string (OpenERP 7) or an
// int64 (Odoo 8+).
type Fault struct {
	Code   any
	String string
}

func head(b []byte) []byte {
	if len(b) > 200 {
		return b[:200]
	}
	return b
}

// Package wire encodes and decodes XML-RPC messages for the OpenERP client
// and its fake server. github.com/kolo/xmlrpc encodes the values; decoding
// is this package's own (decode.go), because kolo reads an empty string as
// nil. kolo's client is not used: it runs one call at a time, takes no
// context, and reads a fault's code as an int, which loses OpenERP 7's string
// codes.
package wire

import (
	"bytes"
	"errors"

	"github.com/kolo/xmlrpc"
)

// Fault is an XML-RPC fault as sent: Code is a string (OpenERP 7) or an
// int64 (Odoo 8+).
type Fault struct {
	Code   any
	String string
}

// EncodeCall encodes a methodCall. Values must be XML-RPC-ready: callers
// pass them through Sanitize first.
func EncodeCall(method string, params ...any) ([]byte, error) {
	return xmlrpc.EncodeMethodCall(method, params...)
}

// EncodeResponse encodes a methodResponse carrying v.
func EncodeResponse(v any) ([]byte, error) {
	val, err := encodeValue(v)
	if err != nil {
		return nil, err
	}
	return wrap(`<methodResponse><params><param>`, val, `</param></params></methodResponse>`), nil
}

// EncodeFault encodes a methodResponse carrying a fault.
func EncodeFault(f Fault) ([]byte, error) {
	val, err := encodeValue(map[string]any{"faultCode": f.Code, "faultString": f.String})
	if err != nil {
		return nil, err
	}
	return wrap(`<methodResponse><fault>`, val, `</fault></methodResponse>`), nil
}

// encodeValue is v as one XML-RPC <value>: kolo/xmlrpc exports only the
// encoding of a whole call, so the value is cut out of one.
func encodeValue(v any) ([]byte, error) {
	call, err := xmlrpc.EncodeMethodCall("r", v)
	if err != nil {
		return nil, err
	}
	start := bytes.Index(call, []byte("<param>"))
	end := bytes.LastIndex(call, []byte("</param>"))
	if start < 0 || end < 0 {
		return nil, errors.New("wire: cannot encode value")
	}
	return call[start+len("<param>") : end], nil
}

func wrap(open string, val []byte, close string) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
	b.WriteString(open)
	b.Write(val)
	b.WriteString(close)
	return b.Bytes()
}

func head(b []byte) []byte {
	if len(b) > 200 {
		return b[:200]
	}
	return b
}

// Package wire encodes and decodes XML-RPC messages for the OpenERP client
// and its fake server, with github.com/kolo/xmlrpc doing the value codec.
// kolo's own client is not used: it runs one call at a time, takes no
// context, and reads a fault's code as an int, which loses OpenERP 7's string
// codes.
package wire

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"

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

// DecodeResponse decodes a methodResponse: its value, or its fault.
func DecodeResponse(body []byte) (any, *Fault, error) {
	if isFault(body) {
		var m map[string]any
		if err := xmlrpc.Response(body).Unmarshal(&m); err != nil {
			return nil, nil, fmt.Errorf("decode fault: %w", err)
		}
		s, _ := m["faultString"].(string)
		return nil, &Fault{Code: m["faultCode"], String: s}, nil
	}
	if !bytes.Contains(body, []byte("<methodResponse")) {
		return nil, nil, fmt.Errorf("not an XML-RPC response: %q", head(body))
	}
	var v any
	if err := xmlrpc.Response(body).Unmarshal(&v); err != nil {
		return nil, nil, fmt.Errorf("decode response: %w", err)
	}
	return v, nil, nil
}

// isFault reports whether a response is a fault, looking only at the
// elements before the first value.
func isFault(body []byte) bool {
	i := bytes.Index(body, []byte("<value"))
	if i < 0 {
		i = len(body)
	}
	return bytes.Contains(body[:i], []byte("<fault>"))
}

// DecodeCall decodes a methodCall into its name and parameters.
func DecodeCall(body []byte) (string, []any, error) {
	var call struct {
		Method string `xml:"methodName"`
		Params []struct {
			Value struct {
				Inner []byte `xml:",innerxml"`
			} `xml:"value"`
		} `xml:"params>param"`
	}
	if err := xml.Unmarshal(body, &call); err != nil {
		return "", nil, fmt.Errorf("decode call: %w", err)
	}
	params := make([]any, len(call.Params))
	for i, p := range call.Params {
		wrapped := append(append([]byte("<value>"), p.Value.Inner...), "</value>"...)
		if err := xmlrpc.Response(wrapped).Unmarshal(&params[i]); err != nil {
			return "", nil, fmt.Errorf("decode param %d of %s: %w", i, call.Method, err)
		}
	}
	return call.Method, params, nil
}

func head(b []byte) []byte {
	if len(b) > 200 {
		return b[:200]
	}
	return b
}

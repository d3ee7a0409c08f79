package wire

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// responseSeeds are answers as OpenERP 7, Odoo 8+ and Python's
// xmlrpc.client write them, and the shapes at the edges of the grammar.
var responseSeeds = []string{
	`<?xml version='1.0'?><methodResponse><params><param><value><array><data><value><struct><member><name>id</name><value><int>7</int></value></member><member><name>partner_id</name><value><array><data><value><int>2</int></value><value><string>Acme &amp; Co</string></value></data></array></value></member><member><name>name</name><value><string></string></value></member><member><name>active</name><value><boolean>1</boolean></value></member><member><name>amount</name><value><double>29.5</double></value></member><member><name>write_date</name><value><string>2026-01-02 03:04:05</string></value></member><member><name>note</name><value><boolean>0</boolean></value></member></struct></value></data></array></value></param></params></methodResponse>`,
	`<?xml version="1.0"?><methodResponse><fault><value><struct><member><name>faultCode</name><value><string>warning -- Error

Concurrent update</string></value></member><member><name>faultString</name><value><string>Traceback</string></value></member></struct></value></fault></methodResponse>`,
	`<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>1</int></value></member><member><name>faultString</name><value>x</value></member></struct></value></fault></methodResponse>`,
	`<methodResponse><params><param><value><i8>4294967296</i8></value></param></params></methodResponse>`,
	`<methodResponse><params><param><value><dateTime.iso8601>20260102T03:04:05</dateTime.iso8601></value></param></params></methodResponse>`,
	`<methodResponse><params><param><value><nil/></value></param></params></methodResponse>`,
	`<methodResponse><params><param><value>untyped</value></param></params></methodResponse>`,
	`<methodResponse><params><param><value><base64>aGk=</base64></value></param></params></methodResponse>`,
	`<methodResponse><params><param><value><double>NaN</double></value></param></params></methodResponse>`,
	`<methodResponse><params><param><value><struct><member><value><int>1</int></value><name>reversed</name></member></struct></value></param></params></methodResponse>`,
	`<methodResponse><params><param><value><string>&#13;&#x1F600;<![CDATA[<x>]]></string></value></param></params></methodResponse>`,
}

// reencode checks that a decoded value encodes, when the encoder takes it,
// to a document that decodes to a value that encodes the same: what the
// decoder returns is what the encoder writes, with nothing lost on the way.
func reencode(t *testing.T, v any) {
	t.Helper()
	once, err := EncodeResponse(v)
	if err != nil {
		return // an i8 past 32 bits, or a time: the encoder refuses, which is right
	}
	back, fault, err := DecodeResponse(once)
	require.NoError(t, err, "what the encoder writes must decode: %s", once)
	require.Nil(t, fault)
	twice, err := EncodeResponse(back)
	require.NoError(t, err)
	require.Equal(t, string(once), string(twice))
}

// An answer of any shape decodes without a panic and without exhausting the
// stack: nesting past MaxDepth is an error.
func FuzzDecodeResponse(f *testing.F) {
	for _, s := range responseSeeds {
		f.Add([]byte(s))
	}
	deep := `<methodResponse><params><param><value>` + strings.Repeat(`<array><data><value>`, MaxDepth+1) + `<int>1</int>` +
		strings.Repeat(`</value></data></array>`, MaxDepth+1) + `</value></param></params></methodResponse>`
	f.Add([]byte(deep))
	f.Fuzz(func(t *testing.T, body []byte) {
		v, fault, err := DecodeResponse(body)
		if err != nil {
			require.Nil(t, v)
			require.Nil(t, fault)
			return
		}
		if fault != nil {
			require.Nil(t, v)
			return
		}
		require.LessOrEqual(t, depth(v), MaxDepth)
		reencode(t, v)
	})
}

// A call of any shape decodes without a panic (the fake server reads them),
// and what decodes re-encodes to the same call.
func FuzzDecodeCall(f *testing.F) {
	f.Add([]byte(`<?xml version='1.0'?><methodCall><methodName>execute_kw</methodName><params><param><value><string>db</string></value></param><param><value><int>1</int></value></param><param><value><string>pw</string></value></param><param><value><string>res.partner</string></value></param><param><value><string>search</string></value></param><param><value><array><data><value><array><data><value><array><data><value><string>name</string></value><value><string>=</string></value><value><string>x</string></value></data></array></value></data></array></value></data></array></value></param><param><value><struct></struct></value></param></params></methodCall>`))
	f.Add([]byte(`<methodCall><methodName>version</methodName></methodCall>`))
	f.Add([]byte(`<methodCall><methodName>login</methodName><params></params></methodCall>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		method, params, err := DecodeCall(body)
		if err != nil {
			return
		}
		for _, p := range params {
			require.LessOrEqual(t, depth(p), MaxDepth)
		}
		once, err := EncodeCall(method, params...)
		if err != nil {
			return
		}
		m2, p2, err := DecodeCall(once)
		require.NoError(t, err, "what the encoder writes must decode: %s", once)
		require.Equal(t, method, m2)
		twice, err := EncodeCall(m2, p2...)
		require.NoError(t, err)
		require.Equal(t, string(once), string(twice))
	})
}

// depth is how many arrays and structs v nests.
func depth(v any) int {
	d := 0
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			d = max(d, depth(e))
		}
		return d + 1
	case map[string]any:
		for _, e := range x {
			d = max(d, depth(e))
		}
		return d + 1
	}
	return 0
}

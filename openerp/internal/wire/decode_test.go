package wire

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Values as other XML-RPC implementations write them: Python's xmlrpc.client
// and OpenERP's server, not only this package's encoder.
func TestDecodeValues(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		xml  string
		want any
	}{
		{"empty string", `<string></string>`, ""},
		{"self-closed string", `<string/>`, ""},
		{"string with entities", `<string>a &lt;b&gt; &amp; c</string>`, "a <b> & c"},
		{"string keeps its spaces", `<string>  x  </string>`, "  x  "},
		{"untyped text", `text`, "text"},
		{"int", `<int>42</int>`, int64(42)},
		{"i4", `<i4>-7</i4>`, int64(-7)},
		{"i8", `<i8>4294967296</i8>`, int64(4294967296)},
		{"boolean", `<boolean>1</boolean>`, true},
		{"double", `<double>29.5</double>`, 29.5},
		{"nil", `<nil/>`, nil},
		{"dateTime", `<dateTime.iso8601>20260102T03:04:05</dateTime.iso8601>`, time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
		{"base64 stays text", `<base64>aGk=</base64>`, "aGk="},
		{"empty array", `<array><data></data></array>`, []any{}},
		{"array", `<array><data><value><int>1</int></value><value><string></string></value><value><boolean>0</boolean></value></data></array>`,
			[]any{int64(1), "", false}},
		{"struct", `<struct><member><name>name</name><value><string></string></value></member><member><name>parent_id</name><value><array><data><value><int>2</int></value><value>Acme</value></data></array></value></member></struct>`,
			map[string]any{"name": "", "parent_id": []any{int64(2), "Acme"}}},
		{"empty struct", `<struct></struct>`, map[string]any{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			body := `<?xml version='1.0'?>` + "\n<methodResponse>\n<params>\n<param>\n<value>" + tc.xml + "</value>\n</param>\n</params>\n</methodResponse>\n"
			v, fault, err := DecodeResponse([]byte(body))
			require.NoError(t, err)
			require.Nil(t, fault)
			assert.Equal(t, tc.want, v)
		})
	}
}

func TestDecodeEmptyValueIsEmptyString(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`<methodResponse><params><param><value></value></param></params></methodResponse>`,
		`<methodResponse><params><param><value/></param></params></methodResponse>`,
	} {
		v, _, err := DecodeResponse([]byte(body))
		require.NoError(t, err)
		assert.Equal(t, "", v, "XML-RPC reads a value without a type as a string: %s", body)
	}
}

// OpenERP 7's except_orm faults carry an empty faultString.
func TestDecodeFaultWithEmptyString(t *testing.T) {
	t.Parallel()
	body := `<?xml version='1.0'?>
<methodResponse>
<fault>
<value><struct>
<member>
<name>faultCode</name>
<value><string>warning -- Object Error

Object x.y doesn't exist</string></value>
</member>
<member>
<name>faultString</name>
<value><string></string></value>
</member>
</struct></value>
</fault>
</methodResponse>
`
	v, fault, err := DecodeResponse([]byte(body))
	require.NoError(t, err)
	assert.Nil(t, v)
	require.NotNil(t, fault)
	assert.Equal(t, "warning -- Object Error\n\nObject x.y doesn't exist", fault.Code)
	assert.Equal(t, "", fault.String)
}

func TestDecodeCallKeepsEmptyStringsAndNil(t *testing.T) {
	t.Parallel()
	body := `<?xml version='1.0'?>
<methodCall>
<methodName>execute</methodName>
<params>
<param><value><string>test</string></value></param>
<param><value><int>1</int></value></param>
<param><value><string></string></value></param>
<param><value><nil/></value></param>
</params>
</methodCall>
`
	method, params, err := DecodeCall([]byte(body))
	require.NoError(t, err)
	assert.Equal(t, "execute", method)
	assert.Equal(t, []any{"test", int64(1), "", nil}, params)

	method, params, err = DecodeCall([]byte(`<methodCall><methodName>version</methodName></methodCall>`))
	require.NoError(t, err)
	assert.Equal(t, "version", method)
	assert.Empty(t, params)
}

func TestDecodeRefusesMalformedValues(t *testing.T) {
	t.Parallel()
	for _, xml := range []string{
		`<int>x</int>`,
		`<boolean>2</boolean>`,
		`<string>a</int>`,
		`<unknown>1</unknown>`,
		`<array><value><int>1</int></value></array>`,
		`<struct><member><value><int>1</int></value></member></struct>`,
	} {
		body := "<methodResponse><params><param><value>" + xml + "</value></param></params></methodResponse>"
		_, _, err := DecodeResponse([]byte(body))
		assert.Error(t, err, xml)
	}
}

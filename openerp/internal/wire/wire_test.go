package wire

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCallRoundTrip(t *testing.T) {
	t.Parallel()
	body, err := EncodeCall("execute_kw", "db", int64(1), "pw", "res.partner", "write",
		[]any{[]any{int64(3)}, map[string]any{"name": "Ada", "parent_id": false, "date": "2026-01-02 02:04:05"}})
	require.NoError(t, err)
	method, params, err := DecodeCall(body)
	require.NoError(t, err)
	assert.Equal(t, "execute_kw", method)
	require.Len(t, params, 6)
	assert.Equal(t, "res.partner", params[3])
	assert.Equal(t, []any{[]any{int64(3)}, map[string]any{"name": "Ada", "parent_id": false, "date": "2026-01-02 02:04:05"}}, params[5])
}

func TestResponseAndFaultRoundTrip(t *testing.T) {
	t.Parallel()
	body, err := EncodeResponse([]any{map[string]any{"id": int64(1), "parent_id": []any{int64(2), "Acme"}, "email": false}})
	require.NoError(t, err)
	v, f, err := DecodeResponse(body)
	require.NoError(t, err)
	assert.Nil(t, f)
	assert.Equal(t, []any{map[string]any{"id": int64(1), "parent_id": []any{int64(2), "Acme"}, "email": false}}, v)

	for _, code := range []any{"warning -- Error\n\nBad <value>", int64(2)} {
		body, err = EncodeFault(Fault{Code: code, String: "Traceback ... <fault>"})
		require.NoError(t, err)
		v, f, err = DecodeResponse(body)
		require.NoError(t, err)
		assert.Nil(t, v)
		require.NotNil(t, f)
		assert.Equal(t, code, f.Code)
		assert.Equal(t, "Traceback ... <fault>", f.String)
	}

	// A value whose text says <fault> is no fault.
	body, err = EncodeResponse("<fault>")
	require.NoError(t, err)
	v, f, err = DecodeResponse(body)
	require.NoError(t, err)
	assert.Nil(t, f)
	assert.Equal(t, "<fault>", v)
}

func TestDecodeResponseRejectsNonXMLRPC(t *testing.T) {
	t.Parallel()
	_, _, err := DecodeResponse([]byte("<html>502 Bad Gateway</html>"))
	assert.ErrorContains(t, err, "not an XML-RPC response")
}

// Every text is escaped as Python's xmlrpc.client escapes it, struct member
// names included, and comes back as sent; a carriage return survives XML's
// end-of-line handling.
func TestTextsRoundTrip(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"x_r&d", "<b>&amp;</b>", "a\r\nb\rc", "tab\there", "é ü 😀", "]]>"} {
		body, err := EncodeCall("execute_kw", map[string]any{text: text})
		require.NoError(t, err)
		_, params, err := DecodeCall(body)
		require.NoError(t, err, "%s", body)
		assert.Equal(t, []any{map[string]any{text: text}}, params, "%q", text)
	}
}

// What XML 1.0 cannot carry is an error, not a replacement character; an
// integer must fit XML-RPC's 32-bit <int>.
func TestEncodeRefuses(t *testing.T) {
	t.Parallel()
	for name, v := range map[string]any{
		"a control character":            "a\x1bb",
		"NUL":                            "\x00",
		"invalid UTF-8":                  "\xff",
		"U+FFFF":                         "\uFFFF",
		"a member name with a control":   map[string]any{"a\vb": 1},
		"an integer over int32":          int64(1) << 31,
		"an integer under int32":         -(int64(1) << 31) - 1,
		"a map whose keys are no string": map[int]any{1: "a"},
	} {
		_, err := EncodeCall("m", v)
		assert.Error(t, err, name)
		_, err = EncodeResponse(v)
		assert.Error(t, err, name)
	}
	_, err := EncodeCall("m", "a\x1bb")
	assert.ErrorIs(t, err, ErrText)
	assert.ErrorContains(t, err, "U+001B")
}

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

package openerp_test

// Review 10: where the OpenERP client's encoding disagrees with Python's
// xmlrpc.client (and so with what OpenERP 7.0, itself Python's xmlrpclib,
// reads).

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/internal/pythontest"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/internal/wire"
)

// captureServer is an OpenERP 7.0 that answers version() and login, and
// records the body of each /xmlrpc/object request as it came, answering
// an empty list.
func captureServer(t *testing.T) (*httptest.Server, func() []byte) {
	var mu sync.Mutex
	var last []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var answer any = []any{}
		switch r.URL.Path {
		case "/xmlrpc/common":
			method, _, err := wire.DecodeCall(body)
			require.NoError(t, err)
			answer = int64(1)
			if method == "version" {
				answer = map[string]any{"server_version": "7.0", "server_version_info": []any{int64(7), int64(0), int64(0), "final", int64(0)}}
			}
		case "/xmlrpc/object":
			mu.Lock()
			last = body
			mu.Unlock()
		}
		out, err := wire.EncodeResponse(answer)
		require.NoError(t, err)
		w.Header().Set("Content-Type", "text/xml")
		w.Write(out)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []byte {
		mu.Lock()
		defer mu.Unlock()
		return last
	}
}

// A struct member's name is text like any other: Python's xmlrpc.client
// escapes it (dump_struct: k = escape(k)), and kolo/xmlrpc, which encodes
// the client's calls, writes it raw. A context key or a Values key with
// "&" or "<" makes the request malformed XML: OpenERP 7.0's xmlrpclib
// (expat) refuses the whole call, and Python's xmlrpc.client cannot read
// it either. The Go client gives no error of its own.
func TestReviewStructMemberNamesAreEscaped(t *testing.T) {
	t.Parallel()
	srv, last := captureServer(t)
	c, err := openerp.New(openerp.Config{URL: srv.URL, Database: "db", User: "u", Password: "pw"})
	require.NoError(t, err)
	const key = "x_r&d"
	_, err = c.Search(context.Background(), "res.partner", nil, openerp.SearchOptions{Context: openerp.Context{key: true}})
	require.NoError(t, err)

	body := filepath.Join(t.TempDir(), "body.xml")
	require.NoError(t, os.WriteFile(body, last(), 0o600))
	pythontest.Run(t, "testdata/review_loads.py", []string{"REVIEW_BODY=" + body, "REVIEW_CONTEXT_KEY=" + key}, time.Minute, "xmlrpc.client")
}

// XML 1.0 cannot carry most control characters (U+0000-U+0008, U+000B,
// U+000C, U+000E-U+001F) nor invalid UTF-8. Python's xmlrpc.client sends
// them as they are, and OpenERP's expat refuses the call with a fault: the
// caller learns of it. The Go client's encoder (encoding/xml's EscapeText,
// through kolo) replaces each with U+FFFD and sends the call: OpenERP
// stores a value that is not the one given, with no error. A sync that
// compares content then sees a difference on every run. Such a value is
// what ErrInvalidValue is for ("a value that XML-RPC cannot carry"): it
// should fail before anything is sent, or arrive intact.
func TestReviewControlCharactersAreNotSilentlyReplaced(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := newClient(t, s, "")
	ctx := context.Background()
	for _, name := range []string{"Lampe\vRouge", "Lampe\x1bRouge", "Lampe \xff"} {
		id, err := c.Create(ctx, "res.partner", openerp.Values{"name": name}, nil)
		if err != nil {
			assert.ErrorIs(t, err, openerp.ErrInvalidValue, "%q", name)
			continue
		}
		rec, ok := s.Get("res.partner", id, "")
		require.True(t, ok)
		assert.Equal(t, name, rec["name"], "%q was sent without error, so OpenERP must hold it as given", name)
	}
}

// Config.Password's doc: "sent with every call and appears nowhere else:
// not in errors, logs, or the client's String". The client's String hides
// it, but %#v of the client (what testify and a panic's value print, and
// what a "%#v" log line prints) and any %v of the Config print it: neither
// Config nor Client has the GoString / String guards that package qoqa
// gives its Credentials and Token for the same reason.
func TestReviewPasswordNeverPrinted(t *testing.T) {
	t.Parallel()
	const secret = "openerp-s3cret"
	cfg := openerp.Config{URL: "https://erp.example.ch", Database: "db", User: "u", Password: secret}
	c, err := openerp.New(cfg)
	require.NoError(t, err)
	for name, v := range map[string]any{"client": c, "config": cfg} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			assert.NotContains(t, fmt.Sprintf(verb, v), secret, "%s printed with %s", name, verb)
		}
	}
}

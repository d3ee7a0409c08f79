package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/internal/demo"
)

// A page of another site whose DNS name the attacker rebinds to 127.0.0.1
// (DNS rebinding) is, to the browser, of the same origin as itself: its
// POST carries Origin http://rebind.evil.example:8765 and the same Host.
// Comparing the two lets it re-run jobs on the status server that binds to
// localhost. Only the names the server is reached by on this machine (an
// IP address, localhost) are its own.
func TestReview16StatusServerRefusesARebindedName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		host, origin string
		want         bool
	}{
		{"127.0.0.1:8765", "http://127.0.0.1:8765", true},
		{"localhost:8765", "http://localhost:8765", true},
		{"[::1]:8765", "http://[::1]:8765", true},
		{"127.0.0.1:8765", "", true},
		{"rebind.evil.example:8765", "http://rebind.evil.example:8765", false},
	} {
		r := httptest.NewRequest(http.MethodPost, "http://"+tc.host+"/jobs/1/retry", nil)
		if tc.origin != "" {
			r.Header.Set("Origin", tc.origin)
		}
		assert.Equal(t, tc.want, sameOrigin(r), "host %q origin %q", tc.host, tc.origin)
	}

	// Through the server: the re-run is refused before the queue is asked.
	q := connector.NewLocalQueue(connector.QueueConfig{Handler: connector.NewMux()})
	r := httptest.NewRequest(http.MethodPost, "http://rebind.evil.example:8765/jobs/1/retry", nil)
	r.Header.Set("Origin", "http://rebind.evil.example:8765")
	w := httptest.NewRecorder()
	statusServer(q, nil).ServeHTTP(w, r)
	assert.Equal(t, http.StatusForbidden, w.Code)
}

// The pages a rebinding page can read once its name resolves to
// 127.0.0.1: the browser takes them for its own origin's, so no Origin
// check applies to a GET. The status server answers only the names it is
// reached by on this machine (an IP address, localhost, or the name it was
// told to listen on).
func TestReview16StatusServerAnswersNoRebindedName(t *testing.T) {
	t.Parallel()
	_, _, args, env := sandbox(t, demo.Size{Users: 1, Orders: 1, Products: 1, Offers: 1, Vouchers: 1})
	port := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append(slicesClone(args), "-listen", port), func(k string) string { return env[k] }, io.Discard, io.Discard)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	get := func(host, path string) int {
		req, err := http.NewRequest(http.MethodGet, "http://"+port+path, nil)
		require.NoError(t, err)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	require.Eventually(t, func() bool { return get(port, "/jobs") == http.StatusOK }, 30*time.Second, 20*time.Millisecond, "the status server never answered")
	_, p, _ := strings.Cut(port, ":")
	assert.Equal(t, http.StatusOK, get("localhost:"+p, "/jobs"))
	for _, path := range []string{"/jobs", "/status"} {
		assert.Equal(t, http.StatusForbidden, get("rebind.evil.example:"+p, path), path)
	}
}

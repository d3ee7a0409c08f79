package main

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/qoqasync/qoqasync/connector"
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

package adapter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
)

// The OpenERP client states facts; the adapter turns them into the
// engine's decisions.
func TestOpenERPErrorDecisions(t *testing.T) {
	t.Parallel()
	fault := func(kind openerp.FaultKind) error {
		return &openerp.Fault{Kind: kind, Model: "res.partner", Method: "write", Message: "m"}
	}
	type decision int
	const (
		retry decision = iota
		permanent
		queueDefault
	)
	cases := []struct {
		name     string
		err      error
		want     decision
		after    time.Duration
		notFound bool
	}{
		{"concurrency fault", fault(openerp.FaultConcurrency), retry, 0, false},
		{"503", &openerp.HTTPError{StatusCode: 503, Status: "503 Service Unavailable"}, retry, 0, false},
		{"429 with Retry-After", &openerp.HTTPError{StatusCode: 429, Status: "429 Too Many Requests", Header: http.Header{"Retry-After": {"30"}}}, retry, 30 * time.Second, false},
		{"network", &openerp.NetworkError{Err: io.ErrUnexpectedEOF}, retry, 0, false},
		{"timeout", fmt.Errorf("wrapped: %w", &openerp.NetworkError{Err: context.DeadlineExceeded}), retry, 0, false},
		{"access", fault(openerp.FaultAccess), permanent, 0, false},
		{"validation", fault(openerp.FaultValidation), permanent, 0, false},
		{"bad call", fault(openerp.FaultBadCall), permanent, 0, false},
		{"missing", fault(openerp.FaultMissing), permanent, 0, true},
		{"404", &openerp.HTTPError{StatusCode: 404, Status: "404 Not Found"}, permanent, 0, false},
		{"redirect", &openerp.HTTPError{StatusCode: 301, Status: "301 Moved Permanently", Header: http.Header{"Location": {"https://x/"}}}, permanent, 0, false},
		{"value", fmt.Errorf("openerp: res.partner write: %w", &openerp.ValueError{Path: `args[1]["x"]`, Value: int64(1) << 40}), permanent, 0, false},
		{"not XML-RPC", fmt.Errorf("openerp: x y: %w: bad", openerp.ErrBadResponse), permanent, 0, false},
		{"too large", fmt.Errorf("openerp: x y: %w", openerp.ErrResponseTooLarge), permanent, 0, false},
		{"unknown fault", fault(openerp.FaultOther), queueDefault, 0, false},
		{"cancelled", fmt.Errorf("openerp: x y: %w", context.Canceled), queueDefault, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := OpenERPDecision(tc.err) // the decision code beside an adapter makes too
			require.ErrorIs(t, err, tc.err, "the client's error is kept")
			assert.Equal(t, tc.want == retry, connector.IsRetryable(err), "retryable: %v", err)
			assert.Equal(t, tc.want == permanent, connector.IsPermanent(err), "permanent: %v", err)
			assert.Equal(t, tc.notFound, errors.Is(err, connector.ErrNotFound))
			var r *connector.RetryableError
			if errors.As(err, &r) {
				assert.Equal(t, tc.after, r.After)
			}
		})
	}
	assert.NoError(t, OpenERPDecision(nil))
}

package qoqa_test

// Review 10: where the QoQa client disagrees with shared/QOQA_API.md.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// The contract: "code 2: the record does not exist (404 or 200). On DELETE
// it counts as done." and "any other 4xx or error code: permanent". A 404
// without code 2 (a proxy's or a router's page, a wrong base URL or
// endpoint, the fake's own "no endpoint" answer with code 1) says nothing
// about the record. The client reads every 404 as ErrNotFound, so a
// misrouted delete is reported as a record already gone, and a misrouted
// read as a deleted record.
func TestReview404WithoutCode2IsNotARecordNotFound(t *testing.T) {
	t.Parallel()
	for name, answer := range map[string]struct {
		contentType, body string
	}{
		"an HTML 404 page":         {"text/html", "<html><body><h1>404 Not Found</h1>nginx</body></html>"},
		"a JSON error with code 1": {"application/json", `{"errors": [{"type": "routing", "code": 1, "message": "no endpoint vouchers"}]}`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := stubClient(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", answer.contentType)
				w.WriteHeader(http.StatusNotFound)
				io.WriteString(w, answer.body)
			})
			err := c.Vouchers.Delete(context.Background(), 7)
			require.Error(t, err)
			assert.NotErrorIs(t, err, qoqa.ErrNotFound, "no code 2: nothing says voucher 7 does not exist")
		})
	}

	t.Run("the fake, an endpoint it does not have", func(t *testing.T) {
		t.Parallel()
		s := newServer(t, qoqatest.Options{})
		c := newClient(t, s)
		id := s.Seed("voucher", qoqa.Voucher{Code: "A", Amount: 100})[0]
		typo := qoqa.NewService[map[string]any](c, "vouchers")
		err := typo.Delete(context.Background(), id)
		require.Error(t, err)
		assert.NotErrorIs(t, err, qoqa.ErrNotFound, "the fake answered 404 with code 1 (no endpoint), not code 2")
		assert.Equal(t, 1, s.Count("voucher"))
	})
}

// The contract's error rules hold for every answer ("It can arrive with any
// status, 200 included: a 200 whose body has a non-empty errors list is an
// error"; code 17 is a maintenance to retry after 180 s; another code in a
// 2xx is retried as a 5xx). The PIN flow reads a 2xx answer only as a form:
// a 200 that carries QoQa's errors list is reported as an answer that
// "lacks oauth_token", of no kind, neither temporary nor a maintenance.
func TestReviewPINFlowReadsErrorsInA200(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		code int
		kind error
	}{
		"code 17": {17, qoqa.ErrMaintenance},
		"code 9":  {9, qoqa.ErrUnavailable},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"errors": [{"type": "x", "code": %d, "message": "not now"}]}`, tc.code)
			}))
			t.Cleanup(srv.Close)
			_, err := (&qoqa.PINFlow{BaseURL: srv.URL, Consumer: qoqa.Credentials{Key: "k", Secret: "s"}}).Start(context.Background())
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.kind)
			assert.True(t, temporary(err), "the contract retries it")
		})
	}
}

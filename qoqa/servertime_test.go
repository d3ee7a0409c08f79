package qoqa_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// QoQa's clock, not this host's, is what a watermark must follow.
func TestServerTime(t *testing.T) {
	t.Parallel()
	qoqaNow := time.Date(2031, 5, 6, 12, 30, 15, 0, time.UTC)
	s := newServer(t, qoqatest.Options{Now: func() time.Time { return qoqaNow.In(time.FixedZone("CEST", 7200)) }})
	got, err := newClient(t, s).ServerTime(context.Background())
	require.NoError(t, err)
	assert.Equal(t, qoqaNow, got)
	assert.Equal(t, time.UTC, got.Location())

	s.Maintenance(1)
	_, err = newClient(t, s).ServerTime(context.Background())
	require.ErrorIs(t, err, qoqa.ErrMaintenance, "a failed call is the call's error")
}

func TestServerTimeWithoutADateHeader(t *testing.T) {
	t.Parallel()
	for name, date := range map[string][]string{"none": nil, "unreadable": {"yesterday"}} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := stubClient(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header()["Date"] = date // nil keeps net/http from adding one
				io.WriteString(w, `{"data": []}`)
			})
			_, err := c.ServerTime(context.Background())
			require.ErrorContains(t, err, "qoqa: GET /api/v1/shop/: the answer has no readable Date header")
		})
	}
}

package qoqa_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// An answer that holds bytes that are not UTF-8 is refused, not decoded
// with U+FFFD in their place: the error names the resource, the record and
// the JSON path of the field, and is no *qoqa.Error (no retry mends it). An
// answer in valid UTF-8 decodes as it was sent.
func TestAnswerThatIsNotUTF8IsRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		endpoint string
		record   string // JSON, raw bytes
		field    string // the path the error names; "" when valid
	}{
		{"a top-level field", "customer", `{"id": 7, "firstname": "Ada", "lastname": "Lov` + "\xff" + `lace"}`, "lastname"},
		{"an item of a list", "order", `{"id": 7, "items": [{"id": 1, "name": "ok"}, {"id": 2, "name": "Lampe ` + "\xc3\x28" + `"}]}`, "items[1].name"},
		{"a nested key", "order", `{"id": 7, "payments": [{"method": "card", "tr` + "\xfe" + `": 1}]}`, `payments[0]."tr\ufffd"`},
		{"valid, accented", "customer", `{"id": 7, "firstname": "Zoé", "lastname": "Müller"}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, qoqatest.Options{})
			_, err := s.SeedJSON(strings.NewReader(`{"` + tc.endpoint + `": [` + tc.record + `]}`))
			require.NoError(t, err)
			c, err := qoqa.New(s.Config())
			require.NoError(t, err)
			var got any
			if tc.endpoint == "customer" {
				got, err = c.Customers.Get(context.Background(), 7)
			} else {
				got, err = c.Orders.Get(context.Background(), 7)
			}
			if tc.field == "" {
				require.NoError(t, err)
				assert.Equal(t, "Müller", got.(*qoqa.Customer).Lastname)
				return
			}
			require.ErrorIs(t, err, qoqa.ErrInvalidUTF8)
			var qe *qoqa.Error
			assert.NotErrorAs(t, err, &qe, "no *qoqa.Error: nothing to retry")
			assert.Contains(t, err.Error(), tc.endpoint+" 7, field "+tc.field)
		})
	}
}

package adapter_test

// Review 10: the adapters' decisions where they meet a client's mistake.

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/adapter"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// QOQA_API.md: only code 2 says a record does not exist ("On DELETE it
// counts as done"); "any other 4xx or error code: permanent". An adapter
// configured with an endpoint QoQa does not have (here "vouchers") gets a
// 404 with code 1 from the fake, and the adapter reports
// connector.ErrNotFound: the delete flow counts the delete as done and the
// flows read the record as gone, though nothing was deleted.
func TestReviewQoQaMisroutedDeleteIsNotDone(t *testing.T) {
	t.Parallel()
	s, c := qoqaFake(t, qoqatest.Options{})
	id := s.Seed("voucher", qoqa.Voucher{Code: "A", Amount: 100})[0]
	a := adapter.NewQoQa(c, "vouchers")
	err := a.Delete(context.Background(), id.String())
	require.Error(t, err)
	assert.NotErrorIs(t, err, connector.ErrNotFound, "a 404 with code 1 is no missing record")
	assert.Equal(t, 1, s.Count("voucher"), "the voucher is still there")
	_, err = a.Read(context.Background(), id.String())
	assert.NotErrorIs(t, err, connector.ErrNotFound)
}

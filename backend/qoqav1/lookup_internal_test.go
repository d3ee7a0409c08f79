package qoqav1

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Jobs that need one key at once share one look-up, and a key found is
// never asked again.
func TestLookupsAskEachKeyOnce(t *testing.T) {
	t.Parallel()
	var l lookups
	var calls atomic.Int32
	release := make(chan struct{})
	look := func(context.Context) (int64, error) {
		calls.Add(1)
		<-release
		return 41, nil
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			id, err := l.get(t.Context(), "CH", look)
			assert.NoError(t, err)
			assert.Equal(t, int64(41), id)
		})
	}
	require.Eventually(t, func() bool { return calls.Load() == 1 }, 5*time.Second, time.Millisecond)
	close(release)
	wg.Wait()
	_, err := l.get(t.Context(), "CH", look)
	require.NoError(t, err)
	assert.Equal(t, int32(1), calls.Load())
}

// A look-up under way for one key does not hold up another key's, and a
// failed look-up is asked again.
func TestLookupsOfOtherKeysAndFailures(t *testing.T) {
	t.Parallel()
	var l lookups
	stuck := make(chan struct{})
	defer close(stuck)
	go l.get(t.Context(), "CH", func(context.Context) (int64, error) { <-stuck; return 1, nil }) //nolint:errcheck // never answers in this test

	boom := errors.New("boom")
	_, err := l.get(t.Context(), "FR", func(context.Context) (int64, error) { return 0, boom })
	require.ErrorIs(t, err, boom, "FR answered while CH's look-up hangs")
	id, err := l.get(t.Context(), "FR", func(context.Context) (int64, error) { return 2, nil })
	require.NoError(t, err, "a failure is not kept")
	assert.Equal(t, int64(2), id)
}

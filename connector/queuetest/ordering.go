// This file holds the tests of what runs, and in which order.

package queuetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
)

func testRunsJob(t *testing.T, newQueue Factory) {
	type args struct {
		Force  bool     `json:"force"`
		Fields []string `json:"fields"`
	}
	var got connector.Job
	var gotArgs args
	h := newHarness(t, newQueue, connector.QueueConfig{Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		got = j
		return j.UnmarshalArgs(&gotArgs)
	})})
	j, err := connector.NewJob(connector.KindImport, "product", "42", args{Force: true, Fields: []string{"name"}})
	require.NoError(t, err)
	res := h.enqueue(j)
	assert.False(t, res.Duplicate)
	assert.NotZero(t, res.Job.ID)
	assert.Equal(t, connector.StatePending, res.Job.State)
	h.run()
	done := h.waitEvent(t, connector.EventDone, res.Job.ID)

	assert.Equal(t, res.Job.ID, got.ID)
	assert.Equal(t, connector.KindImport, got.Kind)
	assert.Equal(t, "product", got.Model)
	assert.Equal(t, "42", got.RecordID)
	assert.Equal(t, args{Force: true, Fields: []string{"name"}}, gotArgs)
	assert.Equal(t, connector.StateDone, done.Job.State)
	assert.Equal(t, 1, done.Job.Attempt)
}

func testRejectsInvalid(t *testing.T, newQueue Factory) {
	h := newHarness(t, newQueue, connector.QueueConfig{Handler: noop})
	for name, j := range map[string]connector.Job{
		"no kind":  {Model: "product", RecordID: "1"},
		"no model": {Kind: connector.KindImport, RecordID: "1"},
		"bad args": {Kind: connector.KindImport, Model: "product", Args: []byte("{not json")},
		"priority": {Kind: connector.KindImport, Model: "product", Priority: 9},
		"attempts": {Kind: connector.KindImport, Model: "product", MaxAttempts: -1},
	} {
		_, err := h.q.Enqueue(context.Background(), j)
		assert.ErrorIs(t, err, connector.ErrInvalidJob, name)
	}
	_, err := connector.NewJob(connector.KindImport, "product", "1", map[string]any{"ch": make(chan int)})
	assert.Error(t, err, "a value JSON cannot hold must be refused")
}

func testPriorityOrder(t *testing.T, newQueue Factory) {
	var mu sync.Mutex
	var order []string
	h := newHarness(t, newQueue, connector.QueueConfig{Concurrency: 1, Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		mu.Lock()
		order = append(order, j.RecordID)
		mu.Unlock()
		return nil
	})})
	for _, p := range []struct {
		id       string
		priority int
	}{{"low", connector.PriorityLow}, {"normal1", 0}, {"highest", connector.PriorityHighest}, {"high", connector.PriorityHigh}, {"normal2", connector.PriorityNormal}} {
		j := job(connector.KindImport, "product", p.id)
		j.Priority = p.priority
		h.enqueue(j)
	}
	h.run()
	h.waitCount(t, connector.EventDone, 5)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"highest", "high", "normal1", "normal2", "low"}, order)
}

func testRunAtOrder(t *testing.T, newQueue Factory) {
	var mu sync.Mutex
	var order []string
	started := map[string]time.Time{}
	h := newHarness(t, newQueue, connector.QueueConfig{Concurrency: 1, Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		mu.Lock()
		order = append(order, j.RecordID)
		started[j.RecordID] = time.Now()
		mu.Unlock()
		return nil
	})})
	// The queue runs first: a database queue takes a while to start, and a
	// start slower than soon's delay would find both delayed jobs due, to
	// be run by priority.
	h.run()
	asap := h.enqueue(job(connector.KindImport, "product", "now"))
	h.waitEvent(t, connector.EventDone, asap.Job.ID)
	now := time.Now()
	late, soon := job(connector.KindImport, "product", "late"), job(connector.KindImport, "product", "soon")
	// A second apart, so that a loaded machine's slower poll still finds
	// soon due alone.
	late.RunAt = now.Add(time.Second)
	soon.RunAt = now.Add(100 * time.Millisecond)
	late.Priority = connector.PriorityHighest // priority does not make a job run before its time
	h.enqueue(late)
	h.enqueue(soon)
	h.waitCount(t, connector.EventDone, 3)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"now", "soon", "late"}, order)
	assert.False(t, started["soon"].Before(soon.RunAt), "started before its RunAt")
	assert.False(t, started["late"].Before(late.RunAt), "started before its RunAt")
}

// Under load, with retries, each job's events come in the order of its life.
func testEventsInOrder(t *testing.T, newQueue Factory) {
	var tries sync.Map
	h := newHarness(t, newQueue, connector.QueueConfig{Concurrency: 8, Handler: connector.HandlerFunc(func(ctx context.Context, j connector.Job) error {
		if n, _ := tries.LoadOrStore(j.ID, 0); n.(int) == 0 && j.ID%3 == 0 {
			tries.Store(j.ID, 1)
			return connector.Retryable(errors.New("once more"), connector.After(time.Millisecond))
		}
		return nil
	})})
	h.run()
	const jobs = 200
	for i := range jobs {
		h.enqueue(job(connector.KindImport, "product", fmt.Sprint(i)))
	}
	h.waitCount(t, connector.EventDone, jobs)
	h.mu.Lock()
	defer h.mu.Unlock()
	lives := map[int64][]connector.EventType{}
	for _, ev := range h.events {
		lives[ev.Job.ID] = append(lives[ev.Job.ID], ev.Type)
	}
	require.Len(t, lives, jobs)
	for id, life := range lives {
		want := []connector.EventType{connector.EventEnqueued, connector.EventStarted}
		if id%3 == 0 {
			want = append(want, connector.EventRetry, connector.EventStarted)
		}
		want = append(want, connector.EventDone)
		assert.Equal(t, want, life, "events of job %d", id)
	}
}

package connector_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/connector/connectortest"
)

// A host routes jobs to handlers with a Mux, runs them on a LocalQueue and
// watches their progress through events.
func ExampleLocalQueue() {
	mux := connector.NewMux()
	mux.HandleFunc(connector.KindImport, "order", func(ctx context.Context, job connector.Job) error {
		var args struct{ Force bool }
		if err := job.UnmarshalArgs(&args); err != nil {
			return connector.Permanent(err)
		}
		if job.RecordID == "2" {
			return connector.Permanent(errors.New("order 2: field shop_id: unknown shop 9"))
		}
		return nil
	})
	q := connector.NewLocalQueue(connector.QueueConfig{Handler: mux, Concurrency: 1})
	finished := make(chan connector.Event, 2)
	q.Subscribe(func(ev connector.Event) {
		if ev.Type == connector.EventDone || ev.Type == connector.EventFailed {
			finished <- ev
		}
	})

	ctx := context.Background()
	for _, id := range []string{"1", "2"} {
		job, _ := connector.NewJob(connector.KindImport, "order", id, map[string]bool{"force": false})
		if _, err := q.Enqueue(ctx, job); err != nil {
			fmt.Println(err)
		}
	}
	_ = q.Start(ctx)
	for range 2 {
		ev := <-finished
		fmt.Printf("%s %s: %s\n", ev.Job.Model, ev.Job.RecordID, ev.Job.State)
		if ev.Job.LastError != "" {
			fmt.Println("  error:", ev.Job.LastError)
		}
	}
	stopCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_ = q.Stop(stopCtx)

	failed, _ := q.List(ctx, connector.ListFilter{State: connector.StateFailed})
	fmt.Println("failed jobs kept:", len(failed))
	// Output:
	// order 1: done
	// order 2: failed
	//   error: order 2: field shop_id: unknown shop 9
	// failed jobs kept: 1
}

// A handler's error says what happens next: retry later, do not count the
// attempt, give up, or nothing to do.
func ExampleRetryable() {
	policy := connector.RetryPolicy{MaxAttempts: 5}
	job := connector.Job{Attempt: 4} // four failed attempts so far
	busy := connector.Retryable(errors.New("record 7 is locked by another job"), connector.NotCounted(), connector.After(2*time.Second))
	o := connector.Classify(busy, job, policy)
	fmt.Println(o.State, o.Attempt, o.After)

	o = connector.Classify(errors.New("connection reset"), job, policy)
	fmt.Println(o.State, o.Attempt)
	// Output:
	// pending 4 2s
	// failed 5
}

// The scheduler runs the import search of each model at its own interval; it
// starts and stops like a queue.
func ExampleScheduler() {
	s := connector.NewScheduler(nil)
	ran := make(chan string, 1)
	_ = s.Add("import order", 5*time.Minute, func(ctx context.Context) error {
		ran <- "searched orders changed since the last run"
		return nil
	})
	ctx := context.Background()
	_ = s.Start(ctx)
	fmt.Println(<-ran)
	stopCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	fmt.Println("stopped:", s.Stop(stopCtx))
	// Output:
	// searched orders changed since the last run
	// stopped: <nil>
}

// An import flow maps a remote record, creates it locally and binds it; a
// second run finds it up to date.
func ExampleImportFlow() {
	ctx := context.Background()
	remote, local := connectortest.New("qoqa user"), connectortest.New("res.partner")
	flow := &connector.ImportFlow{
		Model: "user", Remote: remote, Local: local, Binder: binding.NewMemory(),
		Mapper: connector.Mapping{Model: "user", Rules: []connector.Rule{
			connector.Field("pseudo", "name"),
			connector.Field("language_id", "lang", connector.Language(map[int]string{1: "fr", 2: "de"})),
		}},
		Languages: []string{"fr_FR", "de_CH"},
	}
	id := remote.Put(connector.Record{Fields: map[string]any{"pseudo": "ada", "language_id": 2}})

	fmt.Println(flow.Import(ctx, id, connector.ImportOptions{}))
	partner, _ := local.Get("1")
	fmt.Println(partner.Fields["name"], partner.Fields["lang"])
	err := flow.Import(ctx, id, connector.ImportOptions{})
	var nothing *connector.NothingToDoError
	fmt.Println("second run has nothing to do:", errors.As(err, &nothing))
	// Output:
	// <nil>
	// ada de_CH
	// second run has nothing to do: true
}

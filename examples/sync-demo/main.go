// Command sync-demo runs the standard import and export flows end to end
// over the real wire protocols, against embedded fake QoQa and OpenERP
// servers that drop answers, throttle and fail on purpose:
//
//	go run ./examples/sync-demo
//
// It imports QoQa users into OpenERP partners (batch import), exports
// OpenERP gift vouchers to QoQa (export poller), on an in-process queue with
// a SQLite binding store, then checks that no record was lost or made
// twice. The mappers here are the example's own; the default backend's
// mappers for every model are separate work.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"time"

	"github.com/qoqasync/qoqasync/adapter"
	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
	"github.com/qoqasync/qoqasync/store/sqlite"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		slog.Error("sync-demo failed", "error", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("sync-demo", flag.ContinueOnError)
	users := fs.Int("users", 50, "QoQa users to import")
	vouchers := fs.Int("vouchers", 20, "OpenERP vouchers to export")
	faults := fs.Bool("faults", true, "inject lost answers, throttling, 5xx and concurrency faults")
	dbPath := fs.String("db", "", "SQLite binding store (default: a temporary file)")
	within := fs.Duration("within", 2*time.Minute, "how long the sync may take before the demo gives up")
	if err := fs.Parse(args); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil)) // the queue's retry log would drown the demo's output

	// The two systems, faked over real HTTP.
	qsrv := qoqatest.New(qoqatest.Options{})
	defer qsrv.Close()
	osrv := openerptest.New(openerptest.Options{})
	defer osrv.Close()
	for i := range *users {
		qsrv.Seed("user", qoqa.User{Email: fmt.Sprintf("user%d@example.ch", i), Pseudo: fmt.Sprintf("user%d", i), LanguageID: 1 + i%2, IsActive: true})
	}
	for i := range *vouchers {
		osrv.Seed("qoqa.voucher", map[string]any{"code": fmt.Sprintf("GIFT-%03d", i), "amount": 10.0 + float64(i), "remaining_amount": 10.0 + float64(i), "currency": "CHF"})
	}

	qc, err := qoqa.New(qsrv.Config())
	if err != nil {
		return err
	}
	oc, err := openerp.New(osrv.Config())
	if err != nil {
		return err
	}

	if *dbPath == "" {
		dir, err := os.MkdirTemp("", "sync-demo")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*dbPath = filepath.Join(dir, "bindings.db")
	}
	store, err := sqlite.Open(ctx, *dbPath, "demo")
	if err != nil {
		return err
	}
	defer store.Close()

	// What syncs each model.
	reg := backend.NewRegistry()
	if err := reg.AddVersion("v1", ""); err != nil {
		return err
	}
	err = reg.Register("v1", "user", backend.Components{
		Remote: adapter.NewQoQa(qc, "user"),
		Local:  &adapter.OpenERP{Client: oc, Model: "res.partner", RefField: "ref"},
		ImportMapper: connector.Mapping{Model: "user", Rules: []connector.Rule{
			connector.Field("pseudo", "name"),
			connector.Field("email", "email"),
			connector.Field("language_id", "lang", connector.Language(qoqa.LanguageCodes)),
			connector.OnCreate(connector.Compute("customer", func(context.Context, *connector.MapContext) (any, error) { return true, nil })),
		}},
	})
	if err != nil {
		return err
	}
	err = reg.Register("v1", "voucher", backend.Components{
		Remote: adapter.NewQoQa(qc, "voucher"),
		Local:  &adapter.OpenERP{Client: oc, Model: "qoqa.voucher"},
		ExportMapper: connector.Mapping{Model: "voucher", Rules: []connector.Rule{
			connector.Field("code", "code"),
			connector.Field("amount", "amount", connector.AmountToCents),
			connector.Field("remaining_amount", "remaining_amount", connector.AmountToCents),
			connector.Field("currency", "currency"),
			connector.Field("active", "is_active"),
		}},
	})
	if err != nil {
		return err
	}
	shop := &backend.Backend{Name: "demo", Version: "v1", Languages: []string{"fr_FR", "de_DE"},
		Since: time.Now().Add(-24 * time.Hour), // where the first searches start: the runner's -since
		Models: map[string]backend.ModelSettings{
			"user":    {ImportInterval: 300 * time.Millisecond},
			"voucher": {ExportInterval: 300 * time.Millisecond},
		}}

	mux := connector.NewMux()
	queue := connector.NewLocalQueue(connector.QueueConfig{
		Handler: mux, Concurrency: 8, Logger: logger,
		Retry: connector.RetryPolicy{MaxAttempts: 8, Backoff: []time.Duration{50 * time.Millisecond, 200 * time.Millisecond, time.Second}, Jitter: 0.2},
	})
	flows, err := backend.Build(shop, reg, backend.Env{Queue: queue, Binder: store, Watermarks: store, Mux: mux, Logger: logger})
	if err != nil {
		return err
	}
	progress := newProgress()
	queue.Subscribe(progress.record)
	if err := queue.Start(ctx); err != nil {
		return err
	}
	defer queue.Stop(context.Background())

	if *faults {
		qsrv.RateLimit(2, 1)
		qsrv.FailStatus(3, 502)
		qsrv.CommitThenDrop(2) // creates reach QoQa, their answers are lost
		osrv.CommitThenDrop(2) // creates reach OpenERP, their answers are lost
		osrv.ConcurrencyFaults(0.05)
	}

	// The scheduler runs each model's search at its interval; a search that
	// fails (throttled, 502) leaves its watermark and runs again.
	sched := connector.NewScheduler(logger)
	if err := flows.Schedule(sched); err != nil {
		return err
	}
	if err := sched.Start(ctx); err != nil {
		return err
	}
	defer sched.Stop(context.Background())

	start := time.Now()
	fmt.Fprintf(out, "QoQa at %s, OpenERP at %s, bindings in %s\n", qsrv.URL, osrv.URL, *dbPath)
	fmt.Fprintln(out, "scheduled the batch import of users and the export poll of vouchers")
	synced := func() bool { return osrv.Count("res.partner") >= *users && qsrv.Count("voucher") >= *vouchers }
	if err := progress.waitFor(ctx, queue, synced, *within); err != nil {
		return err
	}
	if err := sched.Stop(ctx); err != nil { // and again, harmlessly, when deferred
		return err
	}
	osrv.ConcurrencyFaults(0)

	counts, _ := queue.Counts(ctx)
	fmt.Fprintf(out, "done in %s: %d jobs done, %d failed, %d retries on the way\n",
		time.Since(start).Round(time.Millisecond), counts[connector.StateDone], counts[connector.StateFailed], progress.retries())
	fmt.Fprintf(out, "res.partner: %d records for %d QoQa users\n", osrv.Count("res.partner"), *users)
	fmt.Fprintf(out, "QoQa vouchers: %d records for %d OpenERP vouchers\n", qsrv.Count("voucher"), *vouchers)
	failed, _ := queue.List(ctx, connector.ListFilter{State: connector.StateFailed})
	for _, j := range failed {
		fmt.Fprintf(out, "failed: %s: %s\n", j, j.LastError)
	}
	if osrv.Count("res.partner") != *users || qsrv.Count("voucher") != *vouchers || counts[connector.StateFailed] > 0 {
		return fmt.Errorf("records were lost or made twice")
	}
	fmt.Fprintln(out, "nothing lost, nothing made twice")
	return nil
}

// progress follows the queue's events.
type progress struct {
	mu      sync.Mutex
	retry   int
	changed chan struct{}
}

func newProgress() *progress { return &progress{changed: make(chan struct{}, 1)} }

func (p *progress) record(ev connector.Event) {
	p.mu.Lock()
	if ev.Type == connector.EventRetry {
		p.retry++
	}
	p.mu.Unlock()
	select {
	case p.changed <- struct{}{}:
	default:
	}
}

func (p *progress) retries() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.retry
}

// waitFor waits until done holds and the queue holds no pending or running
// job, or the deadline. Queue events wake it; a tick also does, since a
// scheduled search that finds nothing sends none.
func (p *progress) waitFor(ctx context.Context, q connector.Queue, done func() bool, limit time.Duration) error {
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		counts, err := q.Counts(ctx)
		if err != nil {
			return err
		}
		if done() && counts[connector.StatePending] == 0 && counts[connector.StateRunning] == 0 {
			return nil
		}
		select {
		case <-p.changed:
		case <-tick.C:
		case <-deadline.C:
			return fmt.Errorf("not synced after %s: %d pending and %d running jobs", limit, counts[connector.StatePending], counts[connector.StateRunning])
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

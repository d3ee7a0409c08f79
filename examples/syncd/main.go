// Command syncd is the full sync runner: every import and export of the
// default backend (backend/qoqav1), the queue, the binding store and the
// schedule, composed as a host would.
//
//	go run ./examples/syncd -demo -once
//
// syncs fake QoQa and OpenERP servers started in-process with demo data and
// prints what it did. Against real servers, after examples/qoqa-login wrote
// the token file:
//
//	export QOQA_CONSUMER_KEY=... QOQA_CONSUMER_SECRET=... OPENERP_PASSWORD=...
//	go run ./examples/syncd -openerp-url https://erp.example.ch -openerp-db prod -openerp-user sync
//
// runs on each model's schedule until SIGINT or SIGTERM, then stops
// gracefully; -once runs every search once, waits for the jobs, prints a
// summary per model and exits 1 when a job failed. -plan prints what a run
// would do and writes nothing (-json: as JSON lines); -audit compares the
// bindings with both sides and exits 1 when anything drifted, and -repair
// then runs the jobs that repair it; the status server's /status page shows
// each model, the failed jobs with a re-run button, and the last audit.
// Every flag is also read from QOQASYNC_<NAME>; -h lists them.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/qoqasync/qoqasync/connector"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run is the runner as a function: its exit status is 0 when all went well,
// 1 when a job failed or the run could not complete, 2 for a bad setting.
func run(ctx context.Context, args []string, getenv func(string) string, out, errOut io.Writer) int {
	logger := slog.New(slog.NewTextHandler(errOut, &slog.HandlerOptions{Level: slog.LevelInfo}))
	c, err := parseConfig(args, getenv, errOut)
	if isUsage(err) {
		return 0
	}
	var setting *settingError
	if errors.As(err, &setting) {
		fmt.Fprintln(errOut, "syncd:", err)
		return 2
	}
	if err != nil {
		return 2 // the flag package printed why
	}
	r, err := newRunner(ctx, c, out, logger)
	if errors.As(err, &setting) {
		fmt.Fprintln(errOut, "syncd:", err)
		return 2
	}
	if err != nil {
		fmt.Fprintln(errOut, "syncd:", err)
		return 1
	}
	defer r.close()
	switch {
	case c.Plan:
		err = r.plan(ctx)
	case c.Audit:
		err = r.audit(ctx)
	case c.Once:
		err = r.once(ctx)
	default:
		err = r.serve(ctx)
	}
	switch {
	case errors.Is(err, errJobsFailed), errors.Is(err, errDrifted):
		return 1
	case err != nil:
		fmt.Fprintln(errOut, "syncd:", err)
		return 1
	}
	return 0
}

// serve runs the sync on each model's schedule, with the status server,
// until ctx ends, then stops gracefully: running jobs finish or go back to
// pending.
func (r *runner) serve(ctx context.Context) error {
	// River runs the searches as periodic jobs that only the leader of the
	// runners sharing the database queues, added before it starts; the
	// in-process queue needs the in-process scheduler, stopped before it.
	if r.st.Tasks != nil {
		if err := r.flows.Schedule(r.st.Tasks); err != nil {
			return err
		}
	}
	// The queue runs on until stopQueue, which gives running jobs time to
	// finish at a signal: ctx ending would cut them short at once.
	if err := r.st.Queue.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	defer r.stopQueue()
	var sched *connector.Scheduler
	if r.st.Tasks == nil {
		sched = connector.NewScheduler(r.logger)
		if err := r.flows.Schedule(sched); err != nil {
			return err
		}
		if err := sched.Start(ctx); err != nil {
			return err
		}
		defer func() {
			stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			sched.Stop(stopCtx)
		}()
	}
	if r.cfg.Listen != "" {
		ln, err := net.Listen("tcp", r.cfg.Listen)
		if err != nil {
			return &settingError{flag: "listen", msg: err.Error()}
		}
		srv := &http.Server{Handler: ownHosts(r.cfg.Listen, r.newStatusPage(sched).handler(statusServer(r.st.Queue, r.st.UI))), ReadHeaderTimeout: 10 * time.Second}
		go srv.Serve(ln)
		defer srv.Close()
		r.logger.Info("status server", "url", "http://"+ln.Addr().String()+"/status")
	}
	r.logger.Info("syncing on schedule; SIGINT or SIGTERM stops")
	<-ctx.Done()
	r.logger.Info("stopping: running jobs finish or go back to pending")
	return nil
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/connector"
)

// errDrifted is what an audit that found something out of sync returns:
// the process exits 1, repaired or not, so that a schedule can alert.
var errDrifted = errors.New("drift found")

// audit compares the bindings with both sides (-audit) and prints what is
// out of sync; with -repair it queues the jobs that bring each finding back
// in sync, runs them, and prints the summary of the run.
func (r *runner) audit(ctx context.Context) error {
	report, err := backend.Audit(ctx, r.flows.Backend, r.reg, backend.Env{Binder: r.st.Store, Watermarks: r.st.Store, Logger: r.logger},
		backend.AuditOptions{From: r.cfg.AuditFrom, To: r.cfg.AuditTo})
	if err != nil {
		return err
	}
	if r.cfg.JSON {
		err = report.WriteJSON(r.out)
	} else {
		err = report.WriteText(r.out)
	}
	if err != nil || !report.Drifted() {
		return err
	}
	if r.cfg.Repair {
		if err := r.repair(ctx, report); err != nil {
			return err
		}
	}
	return fmt.Errorf("%w: %d record pairs", errDrifted, len(report.Findings))
}

// repair queues the jobs of report's findings, runs them through the
// normal flows until the queue is idle, and prints what they did.
func (r *runner) repair(ctx context.Context, report *connector.AuditReport) error {
	p := newProgress(r.out, r.st.Queue, r.logger)
	defer p.done()
	// The queue runs on until stopQueue, which gives running jobs time to
	// finish at a signal: ctx ending would cut them short at once.
	if err := r.st.Queue.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	defer r.stopQueue()
	n, err := report.Repair(ctx, r.st.Queue)
	if err != nil {
		return err
	}
	if err := p.waitIdle(ctx); err != nil {
		return err
	}
	p.done()
	if r.cfg.JSON {
		failed, err := r.st.Queue.List(ctx, connector.ListFilter{State: connector.StateFailed})
		if err != nil {
			return err
		}
		return json.NewEncoder(r.out).Encode(map[string]int{"repair_jobs": n, "failed": len(failed)})
	}
	fmt.Fprintf(r.out, "repair: %d jobs queued\n", n)
	return r.summary(ctx)
}

package main

import (
	"context"

	"github.com/qoqasync/qoqasync/backend"
)

// plan prints what a run would do (-plan), as text or JSON lines (-json),
// and writes nothing to either system nor to the store; the jobs a stopped
// run left pending in the queue are in it, as a run does them first.
func (r *runner) plan(ctx context.Context) error {
	p, err := backend.Plan(ctx, r.flows.Backend, r.reg, backend.Env{Queue: r.st.Queue, Binder: r.st.Store, Watermarks: r.st.Store, Logger: r.logger})
	if err != nil {
		return err
	}
	if r.cfg.JSON {
		return p.WriteJSON(r.out)
	}
	return p.WriteText(r.out)
}

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"github.com/qoqasync/qoqasync/connector"
)

// progress shows a run's jobs as they go: a bar on a terminal, log lines
// otherwise (a file, a pipe, a service's journal).
type progress struct {
	out    io.Writer
	q      connector.Queue
	logger *slog.Logger
	bar    *progressbar.ProgressBar

	mu       sync.Mutex
	queued   int
	finished int
	failed   int
	changed  chan struct{}
	unsub    func()
	stopOnce sync.Once
}

// logEvery is how many finished jobs make a progress line in a log: a run's
// journal shows it moving, and which of several runners did the work.
const logEvery = 50

// newProgress follows q's events until done.
func newProgress(out io.Writer, q connector.Queue, logger *slog.Logger) *progress {
	p := &progress{out: out, q: q, logger: logger, changed: make(chan struct{}, 1)}
	if f, ok := out.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		p.bar = progressbar.NewOptions(0, progressbar.OptionSetWriter(out), progressbar.OptionSetDescription("jobs"),
			progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(false), progressbar.OptionClearOnFinish())
	}
	p.unsub = q.Subscribe(p.record)
	return p
}

// record counts an event; it runs on the queue's goroutines, so it is quick.
func (p *progress) record(ev connector.Event) {
	p.mu.Lock()
	switch ev.Type {
	case connector.EventEnqueued:
		p.queued++
		if p.bar != nil {
			p.bar.ChangeMax(p.queued)
		}
	case connector.EventDone, connector.EventFailed:
		p.finished++
		if ev.Type == connector.EventFailed {
			p.failed++
		}
		if p.bar != nil {
			p.bar.Add(1)
		} else if p.finished%logEvery == 0 {
			finished, failed := p.finished, p.failed
			defer p.logger.Info("jobs done by this process", "jobs", finished, "failed", failed)
		}
	}
	p.mu.Unlock()
	select {
	case p.changed <- struct{}{}:
	default:
	}
}

// phase says what the run does now.
func (p *progress) phase(name string) {
	if p.bar != nil {
		p.bar.Describe(name)
		return
	}
	p.logger.Info("searching for changes", "search", name)
}

// waitIdle waits until the queue holds no pending or running job: the jobs
// queued and every dependency they brought are done or failed.
func (p *progress) waitIdle(ctx context.Context) error {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		counts, err := p.q.Counts(ctx)
		if err != nil {
			return err
		}
		if counts[connector.StatePending] == 0 && counts[connector.StateRunning] == 0 {
			p.mu.Lock()
			finished, failed := p.finished, p.failed
			p.mu.Unlock()
			if p.bar == nil {
				p.logger.Info("jobs finished", "jobs", finished, "failed", failed)
			}
			return nil
		}
		select {
		case <-p.changed:
		case <-tick.C: // a retry that comes due sends no event until it runs
		case <-ctx.Done():
			return fmt.Errorf("waiting for the jobs: %w", ctx.Err())
		}
	}
}

// done stops following the queue and clears the bar.
func (p *progress) done() {
	p.stopOnce.Do(func() {
		p.unsub()
		if p.bar != nil {
			p.bar.Finish()
		}
	})
}

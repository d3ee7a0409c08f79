package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/backend/qoqav1"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/internal/demo"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// backendName names the shop and database pair in the store.
const backendName = "qoqa"

// runner is the whole sync of one backend, composed as a host would: the
// two clients, the default components, the store and its queue, the flows.
type runner struct {
	cfg    config
	out    io.Writer
	logger *slog.Logger

	// fakes are the demo's servers, nil outside a demo.
	fakes *fakes
	flows *backend.Flows
	// reg holds the components the flows were built from: a plan and an
	// audit build their own flows from it.
	reg   *backend.Registry
	st    *storage
	tally *connector.Tally

	cleanup []func()
}

// fakes are the servers of a demo.
type fakes struct {
	qoqa    *qoqatest.Server
	openerp *openerptest.Server
}

// errJobsFailed is what a run whose jobs failed returns: the process exits 1.
var errJobsFailed = errors.New("some jobs failed")

// newRunner composes the sync that c describes.
func newRunner(ctx context.Context, c config, out io.Writer, logger *slog.Logger) (*runner, error) {
	r := &runner{cfg: c, out: out, logger: logger, tally: &connector.Tally{}}
	ok := false
	defer func() {
		if !ok {
			r.close()
		}
	}()
	var token qoqa.Token
	if c.Demo {
		var err error
		if token, err = r.startDemo(); err != nil {
			return nil, err
		}
	} else {
		var err error
		if token, err = (qoqa.FileTokenStore{Path: c.TokenFile}).Load(ctx); err != nil {
			return nil, &settingError{flag: "token-file", msg: fmt.Sprintf("%v (run examples/qoqa-login first)", err)}
		}
	}
	hc := r.httpClient()
	qc, err := qoqa.New(qoqa.Config{BaseURL: r.cfg.QoQaURL, Consumer: qoqa.Credentials{Key: r.cfg.ConsumerKey, Secret: r.cfg.ConsumerSecret}, Token: token, HTTPClient: hc})
	if err != nil {
		return nil, &settingError{flag: "qoqa-url", msg: err.Error()}
	}
	oc, err := openerp.New(openerp.Config{URL: r.cfg.OpenERPURL, Database: r.cfg.OpenERPDB, User: r.cfg.OpenERPUser, Password: r.cfg.OpenERPPassword, HTTPClient: hc})
	if err != nil {
		return nil, &settingError{flag: "openerp-url", msg: err.Error()}
	}

	shop := &backend.Backend{Name: backendName, Version: qoqav1.Version, Languages: r.cfg.Languages, Since: r.cfg.Since, Models: map[string]backend.ModelSettings{}}
	qoqav1.UseDefaultImportIntervals(shop)
	qoqav1.ApplyExportDefaults(shop)
	opts := qoqav1.Options{Logger: logger}
	if err := qoqav1.CheckImports(ctx, shop, oc, opts); err != nil {
		return nil, fmt.Errorf("the OpenERP database is not ready: %w", err)
	}
	reg := backend.NewRegistry()
	r.reg = reg
	if err := qoqav1.RegisterWith(reg, shop, qoqav1.Systems{QoQa: qc, OpenERP: oc}, opts); err != nil {
		return nil, err
	}
	mux := connector.NewMux()
	if r.st, err = openStorage(ctx, r.cfg, shop.Name, mux, logger); err != nil {
		return nil, err
	}
	r.cleanup = append(r.cleanup, func() { r.st.close() })
	r.flows, err = backend.Build(shop, reg, backend.Env{
		Queue: r.st.Queue, Binder: r.st.Store, Watermarks: r.st.Store, Locker: r.st.Locker,
		Mux: mux, Tally: r.tally, Logger: logger,
	})
	if err != nil {
		return nil, err
	}
	ok = true
	return r, nil
}

// httpClient is the clients' HTTP client: nil, their own (which verifies
// TLS certificates), unless -tls-insecure asked otherwise, which is said
// loudly.
func (r *runner) httpClient() *http.Client {
	if !r.cfg.TLSInsecure {
		return nil
	}
	r.logger.Warn("TLS certificates are not verified (-tls-insecure): anyone on the path can read and change the sync's traffic, secrets included")
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // asked for by -tls-insecure, and warned about
	return &http.Client{Transport: t}
}

// startDemo starts the fake servers with the demo data, points the
// configuration at them, and returns the QoQa token the fake issued. A demo
// keeps its store only when -store was given: its fakes start afresh.
func (r *runner) startDemo() (qoqa.Token, error) {
	r.fakes = &fakes{qoqa: qoqatest.New(qoqatest.Options{}), openerp: openerptest.New(openerptest.Options{})}
	r.cleanup = append(r.cleanup, r.fakes.qoqa.Close, r.fakes.openerp.Close)
	seeded := demo.Seed(r.fakes.qoqa, r.fakes.openerp, demo.Size{}, 1)
	consumer, oconf := r.fakes.qoqa.Consumer(), r.fakes.openerp.Config()
	r.cfg.QoQaURL, r.cfg.ConsumerKey, r.cfg.ConsumerSecret = r.fakes.qoqa.URL, consumer.Key, consumer.Secret
	r.cfg.OpenERPURL, r.cfg.OpenERPDB, r.cfg.OpenERPUser, r.cfg.OpenERPPassword = oconf.URL, oconf.Database, oconf.User, oconf.Password
	if !r.cfg.storeGiven {
		dir, err := os.MkdirTemp("", "syncd-demo")
		if err != nil {
			return qoqa.Token{}, err
		}
		r.cleanup = append(r.cleanup, func() { os.RemoveAll(dir) })
		r.cfg.Store = filepath.Join(dir, "demo.db")
	}
	fmt.Fprintf(r.out, "demo: QoQa at %s, OpenERP at %s\n", r.cfg.QoQaURL, r.cfg.OpenERPURL)
	fmt.Fprintf(r.out, "demo: %d users, %d orders on QoQa; %d products, %d offers, %d vouchers in OpenERP\n",
		seeded.Users, seeded.Orders, seeded.Products, seeded.Offers, seeded.Vouchers)
	return r.fakes.qoqa.IssueToken(), nil
}

// close releases what newRunner made, in reverse order.
func (r *runner) close() {
	for _, f := range slices.Backward(r.cleanup) {
		f()
	}
	r.cleanup = nil
}

// once runs every import search, waits for the jobs, then every export
// poll, and waits again: the exports see what the imports brought (the
// shops offers are in, the orders shipments belong to). It prints the
// summary and returns errJobsFailed when a job failed.
func (r *runner) once(ctx context.Context) error {
	p := newProgress(r.out, r.st.Queue, r.logger)
	defer p.done()
	// The queue runs on until stopQueue, which gives running jobs time to
	// finish at a signal: ctx ending would cut them short at once.
	if err := r.st.Queue.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	defer r.stopQueue()
	for _, name := range sortedKeys(r.flows.Searches) {
		p.phase("import " + name)
		if _, err := r.flows.Searches[name].Run(ctx); err != nil {
			return fmt.Errorf("import search %s: %w", name, err)
		}
	}
	if err := p.waitIdle(ctx); err != nil {
		return err
	}
	if r.fakes != nil {
		n := demo.Ship(r.fakes.openerp, 50)
		fmt.Fprintf(r.out, "demo: the warehouse shipped %d orders\n", n)
	}
	for _, name := range sortedKeys(r.flows.Pollers) {
		p.phase("export " + name)
		if _, _, err := r.flows.Pollers[name].Run(ctx); err != nil {
			return fmt.Errorf("export poll %s: %w", name, err)
		}
	}
	if err := p.waitIdle(ctx); err != nil {
		return err
	}
	p.done()
	return r.summary(ctx)
}

// stopQueue stops the queue, letting running jobs finish for a while.
func (r *runner) stopQueue() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.st.Queue.Stop(ctx); err != nil {
		r.logger.Warn("stopping the queue cut jobs short; they run again at the next start", "error", err)
	}
}

// summary prints, per model, what the run did, then each failed job, and
// returns errJobsFailed when there is one.
func (r *runner) summary(ctx context.Context) error {
	failed, err := r.st.Queue.List(ctx, connector.ListFilter{State: connector.StateFailed})
	if err != nil {
		return err
	}
	failedBy := map[connector.TallyKey]int{}
	for _, j := range failed {
		failedBy[connector.TallyKey{Kind: j.Kind, Model: j.Model}]++
	}
	counts := r.tally.Counts()
	keys := r.tally.Keys()
	for k := range failedBy {
		if _, ok := counts[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].Kind != keys[j].Kind {
			return keys[i].Kind > keys[j].Kind // imports first
		}
		return keys[i].Model < keys[j].Model
	})
	tw := tabwriter.NewWriter(r.out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tmodel\tcreated\tupdated\tdeleted\tskipped\tfailed\t")
	nothing := true
	for _, k := range keys {
		c := counts[k]
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t\n", k.Kind, k.Model, c.Created, c.Updated, c.Deleted, c.Skipped, failedBy[k])
		if c.Created+c.Updated+c.Deleted > 0 {
			nothing = false
		}
	}
	tw.Flush()
	if nothing && len(failed) == 0 {
		fmt.Fprintln(r.out, "nothing to create, update or delete: both sides are in sync")
	}
	for _, j := range failed {
		fmt.Fprintf(r.out, "failed: %s %s %s (job %d): %s\n", j.Kind, j.Model, j.RecordID, j.ID, oneLine(j.LastError))
	}
	if len(failed) > 0 {
		return fmt.Errorf("%w: %d", errJobsFailed, len(failed))
	}
	return nil
}

// oneLine keeps an error on one line of the summary.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

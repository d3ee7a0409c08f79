package qoqav1_test

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/backend/qoqav1"
	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// The network of the speed benchmarks: every call to either fake waits
// speedLatency, and the queue runs speedConcurrency jobs at once. The
// latency bound of a run is its calls × speedLatency ÷ speedConcurrency:
// what the calls cost if the jobs kept every slot busy and nothing but the
// network took time.
const (
	speedLatency     = 5 * time.Millisecond
	speedConcurrency = 16
)

// qoqaEndpoints and qoqaMethods are every call the sync may make to QoQa,
// as the fake counts them.
var (
	qoqaEndpoints = []string{"shop", "product", "variation", "deal", "offer", "voucher", "user", "customer", "address", "order"}
	qoqaMethods   = []string{"GET", "POST", "PUT", "DELETE"}
)

// speedRun is one timed sync of the speed benchmarks: both fakes with their
// latency, the flows of a backend, a queue of speedConcurrency workers.
type speedRun struct {
	b     *testing.B
	ctx   context.Context
	qoqa  *qoqatest.Server
	erp   *openerptest.Server
	shop  *backend.Backend
	qc    *qoqa.Client
	oc    *openerp.Client
	queue *connector.LocalQueue
	flows *backend.Flows
	wall  time.Duration
}

// newSpeedRun starts the fakes (without latency, so that seeding is
// quick) and builds the flows of shop, as extended by extend when given.
func newSpeedRun(b *testing.B, erpOpts openerptest.Options, shop *backend.Backend, extend func(*backend.Registry) string) *speedRun {
	b.Helper()
	r := &speedRun{b: b, ctx: context.Background(), shop: shop}
	r.qoqa = qoqatest.New(qoqatest.Options{})
	b.Cleanup(r.qoqa.Close)
	r.erp = openerptest.New(erpOpts)
	b.Cleanup(r.erp.Close)
	qc, err := qoqa.New(r.qoqa.Config())
	if err != nil {
		b.Fatal(err)
	}
	oc, err := openerp.New(r.erp.Config())
	if err != nil {
		b.Fatal(err)
	}
	r.qc, r.oc = qc, oc
	reg := backend.NewRegistry()
	if err := qoqav1.Register(reg, shop, qoqav1.Systems{QoQa: qc, OpenERP: oc}); err != nil {
		b.Fatal(err)
	}
	if extend != nil {
		shop.Version = extend(reg)
	}
	store := binding.NewMemory()
	mux := connector.NewMux()
	r.queue = connector.NewLocalQueue(connector.QueueConfig{Handler: mux, Concurrency: speedConcurrency, Logger: quiet})
	if r.flows, err = backend.Build(shop, reg, backend.Env{Queue: r.queue, Binder: store, Watermarks: store, Mux: mux, Logger: quiet}); err != nil {
		b.Fatal(err)
	}
	if err := r.queue.Start(r.ctx); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = r.queue.Stop(context.Background()) })
	return r
}

// callCounts are the calls a sync made, by "model.method" on OpenERP (and
// ".login", ".version" for the common service) and "endpoint METHOD" on
// QoQa.
type callCounts struct{ erp, qoqa map[string]int }

func (r *speedRun) counts() callCounts {
	c := callCounts{erp: map[string]int{}, qoqa: map[string]int{}}
	models := slices.Collect(maps.Keys(openerptest.DefaultModels()))
	for _, model := range append(models, "") {
		for _, m := range append(slices.Clone(ormMethods), "login", "version", "read_group") {
			if n := r.erp.Calls(model, m); n > 0 {
				c.erp[model+"."+m] = n
			}
		}
	}
	for _, e := range qoqaEndpoints {
		for _, m := range qoqaMethods {
			if n := r.qoqa.Calls(e, m); n > 0 {
				c.qoqa[e+" "+m] = n
			}
		}
	}
	return c
}

// since is what c counted beyond before.
func (c callCounts) since(before callCounts) callCounts {
	d := callCounts{erp: map[string]int{}, qoqa: map[string]int{}}
	for k, n := range c.erp {
		if n -= before.erp[k]; n > 0 {
			d.erp[k] = n
		}
	}
	for k, n := range c.qoqa {
		if n -= before.qoqa[k]; n > 0 {
			d.qoqa[k] = n
		}
	}
	return d
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// String lists the calls by model and method, for -v.
func (c callCounts) String() string {
	var sb strings.Builder
	for _, side := range []struct {
		name string
		m    map[string]int
	}{{"openerp", c.erp}, {"qoqa", c.qoqa}} {
		fmt.Fprintf(&sb, "%s: %d calls\n", side.name, total(side.m))
		for _, k := range slices.Sorted(maps.Keys(side.m)) {
			fmt.Fprintf(&sb, "  %-40s %6d\n", k, side.m[k])
		}
	}
	return sb.String()
}

// jobStats tell where a run's wall time went beside the calls: the jobs
// retried (by the cause of the retry, IDs left out) and the mean number of
// jobs running at once, which falls below speedConcurrency when jobs wait
// on one another.
type jobStats struct {
	mu       sync.Mutex
	retries  map[string]int
	running  int
	last     time.Time
	busyTime time.Duration // running jobs × time
}

func (s *jobStats) observe(ev connector.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if !s.last.IsZero() {
		s.busyTime += time.Duration(s.running) * now.Sub(s.last)
	}
	s.last = now
	switch ev.Type {
	case connector.EventStarted:
		s.running++
	case connector.EventDone, connector.EventFailed, connector.EventRetry:
		s.running--
	}
	if ev.Type == connector.EventRetry {
		s.retries[digits.ReplaceAllString(ev.Err.Error(), "N")]++
	}
}

var digits = regexp.MustCompile(`[0-9]+`)

// timed runs sync with both fakes' latency on, and returns its wall time
// and the calls it made.
func (r *speedRun) timed(sync func()) (time.Duration, callCounts) {
	r.b.Helper()
	stats := &jobStats{retries: map[string]int{}}
	defer r.queue.Subscribe(stats.observe)()
	defer func() {
		stats.mu.Lock()
		defer stats.mu.Unlock()
		for k, n := range stats.retries {
			r.b.Logf("%5d retries: %s", n, k)
		}
		r.b.Logf("mean jobs running: %.1f", float64(stats.busyTime)/float64(r.wall))
	}()
	before := r.counts()
	r.qoqa.Latency(speedLatency)
	r.erp.Latency(speedLatency)
	r.b.StartTimer()
	start := time.Now()
	sync()
	wall := time.Since(start)
	r.wall = wall
	r.b.StopTimer()
	r.qoqa.Latency(0)
	r.erp.Latency(0)
	return wall, r.counts().since(before)
}

// floor measures what this machine makes of the latency bound: n bare
// calls (a read of one record, on each side in turn) made by
// speedConcurrency callers at once, through the same clients and fakes,
// with nothing of the sync around them. It returns their wall time over
// their latency bound: 1 on an idle machine, more when the CPUs are busy
// (other builds) and each call waits for one to encode, decode and answer.
// The sync's own ratio divided by it is what the library adds.
func (r *speedRun) floor(n int) float64 {
	r.b.Helper()
	shops := r.qoqa.Seed("shop", qoqa.Shop{Name: "Floor"})
	partner := r.erp.Seed("res.partner", map[string]any{"name": "Floor"})[0]
	r.qoqa.Latency(speedLatency)
	r.erp.Latency(speedLatency)
	defer r.qoqa.Latency(0)
	defer r.erp.Latency(0)
	start := time.Now()
	var wg sync.WaitGroup
	for range speedConcurrency {
		wg.Go(func() {
			for i := range n / speedConcurrency {
				var err error
				if i%2 == 0 {
					_, err = r.oc.Read(r.ctx, "res.partner", []int64{partner}, []string{"name"}, nil)
				} else {
					_, err = r.qc.Shops.Get(r.ctx, shops[0])
				}
				if err != nil {
					r.b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	calls := n / speedConcurrency * speedConcurrency
	return float64(time.Since(start)) / float64(time.Duration(calls)*speedLatency/speedConcurrency)
}

// idle waits until the queue holds no pending or running job, and fails
// the benchmark on a failed one.
func (r *speedRun) idle() {
	r.b.Helper()
	idle := make(chan struct{}, 1)
	unsubscribe := r.queue.Subscribe(func(ev connector.Event) {
		if ev.Type == connector.EventDone || ev.Type == connector.EventFailed {
			select {
			case idle <- struct{}{}:
			default:
			}
		}
	})
	defer unsubscribe()
	deadline := time.After(10 * time.Minute)
	for {
		c, err := r.queue.Counts(r.ctx)
		if err != nil {
			r.b.Fatal(err)
		}
		if c[connector.StatePending] == 0 && c[connector.StateRunning] == 0 {
			if c[connector.StateFailed] > 0 {
				failed, _ := r.queue.List(r.ctx, connector.ListFilter{State: connector.StateFailed})
				r.b.Fatalf("%d jobs failed, first: %s: %s", c[connector.StateFailed], failed[0], failed[0].LastError)
			}
			return
		}
		select {
		case <-idle:
		case <-deadline:
			r.b.Fatal("the queue never went idle")
		}
	}
}

// speedReport sums the runs of one speed benchmark and reports them.
type speedReport struct {
	records           int // the records the figures are per
	erp, qoqa         int // calls made
	minERP, minQoQa   int // calls the data needs at least
	wall              time.Duration
	unit              string // "order", "product"
	lastCalls         callCounts
	rerunERP, rerunQQ int     // calls of a second run with nothing changed
	floor             float64 // the machine's ratio for bare calls, summed over runs
}

func (s *speedReport) add(records, minERP, minQoQa int, wall time.Duration, calls callCounts) {
	s.records += records
	s.minERP += minERP
	s.minQoQa += minQoQa
	s.erp += total(calls.erp)
	s.qoqa += total(calls.qoqa)
	s.wall += wall
	s.lastCalls = calls
}

// report gives the calls per record on each side beside their minimum, and
// the wall time over the latency bound of the calls made
// (latency-ratio) and of the calls the data needs (min-latency-ratio).
func (s *speedReport) report(b *testing.B) {
	b.Logf("calls of the last run:\n%s", s.lastCalls)
	per := func(n int) float64 { return float64(n) / float64(s.records) }
	b.ReportMetric(per(s.erp), "erp-calls/"+s.unit)
	b.ReportMetric(per(s.minERP), "erp-min/"+s.unit)
	b.ReportMetric(per(s.qoqa), "qoqa-calls/"+s.unit)
	b.ReportMetric(per(s.minQoQa), "qoqa-min/"+s.unit)
	b.ReportMetric(per(s.rerunERP+s.rerunQQ), "rerun-calls/"+s.unit)
	bound := func(calls int) float64 {
		return float64(time.Duration(calls) * speedLatency / speedConcurrency)
	}
	ratio := float64(s.wall) / bound(s.erp+s.qoqa)
	b.ReportMetric(ratio, "latency-ratio")
	b.ReportMetric(float64(s.wall)/bound(s.minERP+s.minQoQa), "min-latency-ratio")
	floor := s.floor / float64(b.N)
	b.ReportMetric(floor, "machine-floor-ratio")
	b.ReportMetric(ratio/floor, "library-ratio")
	b.ReportMetric(s.wall.Seconds()/float64(b.N), "wall-s/op")
}

// BenchmarkSpeedOrderImport imports 2,000 orders at the network's limit:
// 5 ms a call on each side, 16 jobs at once, the backend synced both ways
// (the exports of products, variations, offers and vouchers registered,
// as a host that runs every flow has them).
//
// The data: 10 catalogues (a shop, its deal in two languages, its offer,
// a product in three languages of which the backend syncs two, two
// variations); 1,000 buyers (a user, its customer, two addresses in CH),
// each buying twice; half of them with a voucher, used by their first
// order. Every record is new to OpenERP.
//
// The least calls the data needs, counted from it:
//   - QoQa: one GET per distinct record the orders reach (order, user,
//     customer, addresses, voucher, shop, deal, offer, product,
//     variations), and the order search (one window).
//   - OpenERP, per new record: the search for its reference that keeps a
//     retried create from making a duplicate (DESIGN.md: "looked up
//     before creating"), and its create; a customer fills its user's
//     partner (a write, no create). A record with translations writes
//     each of them (OpenERP 7's create writes the source, not a
//     language): the deal and the product in two languages, the offer in
//     one. A record of a model synced both ways is read back after its
//     write, once per backend language for a model with translatable
//     fields (the product, its variations, the offer, and the offer's
//     positions once), once for a voucher: the export's change detection
//     compares that read with its own. Once per process: the login and
//     the server's version, each country and line product (shipping,
//     voucher), the field types of each model read back (fields_get) and
//     the attribute catalogue (sets and attributes) that a product's read
//     needs.
//
// go test ./backend/qoqav1 -run '^$' -bench SpeedOrderImport -benchtime 1x -v
func BenchmarkSpeedOrderImport(b *testing.B) {
	const orders, buyers, catalogues, variations = 2000, 1000, 10, 2
	rep := speedReport{unit: "order"}
	for range b.N {
		b.StopTimer()
		shop := &backend.Backend{Name: "bench", Version: qoqav1.Version, Languages: []string{"fr_FR", "de_DE"},
			Since: time.Now().Add(-time.Hour), Models: map[string]backend.ModelSettings{"order": {ImportInterval: time.Minute}}}
		run := newSpeedRun(b, openerptest.Options{}, shop, func(reg *backend.Registry) string {
			if err := reg.AddVersion("both ways", qoqav1.Version); err != nil {
				b.Fatal(err)
			}
			for _, m := range []string{"product", "variation", "offer", "voucher"} {
				if err := reg.Register("both ways", m, backend.Components{ExportMapper: connector.Mapping{Model: m}}); err != nil {
					b.Fatal(err)
				}
			}
			return "both ways"
		})
		seedOpenERP(run.erp)
		var cats []catalogue
		for n := range catalogues {
			cats = append(cats, seedCatalogue(run.qoqa, n+1, variations))
		}
		var people []buyer
		vouchers := map[int]qoqa.ID{}
		for n := range buyers {
			people = append(people, seedBuyer(run.qoqa, n))
			if n%2 == 0 {
				vouchers[n] = seedVoucher(run.qoqa, people[n].customer, fmt.Sprint("GIFT-", n))
			}
		}
		for n := range orders {
			var v qoqa.ID
			if n < buyers {
				v = vouchers[n]
			}
			seedOrder(run.qoqa, cats[n%catalogues], people[n%buyers], v, qoqa.OrderPaid)
		}

		before := run.floor(4000)
		wall, calls := run.timed(func() {
			if _, err := run.flows.Searches["order"].Run(run.ctx); err != nil {
				b.Fatal(err)
			}
			run.idle()
		})
		if got := run.erp.Count("sale.order"); got != orders {
			b.Fatalf("%d orders landed of %d", got, orders)
		}

		records := orders + buyers*4 + len(vouchers) + catalogues*(4+variations)
		minQoQa := records + 1
		creates := records - buyers // the customer fills its user's partner
		langs := len(shop.Languages)
		translations := catalogues * (2 + 2 + 1) // deal, product, offer
		readBack := catalogues*(langs+variations*langs+langs+1) + len(vouchers)
		once := 2 + 1 + 2 + 5 + 2
		minERP := 2*creates + buyers + translations + readBack + once
		rep.floor += (before + run.floor(4000)) / 2
		rep.add(orders, minERP, minQoQa, wall, calls)

		again := run.counts()
		if _, err := run.flows.Searches["order"].Run(run.ctx); err != nil {
			b.Fatal(err)
		}
		run.idle()
		d := run.counts().since(again)
		rep.rerunERP += total(d.erp)
		rep.rerunQQ += total(d.qoqa)
	}
	rep.report(b)
}

// BenchmarkSpeedProductExport exports 500 product templates, each with two
// variants, in four languages, at the network's limit: 5 ms a call on each
// side, 16 jobs at once, the default backend (products and variations
// synced both ways).
//
// The data: an attribute set of a translated text attribute and an
// integer one; each template and variant named in fr_FR, de_DE, it_IT and
// en_US, the template's attributes filled.
//
// The least calls the data needs, counted from it:
//   - QoQa: one POST per template and per variant, and one GET of each
//     after its write: the import's change detection compares that read
//     with its own (the models are synced both ways).
//   - OpenERP: one read of each template and variant per language (the
//     first language's read brings the other fields); per template not on
//     QoQa yet, the search for an active variant, without which it is not
//     created (see withVariant: the template is read without its list of
//     variants, so that the variants an import adds do not change it);
//     per model polled,
//     the server's clock, the search of the changed records and the check
//     of the deleted ones; once per process, the login and the version,
//     the field types of each model read (fields_get) and the attribute
//     catalogue (sets and attributes).
//
// go test ./backend/qoqav1 -run '^$' -bench SpeedProductExport -benchtime 1x -v
func BenchmarkSpeedProductExport(b *testing.B) {
	const templates, variants = 500, 2
	langs := []string{"fr_FR", "de_DE", "it_IT", "en_US"}
	rep := speedReport{unit: "record"}
	for range b.N {
		b.StopTimer()
		shop := &backend.Backend{Name: "bench", Version: qoqav1.Version, Languages: langs, Since: time.Now().Add(-time.Hour),
			Models: map[string]backend.ModelSettings{"product": {ExportInterval: time.Minute}, "variation": {ExportInterval: time.Minute}}}
		run := newSpeedRun(b, openerptest.Options{}, shop, nil)
		attrs := run.erp.Seed("attribute.attribute",
			map[string]any{"name": "x_color", "attribute_type": "char", "translate": true},
			map[string]any{"name": "x_watts", "attribute_type": "integer"})
		set := run.erp.Seed("attribute.set", map[string]any{"name": "Lamps", "attribute_ids": []any{openerp.CmdReplace(attrs...)}})[0]
		translate := func(model string, id int64, lang string, vals openerp.Values) {
			if err := run.oc.Write(run.ctx, model, []int64{id}, vals, openerp.Context{"lang": lang}); err != nil {
				b.Fatal(err)
			}
		}
		for i := range templates {
			tmpl := run.erp.Seed("product.template", map[string]any{"name": fmt.Sprint("Lamp ", i), "attribute_set_id": set, "x_color": "red", "x_watts": int64(i)})[0]
			for _, lang := range langs[:3] {
				translate("product.template", tmpl, lang, openerp.Values{"name": fmt.Sprint(lang, " lamp ", i), "x_color": lang + " red"})
			}
			for v := range variants {
				variant := run.erp.Seed("product.product", map[string]any{"name": fmt.Sprint("Lamp ", i), "product_tmpl_id": tmpl, "default_code": fmt.Sprintf("LAMP-%d-%d", i, v)})[0]
				for _, lang := range langs[:3] {
					translate("product.product", variant, lang, openerp.Values{"name": fmt.Sprint(lang, " lamp ", i, "/", v)})
				}
			}
		}

		before := run.floor(4000)
		wall, calls := run.timed(func() {
			for _, model := range []string{"product", "variation"} {
				if _, _, err := run.flows.Pollers[model].Run(run.ctx); err != nil {
					b.Fatal(err)
				}
			}
			run.idle()
		})
		if got := run.qoqa.Count("product"); got != templates {
			b.Fatalf("%d products on QoQa of %d", got, templates)
		}
		if got := run.qoqa.Count("variation"); got != templates*variants {
			b.Fatalf("%d variations on QoQa of %d", got, templates*variants)
		}

		records := templates * (1 + variants)
		minQoQa := 2 * records
		once := 2 + 2 + 2
		minERP := records*len(langs) + templates + 2*3 + once
		rep.floor += (before + run.floor(4000)) / 2
		rep.add(records, minERP, minQoQa, wall, calls)

		again := run.counts()
		for _, model := range []string{"product", "variation"} {
			if _, _, err := run.flows.Pollers[model].Run(run.ctx); err != nil {
				b.Fatal(err)
			}
		}
		run.idle()
		d := run.counts().since(again)
		rep.rerunERP += total(d.erp)
		rep.rerunQQ += total(d.qoqa)
	}
	rep.report(b)
}

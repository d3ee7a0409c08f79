package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/internal/demo"
	"github.com/qoqasync/qoqasync/internal/pgtest"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// The multi-process and crash tests run the runner as a child process: the
// test binary itself, re-executed with childArgsEnv set, so that nothing is
// built apart and the child runs under -race too.
const childArgsEnv = "SYNCD_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if raw := os.Getenv(childArgsEnv); raw != "" {
		var args []string
		if err := json.Unmarshal([]byte(raw), &args); err != nil {
			fmt.Fprintln(os.Stderr, "syncd test child:", err)
			os.Exit(2)
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, args, os.Getenv, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// syncBuffer is a bytes.Buffer that a child's output is copied into while
// the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// child is one runner process.
type child struct {
	name        string
	cmd         *exec.Cmd
	out, errOut *syncBuffer
	done        chan struct{}
	code        int
}

// startChild starts the runner with args and the secrets in env.
func startChild(t *testing.T, name string, args []string, env map[string]string) *child {
	t.Helper()
	raw, err := json.Marshal(args)
	require.NoError(t, err)
	c := &child{name: name, out: &syncBuffer{}, errOut: &syncBuffer{}, done: make(chan struct{})}
	c.cmd = exec.Command(os.Args[0])
	c.cmd.Env = append(os.Environ(), childArgsEnv+"="+string(raw))
	for k, v := range env {
		c.cmd.Env = append(c.cmd.Env, k+"="+v)
	}
	c.cmd.Stdout, c.cmd.Stderr = c.out, c.errOut
	require.NoError(t, c.cmd.Start())
	go func() {
		err := c.cmd.Wait()
		c.code = c.cmd.ProcessState.ExitCode()
		if err != nil && c.code == 0 {
			c.code = -1
		}
		close(c.done)
	}()
	t.Cleanup(func() {
		c.kill()
		<-c.done
		if t.Failed() {
			t.Logf("%s stdout:\n%s\n%s stderr (tail):\n%s", c.name, c.out, c.name, tail(c.errOut.String(), 40))
		}
	})
	return c
}

// kill sends SIGKILL: the process stops where it is, its jobs running.
func (c *child) kill() {
	select {
	case <-c.done:
	default:
		_ = c.cmd.Process.Signal(syscall.SIGKILL)
	}
}

// exited reports whether the process ended.
func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// wait waits for the process to end, at most d, and returns its status.
func (c *child) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-c.done:
		return c.code
	case <-time.After(d):
		t.Fatalf("%s did not end within %s; stderr (tail):\n%s", c.name, d, tail(c.errOut.String(), 40))
		return -1
	}
}

// jobsDoneRE reads progress's log line in a child's log.
var jobsDoneRE = regexp.MustCompile(`msg="jobs done by this process" jobs=(\d+)`)

// jobsDone is the last count of jobs the child said it finished.
func (c *child) jobsDone() int {
	m := jobsDoneRE.FindAllStringSubmatch(c.errOut.String(), -1)
	if len(m) == 0 {
		return 0
	}
	n, _ := strconv.Atoi(m[len(m)-1][1])
	return n
}

func tail(s string, lines int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > lines {
		l = l[len(l)-lines:]
	}
	return strings.Join(l, "\n")
}

// waitFor waits until cond holds, at most d, checking every few
// milliseconds; it fails the test with what when the time is up or when
// one of the children ended before.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool, children ...*child) {
	t.Helper()
	deadline := time.Now().Add(d)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		for _, c := range children {
			if c.exited() {
				t.Fatalf("waiting for %s: %s ended with %d first; stderr (tail):\n%s", what, c.name, c.code, tail(c.errOut.String(), 40))
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: not within %s", what, d)
		}
		<-tick.C
	}
}

// riverArgs are the settings of a runner on River in store, run once, whose
// jobs a dead process left running are taken again after 10 s: short for
// the test, long enough that no job of a loaded -race machine outlasts it
// (RescueAfter is also each job's timeout).
func riverArgs(args []string, store string) []string {
	return append(slicesClone(args), "-queue", "river", "-store", store, "-rescue-after", "10s", "-once")
}

// canonical is the state of both fakes, comparable across runs: per QoQa
// endpoint ("qoqa/order") and OpenERP model ("openerp/sale.order"), the
// sorted list of its records, each without its ID and timestamps, with
// every reference replaced by the referenced record (itself without its
// references), and OpenERP's translatable fields in each language. A record
// lost is missing from its list; a record made twice is in it twice.
type canonical map[string][]string

// erpLanguages are the languages the runner syncs, whose translations the
// dump holds.
var erpLanguages = []string{"fr_FR", "de_DE", "it_IT", "en_US"}

// generated are the fields a server fills on its own, which differ from
// run to run.
var generated = map[string]bool{
	"id": true, "created_at": true, "updated_at": true,
	"create_date": true, "write_date": true, "__last_update": true,
}

// dumpFakes dumps both fakes.
func dumpFakes(q *qoqatest.Server, o *openerptest.Server) canonical {
	out := canonical{}
	dumpQoQa(q, out)
	dumpOpenERP(o, out)
	for _, recs := range out {
		sort.Strings(recs)
	}
	return out
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// dumpQoQa adds QoQa's records to out. QoQa's references are the fields
// named <endpoint>_id or <endpoint>_ids (billing_address_id names an
// address), at any depth.
func dumpQoQa(q *qoqatest.Server, out canonical) {
	endpoints := q.Endpoints()
	target := func(key string) (string, bool) {
		base, ok := strings.CutSuffix(key, "_ids")
		if !ok {
			if base, ok = strings.CutSuffix(key, "_id"); !ok {
				return "", false
			}
		}
		for _, e := range endpoints {
			if base == e || strings.HasSuffix(base, "_"+e) {
				return e, true
			}
		}
		return "", false
	}
	flat := map[string]string{}
	// walk copies v without the generated fields, references resolved by
	// resolve (nil: left out).
	var walk func(v any, resolve func(endpoint string, id any) any) any
	walk = func(v any, resolve func(string, any) any) any {
		switch v := v.(type) {
		case map[string]any:
			m := make(map[string]any, len(v))
			for k, x := range v {
				if generated[k] {
					continue
				}
				if e, ok := target(k); ok {
					if resolve == nil {
						continue
					}
					if list, ok := x.([]any); ok {
						refs := make([]string, 0, len(list))
						for _, id := range list {
							refs = append(refs, fmt.Sprint(resolve(e, id)))
						}
						sort.Strings(refs)
						m[k] = refs
					} else {
						m[k] = resolve(e, x)
					}
					continue
				}
				m[k] = walk(x, resolve)
			}
			return m
		case []any:
			l := make([]any, len(v))
			for i, x := range v {
				l[i] = walk(x, resolve)
			}
			return l
		}
		return v
	}
	flatOf := func(e string, id any) any {
		n, err := strconv.ParseFloat(fmt.Sprint(id), 64)
		if err != nil || n == 0 {
			return id
		}
		key := fmt.Sprintf("%s/%d", e, int64(n))
		if s, ok := flat[key]; ok {
			return s
		}
		r, ok := q.Record(e, qoqa.ID(int64(n)))
		if !ok {
			return "missing " + key
		}
		s := mustJSON(walk(r, nil))
		flat[key] = s
		return s
	}
	for _, e := range endpoints {
		for _, id := range q.IDs(e) {
			r, _ := q.Record(e, id)
			out["qoqa/"+e] = append(out["qoqa/"+e], mustJSON(walk(r, flatOf)))
		}
	}
}

// dumpOpenERP adds OpenERP's records to out; its references are the
// fields of a relational type.
func dumpOpenERP(o *openerptest.Server, out canonical) {
	flat := map[string]string{}
	record := func(model string, id int64, resolve func(model string, id int64) string) map[string]any {
		fields := o.Fields(model)
		rec := map[string]any{}
		for _, lang := range append([]string{""}, erpLanguages...) {
			r, ok := o.Get(model, id, lang)
			if !ok {
				return nil
			}
			for name, fl := range fields {
				if generated[name] || (lang != "" && !fl.Translate) {
					continue
				}
				key := name
				if lang != "" {
					key = name + "@" + lang
				}
				v := r[name]
				if fl.Relation == "" {
					rec[key] = v
					continue
				}
				if resolve == nil {
					continue
				}
				switch v := v.(type) {
				case []any:
					if fl.Type == "many2one" {
						rid, _ := v[0].(int64)
						rec[key] = resolve(fl.Relation, rid)
						continue
					}
					refs := make([]string, 0, len(v))
					for _, x := range v {
						rid, _ := x.(int64)
						refs = append(refs, resolve(fl.Relation, rid))
					}
					sort.Strings(refs)
					rec[key] = refs
				default:
					rec[key] = v
				}
			}
		}
		return rec
	}
	var flatOf func(model string, id int64) string
	flatOf = func(model string, id int64) string {
		key := fmt.Sprintf("%s/%d", model, id)
		if s, ok := flat[key]; ok {
			return s
		}
		s := mustJSON(record(model, id, nil))
		flat[key] = s
		return s
	}
	for _, m := range o.Models() {
		for _, id := range o.IDs(m) {
			out["openerp/"+m] = append(out["openerp/"+m], mustJSON(record(m, id, flatOf)))
		}
	}
}

// diffCanonical says how got differs from want: per model, the records
// missing and the records too many (a duplicate is one too many), a few of
// each.
func diffCanonical(want, got canonical) string {
	var b strings.Builder
	models := map[string]bool{}
	for m := range want {
		models[m] = true
	}
	for m := range got {
		models[m] = true
	}
	names := make([]string, 0, len(models))
	for m := range models {
		names = append(names, m)
	}
	sort.Strings(names)
	for _, m := range names {
		count := map[string]int{}
		for _, r := range want[m] {
			count[r]++
		}
		for _, r := range got[m] {
			count[r]--
		}
		var missing, extra []string
		for r, n := range count {
			for ; n > 0; n-- {
				missing = append(missing, r)
			}
			for ; n < 0; n++ {
				extra = append(extra, r)
			}
		}
		if len(missing)+len(extra) == 0 {
			continue
		}
		sort.Strings(missing)
		sort.Strings(extra)
		fmt.Fprintf(&b, "%s: %d records, want %d; %d missing, %d too many\n", m, len(got[m]), len(want[m]), len(missing), len(extra))
		for _, r := range missing[:min(3, len(missing))] {
			fmt.Fprintf(&b, "  missing:  %.600s\n", r)
		}
		for _, r := range extra[:min(3, len(extra))] {
			fmt.Fprintf(&b, "  too many: %.600s\n", r)
		}
	}
	return b.String()
}

// referenceDump runs the runner once, in this process, without a kill, on
// fakes seeded as sandbox seeds them, and dumps them: the state a run with
// kills must end in.
func referenceDump(t *testing.T, size demo.Size) canonical {
	t.Helper()
	q, o, args, env := sandbox(t, size)
	code, out, errOut := runOnce(t, append(args, "-once"), env)
	require.Equal(t, 0, code, "the reference run:\nstdout:\n%s\nstderr:\n%s", out, tail(errOut, 40))
	return dumpFakes(q, o)
}

// crashSize is the data of the crash tests: enough jobs that a kill lands
// in the middle of the work, few enough for a short test.
var crashSize = demo.Size{Users: 30, Orders: 50, Products: 4, Offers: 2, Vouchers: 4}

// objectCalls is how many XML-RPC object calls OpenERP served: the work's
// progress, read by the test to kill a runner in the middle of it.
func objectCalls(o *openerptest.Server) int { return o.Requests("/xmlrpc/object") }

// One runner on a SQLite file is SIGKILLed in the middle of its run, its
// jobs running, and started again on the same file (reopened after the
// crash): the run completes, and both sides end as after a run without the
// kill: every record once, none lost.
func TestSQLiteRunnerKilledAndRestartedCompletesExactlyOnce(t *testing.T) {
	t.Parallel()
	want := referenceDump(t, crashSize)
	q, o, args, env := sandbox(t, crashSize)
	storePath := t.TempDir() + "/store.db"
	args = riverArgs(args, storePath)

	first := startChild(t, "runner", args, env)
	start := objectCalls(o)
	waitFor(t, 5*time.Minute, "the runner to have done part of the work", func() bool { return o.Count("sale.order") >= 10 }, first)
	first.kill()
	first.wait(t, 10*time.Second)
	require.Less(t, o.Count("sale.order"), int(q.Count("order")), "the kill came after the work: it proves nothing")
	t.Logf("killed after %d OpenERP calls, %d orders imported", objectCalls(o)-start, o.Count("sale.order"))

	again := startChild(t, "runner, restarted", args, env)
	require.Equal(t, 0, again.wait(t, 10*time.Minute), "stdout:\n%s", again.out)
	if d := diffCanonical(want, dumpFakes(q, o)); d != "" {
		t.Errorf("the fakes differ from a run without the kill:\n%s", d)
	}
}

// crashSeed is the seed of the kills' moments: SYNCD_CRASH_SEED repeats a
// run, a new one is drawn otherwise (and logged).
func crashSeed(t *testing.T) uint64 {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("SYNCD_CRASH_SEED"); s != "" {
		var err error
		seed, err = strconv.ParseUint(s, 10, 64)
		require.NoError(t, err)
	}
	t.Logf("SYNCD_CRASH_SEED=%d", seed)
	return seed
}

// The runner on its durable queue (River in a SQLite file) is killed with
// SIGKILL ten times, each at a random moment of its work (after a random
// number of OpenERP calls: in a create, between a create and its binding,
// in a search, in a write of the file), and started again each time; the
// last start runs to its end. Both fakes then hold exactly what a run
// without kills leaves, and no job failed.
func TestRunnerKilledTenTimesEndsAsARunWithoutKills(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(crashSeed(t), 15))
	want := referenceDump(t, crashSize)
	q, o, args, env := sandbox(t, crashSize)
	args = riverArgs(args, t.TempDir()+"/store.db")

	for i := range 10 {
		c := startChild(t, fmt.Sprintf("runner %d", i+1), args, env)
		calls := objectCalls(o) + 1 + rng.IntN(80)
		waitFor(t, 5*time.Minute, fmt.Sprintf("OpenERP call %d, the moment of kill %d", calls, i+1),
			func() bool { return objectCalls(o) >= calls }, c)
		c.kill()
		c.wait(t, 10*time.Second)
	}
	require.Less(t, o.Count("sale.order"), len(importable(q)), "the kills came after the work: they prove nothing")

	last := startChild(t, "runner, last start", args, env)
	require.Equal(t, 0, last.wait(t, 10*time.Minute), "a job failed or the run did not complete; stdout:\n%s", last.out)
	assert.NotContains(t, last.out.String(), "failed:")
	if d := diffCanonical(want, dumpFakes(q, o)); d != "" {
		t.Errorf("the fakes differ from a run without kills:\n%s", d)
	}
}

// importable are the origins of the sale orders that QoQa's orders make:
// all but the cancelled ones.
func importable(q *qoqatest.Server) map[string]bool {
	out := map[string]bool{}
	for _, id := range q.IDs("order") {
		r, _ := q.Record("order", id)
		if r["status"] != qoqa.OrderCancelled {
			out[fmt.Sprintf("order/%d", id)] = true
		}
	}
	return out
}

// countBy counts the records of an OpenERP model by the value of field.
func countBy(o *openerptest.Server, model, field string) map[string]int {
	out := map[string]int{}
	for _, id := range o.IDs(model) {
		r, _ := o.Get(model, id, "")
		out[fmt.Sprint(r[field])]++
	}
	return out
}

// Three runners on one PostgreSQL schema import 2,000 orders whose
// customers are shared, at once; one of them is SIGKILLed once it has done
// some of the work. The two others finish its jobs (River's leader rescues
// them): every order is imported once, no partner twice, and each of the
// three did part of the work.
func TestThreeRunnersOnPostgresShareTheWorkAndSurviveAKill(t *testing.T) {
	t.Parallel()
	dsn := pgtest.Schema(t)
	q, o, args, env := sandbox(t, demo.Size{Users: 300, Orders: 2000, Products: 3, Offers: 2, Vouchers: 2})
	args = riverArgs(args, dsn)
	want := importable(q)

	var runners []*child
	for i := range 3 {
		runners = append(runners, startChild(t, fmt.Sprintf("runner %d", i+1), args, env))
	}
	victim := runners[1]
	waitFor(t, 5*time.Minute, "runner 2 to have done jobs", func() bool { return victim.jobsDone() >= logEvery }, runners...)
	victim.kill()
	victim.wait(t, 10*time.Second)
	imported := o.Count("sale.order")
	require.Less(t, imported, len(want), "the kill came after the work: it proves nothing")
	t.Logf("runner 2 killed after %d jobs, %d of %d orders imported", victim.jobsDone(), imported, len(want))

	for _, r := range []*child{runners[0], runners[2]} {
		require.Equal(t, 0, r.wait(t, 10*time.Minute), "%s: a job failed or the run did not complete; stdout:\n%s", r.name, r.out)
		assert.NotContains(t, r.out.String(), "failed:", r.name)
	}
	for _, r := range runners {
		assert.GreaterOrEqual(t, r.jobsDone(), logEvery, "%s did no share of the work", r.name)
	}

	origins := countBy(o, "sale.order", "origin")
	for origin, n := range origins {
		assert.True(t, want[origin], "an order that should not be: %s", origin)
		assert.Equal(t, 1, n, "order %s imported %d times", origin, n)
	}
	for origin := range want {
		assert.Contains(t, origins, origin, "order lost")
	}
	for ref, n := range countBy(o, "res.partner", "ref") {
		if ref == "false" {
			continue // the database's own partners, not the sync's
		}
		assert.Equal(t, 1, n, "partner %s created %d times", ref, n)
	}
	assertRiverIn(t, dsn)
}

// assertRiverIn checks that River's jobs were kept in the schema that the
// URL's search_path names, the test's own, where the runners found them.
func assertRiverIn(t *testing.T, dsn string) {
	t.Helper()
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	schema := u.Query().Get("search_path")
	require.NotEmpty(t, schema)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var jobs int
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{schema, "river_job"}.Sanitize()).Scan(&jobs))
	assert.Positive(t, jobs, "River's jobs are in the schema of search_path")
}

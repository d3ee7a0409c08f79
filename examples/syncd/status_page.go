package main

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/connector"
)

// statusPage is the operator's page on the status server, rendered on the
// server (no build step, no script): per model, the last import search and
// export poll, the watermarks and the jobs by state; the failed jobs with
// their errors and a button to re-run each; the last audit's findings and a
// button to run one.
type statusPage struct {
	q     connector.Queue
	sched *connector.Scheduler
	marks connector.WatermarkStore
	// tally counts the jobs done, which a queue need not keep.
	tally *connector.Tally
	// models are the backend's models, sorted.
	models []string
	// audit runs an audit for the button.
	audit func(ctx context.Context) (*connector.AuditReport, error)

	mu sync.Mutex
	// rerun are the jobs re-run from the page, newest last, so that the
	// operator sees each end: a queue may forget a job once done.
	rerun     []int64
	lastAudit *connector.AuditReport
	auditedAt time.Time
	auditErr  error
}

// newStatusPage is the page of r's backend, whose searches sched runs.
func (r *runner) newStatusPage(sched *connector.Scheduler) *statusPage {
	seen := map[string]bool{}
	for m := range r.flows.Imports {
		seen[m] = true
	}
	for m := range r.flows.Exports {
		seen[m] = true
	}
	p := &statusPage{q: r.st.Queue, sched: sched, marks: r.st.Store, tally: r.tally, models: sortedKeys(seen)}
	p.audit = func(ctx context.Context) (*connector.AuditReport, error) {
		return backend.Audit(ctx, r.flows.Backend, r.reg, backend.Env{Binder: r.st.Store, Watermarks: r.st.Store, Logger: r.logger},
			backend.AuditOptions{From: r.cfg.AuditFrom, To: r.cfg.AuditTo})
	}
	return p
}

// handler serves the page under /status, beside next (the status server's
// JSON endpoints).
func (p *statusPage) handler(next http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", next)
	mux.HandleFunc("GET /status", p.serve)
	mux.HandleFunc("POST /status/jobs/{id}/retry", func(w http.ResponseWriter, r *http.Request) {
		job, ok := retryJob(w, r, p.q)
		if !ok {
			return
		}
		p.mu.Lock()
		p.rerun = append(p.rerun, job.ID)
		if len(p.rerun) > 20 {
			p.rerun = p.rerun[1:]
		}
		p.mu.Unlock()
		http.Redirect(w, r, "/status", http.StatusSeeOther)
	})
	mux.HandleFunc("POST /status/audit", func(w http.ResponseWriter, r *http.Request) {
		if !sameOrigin(r) {
			http.Error(w, "cross-origin request refused", http.StatusForbidden)
			return
		}
		report, err := p.audit(r.Context())
		p.mu.Lock()
		p.lastAudit, p.auditErr, p.auditedAt = report, err, time.Now().UTC()
		p.mu.Unlock()
		http.Redirect(w, r, "/status", http.StatusSeeOther)
	})
	return mux
}

// modelRow is one model's line on the page.
type modelRow struct {
	Model                  string
	LastImport, LastExport string
	ImportMark, ExportMark string
	Pending, Running, Done int
	Failed, Cancelled      int
}

// rerunJob is a job re-run from the page, and where it stands.
type rerunJob struct {
	ID    int64
	State string
	Error string
}

// pageData is what the template renders.
type pageData struct {
	Now       string
	Rerun     []rerunJob
	Models    []modelRow
	Failed    []connector.Job
	Audit     *connector.AuditReport
	AuditedAt string
	AuditErr  string
}

func (p *statusPage) serve(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	jobs, err := p.q.List(ctx, connector.ListFilter{})
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	tasks := map[string]connector.TaskStatus{}
	if p.sched != nil {
		for _, t := range p.sched.Status() {
			tasks[t.Name] = t
		}
	}
	data := pageData{Now: time.Now().UTC().Format(time.DateTime)}
	doneBy := map[string]int{}
	for k, c := range p.tally.Counts() {
		doneBy[k.Model] += c.Created + c.Updated + c.Deleted + c.Skipped
	}
	for _, m := range p.models {
		row := modelRow{Model: m, LastImport: lastRun(tasks, "import "+m), LastExport: lastRun(tasks, "export "+m)}
		row.ImportMark = p.mark(ctx, connector.KindImport, m)
		row.ExportMark = p.mark(ctx, connector.KindExport, m)
		for _, j := range jobs {
			if j.Model != m {
				continue
			}
			switch j.State {
			case connector.StatePending:
				row.Pending++
			case connector.StateRunning:
				row.Running++
			case connector.StateFailed:
				row.Failed++
			case connector.StateCancelled:
				row.Cancelled++
			}
		}
		row.Done = doneBy[m]
		data.Models = append(data.Models, row)
	}
	for _, j := range jobs {
		if j.State == connector.StateFailed {
			data.Failed = append(data.Failed, j)
		}
	}
	slices.SortFunc(data.Failed, func(a, b connector.Job) int { return int(a.ID - b.ID) })
	p.mu.Lock()
	rerun := slices.Clone(p.rerun)
	p.mu.Unlock()
	for _, id := range slices.Backward(rerun) {
		j, err := p.q.Job(ctx, id)
		switch {
		case errors.Is(err, connector.ErrJobNotFound):
			data.Rerun = append(data.Rerun, rerunJob{ID: id, State: string(connector.StateDone)})
		case err != nil:
			data.Rerun = append(data.Rerun, rerunJob{ID: id, State: "unknown", Error: err.Error()})
		default:
			data.Rerun = append(data.Rerun, rerunJob{ID: id, State: string(j.State), Error: j.LastError})
		}
	}
	p.mu.Lock()
	data.Audit = p.lastAudit
	if !p.auditedAt.IsZero() {
		data.AuditedAt = p.auditedAt.Format(time.DateTime)
	}
	if p.auditErr != nil {
		data.AuditErr = p.auditErr.Error()
	}
	p.mu.Unlock()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pageTemplate.Execute(w, data); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

func (p *statusPage) mark(ctx context.Context, kind connector.Kind, model string) string {
	t, ok, err := p.marks.Watermark(ctx, connector.WatermarkName(kind, model))
	switch {
	case err != nil:
		return "unreadable"
	case !ok:
		return "-"
	}
	return t.UTC().Format(time.DateTime)
}

// lastRun says when a scheduled task last ended, and how.
func lastRun(tasks map[string]connector.TaskStatus, name string) string {
	t, ok := tasks[name]
	switch {
	case !ok:
		return "-"
	case t.Running:
		return "running"
	case t.LastEnd.IsZero():
		return "not yet"
	case t.LastErr != nil:
		return t.LastEnd.UTC().Format(time.DateTime) + " (failed: " + oneLine(t.LastErr.Error()) + ")"
	}
	return t.LastEnd.UTC().Format(time.DateTime)
}

var pageTemplate = template.Must(template.New("status").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>qoqasync status</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin-bottom:2em}
th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f4f4f4} td.n{text-align:right} .err{color:#a00;max-width:50em}
</style></head><body>
<h1>qoqasync status</h1>
<p>as of {{.Now}} UTC</p>
<h2>Models</h2>
<table id="models"><tr><th>model</th><th>last import search</th><th>import watermark</th><th>last export poll</th><th>export watermark</th>
<th>pending</th><th>running</th><th>done</th><th>failed</th><th>cancelled</th></tr>
{{range .Models}}<tr><td>{{.Model}}</td><td>{{.LastImport}}</td><td>{{.ImportMark}}</td><td>{{.LastExport}}</td><td>{{.ExportMark}}</td>
<td class="n">{{.Pending}}</td><td class="n">{{.Running}}</td><td class="n">{{.Done}}</td><td class="n">{{.Failed}}</td><td class="n">{{.Cancelled}}</td></tr>
{{end}}</table>
<h2>Failed jobs</h2>
{{if .Failed}}<table id="failed"><tr><th>job</th><th>kind</th><th>model</th><th>record</th><th>attempts</th><th>error</th><th></th></tr>
{{range .Failed}}<tr id="job-{{.ID}}"><td>{{.ID}}</td><td>{{.Kind}}</td><td>{{.Model}}</td><td>{{.RecordID}}</td><td class="n">{{.Attempt}}</td><td class="err">{{.LastError}}</td>
<td><form method="post" action="/status/jobs/{{.ID}}/retry"><button type="submit" id="retry-{{.ID}}">Re-run</button></form></td></tr>
{{end}}</table>{{else}}<p id="no-failed">No failed job.</p>{{end}}
{{if .Rerun}}<h2>Re-run jobs</h2>
<table id="rerun"><tr><th>job</th><th>state</th><th>error</th></tr>
{{range .Rerun}}<tr><td>{{.ID}}</td><td id="rerun-{{.ID}}">{{.State}}</td><td class="err">{{.Error}}</td></tr>
{{end}}</table>{{end}}
<h2>Last audit</h2>
<form method="post" action="/status/audit"><button type="submit" id="audit">Run an audit</button></form>
{{if .AuditErr}}<p class="err">The audit failed: {{.AuditErr}}</p>{{end}}
{{with .Audit}}<p>Audited {{$.AuditedAt}} UTC: {{if .Drifted}}{{len .Findings}} record pairs out of sync.{{else}}in sync, no drift found.{{end}}</p>
{{if .Findings}}<table id="findings"><tr><th>kind</th><th>model</th><th>remote</th><th>local</th><th>fields</th></tr>
{{range .Findings}}<tr><td>{{.Kind}}</td><td>{{.Model}}</td><td>{{.RemoteID}}</td><td>{{.LocalID}}</td>
<td>{{range .Changes}}{{.Field}}: {{printf "%v" .Old}} → {{printf "%v" .New}}<br>{{end}}{{.Reason}}</td></tr>
{{end}}</table>{{end}}{{else}}<p>No audit run since the start.</p>{{end}}
</body></html>
`))

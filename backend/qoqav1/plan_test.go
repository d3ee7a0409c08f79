package qoqav1_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/backend/qoqav1"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/internal/demo"
	"github.com/qoqasync/qoqasync/openerp"
)

var planSize = demo.Size{Users: 8, Orders: 10, Products: 3, Offers: 2, Vouchers: 3}

// scheduled searches and polls every model at its default interval, as
// the runner does.
func scheduled(b *backend.Backend) {
	qoqav1.UseDefaultImportIntervals(b)
	qoqav1.ApplyExportDefaults(b)
}

// plan runs the dry run of w's backend on its store.
func (w *world) plan() *connector.Plan {
	w.t.Helper()
	reg := backend.NewRegistry()
	require.NoError(w.t, qoqav1.Register(reg, w.shop, qoqav1.Systems{QoQa: w.qc, OpenERP: w.oc}))
	p, err := backend.Plan(w.ctx, w.shop, reg, backend.Env{Binder: w.store, Watermarks: w.store, Logger: quiet})
	require.NoError(w.t, err)
	return p
}

// run is a run as the runner makes it: the import searches, their jobs,
// then the export polls and theirs.
func (w *world) run() {
	w.t.Helper()
	for model, s := range w.flows.Searches {
		_, err := s.Run(w.ctx)
		require.NoError(w.t, err, "import search %s", model)
	}
	require.Empty(w.t, w.idle())
	for model, p := range w.flows.Pollers {
		_, _, err := p.Run(w.ctx)
		require.NoError(w.t, err, "export poll %s", model)
	}
	require.Empty(w.t, w.idle())
}

// The OpenERP model and the QoQa endpoint each model writes to.
var (
	planLocal  = map[string]string{"user": "res.partner", "customer": "res.partner", "address": "res.partner", "order": "sale.order", "voucher": "qoqa.voucher", "shop": "sale.shop", "deal": "qoqa.deal", "offer": "qoqa.offer", "product": "product.template", "variation": "product.product"}
	planRemote = map[string]string{"product": "product", "variation": "variation", "offer": "offer", "voucher": "voucher"}
)

// counters are the fakes' write counters, by OpenERP model and method and
// by QoQa endpoint and method.
type counters map[string]int

func (w *world) counters() counters {
	c := counters{}
	for _, m := range planLocal {
		for _, method := range []string{"create", "write", "unlink"} {
			c["local "+m+" "+method] = w.erp.Calls(m, method)
		}
	}
	for _, e := range planRemote {
		for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
			c["remote "+e+" "+method] = w.qoqa.Calls(e, method)
		}
	}
	return c
}

// predicted is what p says the fakes' counters move by: creates and deletes
// on both sides, updates on QoQa (one PUT each; an OpenERP update writes
// once per language, and is checked by its values instead).
func predicted(p *connector.Plan) counters {
	c := counters{}
	for _, e := range p.Writes() {
		switch {
		case e.Side == connector.SideLocal && e.Action == connector.PlanCreate:
			c["local "+planLocal[e.Model]+" create"]++
		case e.Side == connector.SideLocal && e.Action == connector.PlanDelete:
			c["local "+planLocal[e.Model]+" unlink"]++
		case e.Side == connector.SideRemote && e.Action == connector.PlanCreate:
			c["remote "+planRemote[e.Model]+" POST"]++
		case e.Side == connector.SideRemote && (e.Action == connector.PlanUpdate || e.Action == connector.PlanArchive):
			c["remote "+planRemote[e.Model]+" PUT"]++
		case e.Side == connector.SideRemote && e.Action == connector.PlanDelete:
			c["remote "+planRemote[e.Model]+" DELETE"]++
		}
	}
	return c
}

// moved is what changed from before to after, but OpenERP's writes.
func moved(before, after counters) counters {
	c := counters{}
	for k, v := range after {
		if d := v - before[k]; d != 0 && !strings.HasSuffix(k, " write") {
			c[k] = d
		}
	}
	return c
}

// checkPlan makes the plan, checks it wrote nothing, runs for real and
// checks that the run did what the plan said: the same creates, updates and
// deletes, each local update leaving the values the plan showed.
func (w *world) checkPlan() *connector.Plan {
	w.t.Helper()
	before := w.counters()
	bindings := w.bindings()
	p := w.plan()
	require.Equal(w.t, before, w.counters(), "the plan wrote to a system")
	require.Equal(w.t, bindings, w.bindings(), "the plan wrote to the store")
	for _, e := range p.Writes() {
		require.NotEqual(w.t, connector.PlanFail, e.Action, "%+v", e)
	}

	w.run()
	assert.Equal(w.t, predicted(p), moved(before, w.counters()))
	for _, e := range p.Writes() {
		if e.Side != connector.SideLocal || e.Action != connector.PlanUpdate {
			continue
		}
		id, err := strconv.ParseInt(e.ID, 10, 64)
		require.NoError(w.t, err)
		got, ok := w.erp.Get(planLocal[e.Model], id, "fr_FR")
		require.True(w.t, ok)
		want := map[string]any{}
		for _, c := range e.Changes {
			if _, translated := c.New.(connector.Translations); !translated {
				want[c.Field] = c.New
			}
		}
		assert.Empty(w.t, connector.FieldChanges(got, want), "%s %s after the run", e.Model, e.ID)
	}
	return p
}

// bindings are every binding of the store, by model.
func (w *world) bindings() map[string][]connector.Binding {
	out := map[string][]connector.Binding{}
	for m := range planLocal {
		list, err := w.store.List(w.ctx, m, "", 0)
		require.NoError(w.t, err)
		out[m] = list
	}
	return out
}

// A plan after seeding predicts what the following run does, writing
// nothing; so does a plan after edits on both sides and a deletion; and
// the plan after a run has nothing to do, in one line.
func TestPlanPredictsTheRun(t *testing.T) {
	t.Parallel()
	w := newWorld(t, scheduled)
	demo.Seed(w.qoqa, w.erp, planSize, 3)
	first := w.checkPlan()
	assert.Positive(t, first.Count(connector.PlanCreate, "", connector.SideLocal))
	assert.Positive(t, first.Count(connector.PlanCreate, "", connector.SideRemote))

	p := w.plan()
	require.True(t, p.NothingToDo(), "%+v", p.Writes())
	var text strings.Builder
	require.NoError(t, p.WriteText(&text))
	assert.Equal(t, 1, strings.Count(text.String(), "\n"), text.String())
	assert.Contains(t, text.String(), "nothing to do")

	// A user's email changed on QoQa, a product's description in OpenERP,
	// an offer deleted in OpenERP.
	w.qoqa.Touch("user", 1, map[string]any{"email": "renamed@example.ch"})
	product := w.bindings()["product"][0]
	offer := w.bindings()["offer"][0]
	require.NoError(t, w.oc.Write(w.ctx, "product.template", []int64{localNum(t, product.LocalID)}, openerp.Values{"description_sale": "Now with a new description"}, nil))
	require.NoError(t, w.oc.Unlink(w.ctx, "qoqa.offer", []int64{localNum(t, offer.LocalID)}))
	edited := w.checkPlan()
	text.Reset()
	require.NoError(t, edited.WriteText(&text))
	t.Log(text.String())
	assert.Equal(t, 1, edited.Count(connector.PlanUpdate, "user", connector.SideLocal), "%+v", edited.Writes())
	assert.Equal(t, 1, edited.Count(connector.PlanUpdate, "product", connector.SideRemote), "%+v", edited.Writes())
	assert.Equal(t, 1, edited.Count(connector.PlanDelete, "offer", connector.SideRemote), "%+v", edited.Writes())
	for _, e := range edited.Writes() {
		if e.Model == "user" {
			assert.Equal(t, []connector.FieldChange{{Field: "email", Old: "user0@example.ch", New: "renamed@example.ch"}}, e.Changes)
		}
	}
	assert.True(t, w.plan().NothingToDo())
}

// localNum is a record ID as a number, for the fakes' helpers.
func localNum(t *testing.T, id string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(id, 10, 64)
	require.NoError(t, err)
	return n
}

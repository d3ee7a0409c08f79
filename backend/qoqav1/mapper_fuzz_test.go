package qoqav1

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// mapperSeeds are records of both systems as their adapters hand them to
// the mappers, and values at the edges of what the mappers read.
var mapperSeeds = []string{
	`{"id":1,"shop_id":1,"deal_id":1,"offer_id":1,"user_id":1,"customer_id":1,"billing_address_id":1,"shipping_address_id":1,
	  "status":"paid","currency":"CHF","total":2950,"created_at":"2013-10-11T17:34:41+0200",
	  "items":[{"id":1,"type":"product","variation_id":1,"offer_id":1,"quantity":1,"unit_price":2950},{"id":2,"type":"shipping","quantity":1,"unit_price":"900"}]}`,
	`{"id":"2","email":"a@example.com","pseudo":"a","language_id":2,"customer_id":"1","is_active":true,"firstname":"A","lastname":"B",
	  "kind":"billing","street":"Rue 1","zip":"1000","city":"Lausanne","country":"CH","address_ids":[1,"2"]}`,
	`{"id":3,"product_id":1,"sku":"SKU","ean":"761","is_active":false,"attributes":{"color":"red"},
	  "translations":[{"language_id":1,"name":"Vin","title":"T","content":"C"},{"language_id":9},null,"x"]}`,
	`{"id":4,"code":"GIFT","amount":5000,"remaining_amount":1e300,"start_at":"0000-01-01T00:30:00+0100","stop_at":"2013-10-11","positions":[{"variation_id":1,"unit_price":-1}]}`,
	`{"id":7,"name":"Lamp","default_code":"L","ean13":false,"product_tmpl_id":[1,"Lamp"],"list_price":29.5,"categ_id":[1,"All"],
	  "attribute_set_id":false,"write_date":"2026-01-02 03:04:05","active":true,"shop_id":[1,"QoQa"],"date_begin":"2026-01-02 03:04:05",
	  "position_ids":[1,2],"partner_id":[1,"A"],"carrier_tracking_ref":"99","sale_id":[1,"SO1"],"code":"V","amount":50.0}`,
	`{"id":null,"translations":{},"items":7,"positions":"x","amount":"NaN","created_at":12}`,
}

// erpValue turns a JSON value into what OpenERP's XML-RPC answers carry:
// integers as int64, other numbers as float64, null as False.
func erpValue(v any) any {
	switch x := v.(type) {
	case nil:
		return false
	case json.Number:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = erpValue(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = erpValue(x[k])
		}
	}
	return v
}

// Every mapper of this version, imports and exports, maps any record its
// adapter may hand it without a panic and within a deadline. A field that
// does not map is a MappingError that names the model and the field.
func FuzzMappers(f *testing.F) {
	for _, s := range mapperSeeds {
		f.Add(uint8(0), []byte(s))
	}
	qs := qoqatest.New(qoqatest.Options{})
	f.Cleanup(qs.Close)
	es := openerptest.New(openerptest.Options{})
	f.Cleanup(es.Close)
	qc, err := qoqa.New(qs.Config())
	require.NoError(f, err)
	oc, err := openerp.New(es.Config())
	require.NoError(f, err)
	e := newEnv(&backend.Backend{Name: "fuzz", Version: Version, Languages: []string{"fr_FR", "de_DE"}}, Systems{QoQa: qc, OpenERP: oc})
	imports, err := importComponents(e)
	require.NoError(f, err)
	exports, err := exportComponents(e)
	require.NoError(f, err)
	type mapper struct {
		model   string
		export  bool
		m       connector.Mapper
		lookups []lookup
	}
	var mappers []mapper
	for model, c := range imports {
		if c.ImportMapper != nil {
			mappers = append(mappers, mapper{model, false, c.ImportMapper, nonNil(c.ImportDependencies)})
		}
	}
	for model, c := range exports {
		if c.ExportMapper != nil {
			mappers = append(mappers, mapper{model, true, c.ExportMapper, nonNil(c.ExportDependencies, c.ExportDependents)})
		}
	}
	// A fixed order, so that which names the same mapper in every run.
	slices.SortFunc(mappers, func(a, b mapper) int {
		return cmp.Or(cmp.Compare(a.model, b.model), cmp.Compare(strconv.FormatBool(a.export), strconv.FormatBool(b.export)))
	})
	binder := binding.NewMemory()
	for _, m := range mappers {
		for _, id := range []string{"1", "2"} {
			require.NoError(f, binder.Bind(context.Background(), connector.Binding{Model: m.model, RemoteID: id, LocalID: id}))
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		var raw map[string]any // as OpenERP's XML-RPC carries it: int64s
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if json.Unmarshal(data, &raw) != nil || raw == nil || dec.Decode(&raw) != nil {
			return
		}
		for i, m := range mappers {
			if which != 0 && int(which)%len(mappers) != i {
				continue // a non-zero which picks one mapper, for speed
			}
			var fields map[string]any
			if m.export {
				fields = erpValue(clone(raw)).(map[string]any)
			} else {
				require.NoError(t, json.Unmarshal(data, &fields)) // QoQa's adapter reads float64s
			}
			for _, l := range m.lookups {
				deps, err := l(context.Background(), connector.Record{ID: "1", Fields: fields})
				if err != nil {
					continue
				}
				for _, d := range deps {
					require.NotEmpty(t, d.Model, "a dependency of %s has no model", m.model)
					if !m.export {
						n, err := strconv.ParseInt(d.ID, 10, 64)
						require.NoError(t, err, "the %s import depends on %s %q, which is no QoQa ID", m.model, d.Model, d.ID)
						require.Equal(t, strconv.FormatInt(n, 10), d.ID, "the %s import depends on %s %q, not written as its number", m.model, d.Model, d.ID)
						require.Positive(t, n)
					} else {
						require.NotEmpty(t, strings.TrimSpace(d.ID), "the %s export depends on %s with a blank ID", m.model, d.Model)
					}
				}
			}
			for _, create := range []bool{true, false} {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				mc := &connector.MapContext{Model: m.model, Record: connector.Record{ID: "1", Fields: fields}, Create: create,
					Binder: binder, Languages: e.b.Languages}
				out, err := m.m.Map(ctx, mc)
				late := ctx.Err()
				cancel()
				require.NoError(t, late, "the %s mapper (export %v) ran past its deadline", m.model, m.export)
				var me *connector.MappingError
				if errors.As(err, &me) {
					require.NotEmpty(t, me.Model)
					require.NotEmpty(t, me.Field)
				}
				if err == nil {
					checkFinite(t, m.model, out)
				}
			}
		}
	})
}

// lookup is a hook that reads a record around its mapping: its
// dependencies, its dependents.
type lookup = func(ctx context.Context, rec connector.Record) ([]connector.Dependency, error)

// nonNil is the hooks among fs that are set.
func nonNil(fs ...lookup) []lookup {
	var out []lookup
	for _, f := range fs {
		if f != nil {
			out = append(out, f)
		}
	}
	return out
}

// checkFinite fails on a NaN or an infinity among the mapped values: no
// system stores one, and XML-RPC and JSON carry none faithfully.
func checkFinite(t *testing.T, model string, v any) {
	t.Helper()
	switch x := v.(type) {
	case float64:
		require.False(t, math.IsNaN(x) || math.IsInf(x, 0), "the %s mapper writes %v", model, x)
	case []any:
		for _, e := range x {
			checkFinite(t, model, e)
		}
	case map[string]any:
		for _, e := range x {
			checkFinite(t, model, e)
		}
	}
}

// clone copies a decoded JSON value, so that each mapper gets its own.
func clone(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = clone(x[i])
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = clone(e)
		}
		return out
	}
	return v
}

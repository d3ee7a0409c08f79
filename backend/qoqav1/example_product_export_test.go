package qoqav1_test

import (
	"context"
	"fmt"
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

// A host that exports its catalogue polls product templates and variants.
// A template reaches QoQa as a product with the attributes of its attribute
// set (a translated one in each translation) and its name in every
// language; its variant as a variation of that product, after it.
func ExampleRegister_products() {
	ctx := context.Background()
	qsrv, osrv := qoqatest.New(qoqatest.Options{}), openerptest.New(openerptest.Options{})
	defer qsrv.Close()
	defer osrv.Close()
	qc, _ := qoqa.New(qsrv.Config())
	oc, _ := openerp.New(osrv.Config())

	attrs := osrv.Seed("attribute.attribute",
		map[string]any{"name": "x_color", "attribute_type": "char", "translate": true},
		map[string]any{"name": "x_watts", "attribute_type": "integer"})
	set := osrv.Seed("attribute.set", map[string]any{"name": "Lamps", "attribute_ids": []any{openerp.CmdReplace(attrs...)}})[0]
	tmpl := osrv.Seed("product.template", map[string]any{"name": "Lampe", "attribute_set_id": set, "x_color": "rouge", "x_watts": int64(40)})[0]
	_ = oc.WriteTranslations(ctx, "product.template", []int64{tmpl}, map[string]openerp.Values{
		"fr_FR": {"name": "Lampe", "x_color": "rouge"}, "de_DE": {"name": "Leuchte", "x_color": "rot"}})
	osrv.Seed("product.product", map[string]any{"name": "Lampe", "product_tmpl_id": tmpl, "default_code": "LAMP-1"})

	shop := &backend.Backend{Name: "qoqa.ch", Version: qoqav1.Version, Languages: []string{"fr_FR", "de_DE"},
		Since: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	qoqav1.ApplyExportDefaults(shop) // poll every exported model at its default interval
	reg := backend.NewRegistry()
	if err := qoqav1.Register(reg, shop, qoqav1.Systems{QoQa: qc, OpenERP: oc}); err != nil {
		fmt.Println(err)
		return
	}
	store := binding.NewMemory()
	mux := connector.NewMux()
	queue := connector.NewLocalQueue(connector.QueueConfig{Handler: mux, Concurrency: 1})
	flows, err := backend.Build(shop, reg, backend.Env{Queue: queue, Binder: store, Watermarks: store, Mux: mux})
	if err != nil {
		fmt.Println(err)
		return
	}
	finished := make(chan connector.Job, 16)
	queue.Subscribe(func(ev connector.Event) {
		if ev.Type == connector.EventDone || ev.Type == connector.EventFailed {
			finished <- ev.Job
		}
	})
	_ = queue.Start(ctx)
	defer queue.Stop(ctx)

	jobs := 0
	for _, model := range []string{"product", "variation"} {
		exports, _, err := flows.Pollers[model].Run(ctx)
		if err != nil {
			fmt.Println(err)
			return
		}
		jobs += exports
	}
	for range jobs {
		<-finished
	}
	b, _ := store.ByLocal(ctx, "product", fmt.Sprint(tmpl))
	product, _ := qsrv.Record("product", mustID(b.RemoteID))
	fmt.Println("attributes:", product["attributes"])
	for _, tr := range product["translations"].([]any) {
		fmt.Println("translation:", tr)
	}
	variation, _ := qsrv.Record("variation", 1)
	fmt.Println("variation:", variation["sku"], "of product", variation["product_id"] == float64(product["id"].(int64)))
	// Output:
	// attributes: map[x_watts:40]
	// translation: map[attributes:map[x_color:rouge] language_id:1 name:Lampe]
	// translation: map[attributes:map[x_color:rot] language_id:2 name:Leuchte]
	// variation: LAMP-1 of product true
}

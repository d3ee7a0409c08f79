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

// A host that publishes offers polls them alone: an offer's export first
// exports the variants QoQa does not have yet (and their templates), then
// sends the offer with its shop (bound by the shop import), its dates as
// QoQa's datetimes and its positions in cents.
func ExampleRegister_offers() {
	ctx := context.Background()
	qsrv, osrv := qoqatest.New(qoqatest.Options{}), openerptest.New(openerptest.Options{})
	defer qsrv.Close()
	defer osrv.Close()
	qc, _ := qoqa.New(qsrv.Config())
	oc, _ := openerp.New(osrv.Config())

	qoqaShop := qsrv.Seed("shop", qoqa.Shop{Name: "QoQa", Currency: "CHF"})[0]
	shopID := osrv.Seed("sale.shop", map[string]any{"name": "QoQa"})[0]
	tmpl := osrv.Seed("product.template", map[string]any{"name": "Lampe"})[0]
	variant := osrv.Seed("product.product", map[string]any{"name": "Lampe", "product_tmpl_id": tmpl, "default_code": "LAMP-1"})[0]
	osrv.Seed("qoqa.offer", map[string]any{"name": "Lampe du jour", "shop_id": shopID, "currency": "CHF",
		"date_begin": "2026-03-01 08:00:00", "date_end": "2026-03-02 08:00:00",
		"position_ids": []any{openerp.CmdCreate(openerp.Values{"product_id": variant, "unit_price": 29.9, "regular_price": 49.0, "lot_size": int64(1)})}})

	shop := &backend.Backend{Name: "qoqa.ch", Version: qoqav1.Version, Languages: []string{"fr_FR", "de_DE"},
		Since:  time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Models: map[string]backend.ModelSettings{"offer": {ExportInterval: time.Minute}}}
	reg := backend.NewRegistry()
	if err := qoqav1.Register(reg, shop, qoqav1.Systems{QoQa: qc, OpenERP: oc}); err != nil {
		fmt.Println(err)
		return
	}
	store := binding.NewMemory()
	// The shop import binds each OpenERP shop to its QoQa shop.
	_ = store.Bind(ctx, connector.Binding{Model: "shop", LocalID: fmt.Sprint(shopID), RemoteID: qoqaShop.String()})
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

	exports, _, err := flows.Pollers["offer"].Run(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	for range exports {
		<-finished
	}
	fmt.Println("created first:", qsrv.Count("product"), "product,", qsrv.Count("variation"), "variation")
	offer, _ := qsrv.Record("offer", 1)
	fmt.Println(offer["start_at"], "to", offer["stop_at"])
	fmt.Println("title:", offer["translations"].([]any)[0].(map[string]any)["title"])
	fmt.Println("positions:", offer["positions"])
	// Output:
	// created first: 1 product, 1 variation
	// 2026-03-01T08:00:00+0000 to 2026-03-02T08:00:00+0000
	// title: Lampe du jour
	// positions: [map[lot_size:1 max_sellable:0 regular_price:4900 unit_price:2990 variation_id:1]]
}

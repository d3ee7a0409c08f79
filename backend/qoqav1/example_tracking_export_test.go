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

// A host that tells QoQa's customers where their parcel is polls the
// shipments (stock.picking.out on OpenERP 7.0, stock.picking on Odoo 8+):
// the tracking number of a shipment of an order that came from QoQa is
// added to that order, once.
func ExampleRegister_tracking() {
	ctx := context.Background()
	qsrv, osrv := qoqatest.New(qoqatest.Options{}), openerptest.New(openerptest.Options{})
	defer qsrv.Close()
	defer osrv.Close()
	qc, _ := qoqa.New(qsrv.Config())
	oc, _ := openerp.New(osrv.Config())

	order := qsrv.Seed("order", qoqa.Order{Status: "paid"})[0]
	partner := osrv.Seed("res.partner", map[string]any{"name": "Ada"})[0]
	sale := osrv.Seed("sale.order", map[string]any{"partner_id": partner})[0]
	carrier := osrv.Seed("delivery.carrier", map[string]any{"name": "swisspost"})[0]
	osrv.Seed("stock.picking.out", map[string]any{"sale_id": sale, "carrier_tracking_ref": "99.00.123456.12345678", "carrier_id": carrier})

	shop := &backend.Backend{Name: "qoqa.ch", Version: qoqav1.Version, Languages: []string{"fr_FR", "de_DE"},
		Since:  time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Models: map[string]backend.ModelSettings{"shipment": {ExportInterval: 2 * time.Minute}}}
	reg := backend.NewRegistry()
	if err := qoqav1.Register(reg, shop, qoqav1.Systems{QoQa: qc, OpenERP: oc}); err != nil {
		fmt.Println(err)
		return
	}
	store := binding.NewMemory()
	// The order import binds each order it brings to its QoQa order.
	_ = store.Bind(ctx, connector.Binding{Model: "order", LocalID: fmt.Sprint(sale), RemoteID: order.String()})
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

	for range 2 { // the second poll finds the shipment unchanged: nothing is sent
		exports, _, err := flows.Pollers["shipment"].Run(ctx)
		if err != nil {
			fmt.Println(err)
			return
		}
		for range exports {
			<-finished
		}
	}
	o, _ := qsrv.Record("order", order)
	fmt.Println("trackings:", o["trackings"])
	fmt.Println("actions sent:", qsrv.Calls("order", "PUT"))
	// Output:
	// trackings: [map[carrier:swisspost number:99.00.123456.12345678]]
	// actions sent: 1
}

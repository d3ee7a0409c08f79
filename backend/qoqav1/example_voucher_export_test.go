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

// A host that exports gift vouchers registers the default components,
// builds its backend's flows on its queue and binding store, and runs the
// voucher export poll (what a connector.Scheduler runs at the model's
// interval). A voucher authored in OpenERP reaches QoQa in cents, with its
// partner as its QoQa customer.
func ExampleRegister_vouchers() {
	ctx := context.Background()
	qsrv, osrv := qoqatest.New(qoqatest.Options{}), openerptest.New(openerptest.Options{})
	defer qsrv.Close()
	defer osrv.Close()
	qc, _ := qoqa.New(qsrv.Config())
	oc, _ := openerp.New(osrv.Config())

	customer := qsrv.Seed("customer", qoqa.Customer{Firstname: "Ada"})[0]
	partner := osrv.Seed("res.partner", map[string]any{"name": "Ada"})[0]
	osrv.Seed("qoqa.voucher", map[string]any{"code": "GIFT-50", "partner_id": partner,
		"amount": 50.0, "remaining_amount": 50.0, "currency": "CHF", "date_expire": "2026-12-31"})

	shop := &backend.Backend{Name: "qoqa.ch", Version: qoqav1.Version, Languages: []string{"fr_FR", "de_DE"},
		Since:  time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), // where the first poll starts
		Models: map[string]backend.ModelSettings{"voucher": {ExportInterval: 5 * time.Minute}}}
	reg := backend.NewRegistry()
	if err := qoqav1.Register(reg, shop, qoqav1.Systems{QoQa: qc, OpenERP: oc}); err != nil {
		fmt.Println(err)
		return
	}
	store := binding.NewMemory()
	// The customer import binds each partner to its QoQa customer.
	_ = store.Bind(ctx, connector.Binding{Model: "customer", LocalID: fmt.Sprint(partner), RemoteID: customer.String()})
	mux := connector.NewMux()
	queue := connector.NewLocalQueue(connector.QueueConfig{Handler: mux})
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

	exports, _, err := flows.Pollers["voucher"].Run(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	for range exports {
		<-finished
	}
	b, _ := store.ByLocal(ctx, "voucher", "1")
	v, _ := qsrv.Record("voucher", mustID(b.RemoteID))
	fmt.Println(v["code"], v["amount"], v["currency"], v["customer_id"] == float64(customer), v["stop_at"])
	// Output:
	// GIFT-50 5000 CHF true 2026-12-31T23:59:59+0000
}

// mustID reads a QoQa ID from a binding.
func mustID(s string) qoqa.ID {
	var id qoqa.ID
	if err := id.UnmarshalJSON([]byte(s)); err != nil {
		panic(err)
	}
	return id
}

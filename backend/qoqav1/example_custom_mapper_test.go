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

// giftNote is a host's own voucher mapper: the default mapping, with a
// description QoQa shows the customer, made from the voucher's code.
type giftNote struct{ connector.Mapper }

// Map implements connector.Mapper.
func (m giftNote) Map(ctx context.Context, mc *connector.MapContext) (map[string]any, error) {
	out, err := m.Mapper.Map(ctx, mc)
	if err != nil {
		return nil, err
	}
	out["description"] = fmt.Sprintf("Bon cadeau %v", mc.Record.Fields["code"])
	return out, nil
}

// A host that maps one model its own way registers the default components,
// then its own for that model, starting from the default's: the rest of the
// backend is unchanged. A later QoQa API version does the same with
// reg.AddVersion("qoqa-v2", qoqav1.Version) and registers only the models
// that differ under it.
func ExampleRegister_customMapper() {
	ctx := context.Background()
	qsrv, osrv := qoqatest.New(qoqatest.Options{}), openerptest.New(openerptest.Options{})
	defer qsrv.Close()
	defer osrv.Close()
	qc, _ := qoqa.New(qsrv.Config())
	oc, _ := openerp.New(osrv.Config())
	osrv.Seed("qoqa.voucher", map[string]any{"code": "GIFT-50", "amount": 50.0, "remaining_amount": 50.0,
		"currency": "CHF", "date_expire": "2026-12-31"})

	shop := &backend.Backend{Name: "qoqa.ch", Version: qoqav1.Version, Languages: []string{"fr_FR"},
		Since:  time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Models: map[string]backend.ModelSettings{"voucher": {ExportInterval: 5 * time.Minute}}}
	reg := backend.NewRegistry()
	if err := qoqav1.Register(reg, shop, qoqav1.Systems{QoQa: qc, OpenERP: oc}); err != nil {
		fmt.Println(err)
		return
	}
	c, err := reg.Lookup(qoqav1.Version, "voucher")
	if err != nil {
		fmt.Println(err)
		return
	}
	c.ExportMapper = giftNote{c.ExportMapper}
	if err := reg.Register(qoqav1.Version, "voucher", c); err != nil {
		fmt.Println(err)
		return
	}

	store := binding.NewMemory()
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
	fmt.Println(v["code"], v["amount"], v["description"])
	// Output:
	// GIFT-50 5000 Bon cadeau GIFT-50
}

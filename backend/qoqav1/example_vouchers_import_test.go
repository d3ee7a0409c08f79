package qoqav1_test

import (
	"context"
	"fmt"
	"strconv"
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

// A host that imports QoQa's gift vouchers searches them at the default
// intervals of UseDefaultImportIntervals, but for the models it leaves
// out: a voucher lands with its amounts in francs, its dates as the UTC
// day, and the partner of its customer, imported first.
func Example_importVouchers() {
	ctx := context.Background()
	qoqaShop, erp := qoqatest.New(qoqatest.Options{}), openerptest.New(openerptest.Options{})
	defer qoqaShop.Close()
	defer erp.Close()
	user := qoqaShop.Seed("user", qoqa.User{Email: "ada@example.ch", Pseudo: "ada", IsActive: true})[0]
	customer := qoqaShop.Seed("customer", qoqa.Customer{UserID: user, Firstname: "Ada", Lastname: "Lovelace"})[0]
	voucher := qoqaShop.Seed("voucher", qoqa.Voucher{Code: "GIFT-ADA", CustomerID: customer, Amount: 5000, RemainingAmount: 1250, Currency: "CHF",
		StartAt: qoqa.NewTime(time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)), IsActive: true})[0]

	qc, _ := qoqa.New(qoqaShop.Config())
	oc, _ := openerp.New(erp.Config())
	shop := &backend.Backend{Name: "qoqa.ch", Version: qoqav1.Version, Languages: []string{"fr_FR"}, Since: time.Now().Add(-24 * time.Hour)}
	qoqav1.UseDefaultImportIntervals(shop)
	for model, s := range shop.Models {
		if model != "voucher" {
			s.ImportInterval = 0 // this host imports the vouchers alone
			shop.Models[model] = s
		}
	}
	reg := backend.NewRegistry()
	if err := qoqav1.Register(reg, shop, qoqav1.Systems{QoQa: qc, OpenERP: oc}); err != nil {
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
	ended := make(chan connector.Job, 1)
	queue.Subscribe(func(ev connector.Event) {
		if ev.Type == connector.EventDone || ev.Type == connector.EventFailed {
			ended <- ev.Job
		}
	})
	_ = queue.Start(ctx)
	defer queue.Stop(ctx)

	fmt.Println("searched:", len(flows.Searches), "model every", shop.Models["voucher"].ImportInterval)
	if _, err := flows.Searches["voucher"].Run(ctx); err != nil {
		fmt.Println(err)
		return
	}
	<-ended

	b, _ := store.ByRemote(ctx, "voucher", voucher.String())
	id, _ := strconv.ParseInt(b.LocalID, 10, 64)
	v, _ := erp.Get("qoqa.voucher", id, "")
	fmt.Println(v["code"], "for", v["partner_id"].([]any)[1], "from", v["date_start"])
	fmt.Printf("%.2f of %.2f %s left\n", v["remaining_amount"], v["amount"], v["currency"])
	// Output:
	// searched: 1 model every 15m0s
	// GIFT-ADA for Ada Lovelace from 2026-12-31
	// 12.50 of 50.00 CHF left
}

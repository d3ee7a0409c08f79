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

// A host that imports QoQa's people searches users, customers and
// addresses: each user becomes one partner, which its customer fills in,
// and each address a child partner of it.
func Example_importPartners() {
	ctx := context.Background()
	qoqaShop, erp := qoqatest.New(qoqatest.Options{}), openerptest.New(openerptest.Options{})
	defer qoqaShop.Close()
	defer erp.Close()
	erp.Seed("res.country", map[string]any{"name": "Switzerland", "code": "CH"})
	user := qoqaShop.Seed("user", qoqa.User{Email: "ada@example.ch", Pseudo: "ada", LanguageID: qoqa.LangFR, IsActive: true})[0]
	customer := qoqaShop.Seed("customer", qoqa.Customer{UserID: user, Firstname: "Ada", Lastname: "Lovelace", LanguageID: qoqa.LangFR})[0]
	qoqaShop.Seed("address", qoqa.Address{CustomerID: customer, Kind: qoqa.AddressShipping, Firstname: "Ada", Lastname: "Lovelace",
		Street: "Rue du Lac 1", Zip: "1000", City: "Lausanne", Country: "CH", IsActive: true})

	qc, _ := qoqa.New(qoqaShop.Config())
	oc, _ := openerp.New(erp.Config())
	shop := &backend.Backend{Name: "qoqa.ch", Version: qoqav1.Version, Languages: []string{"fr_FR", "de_DE"},
		Since: time.Now().Add(-24 * time.Hour), // where the first searches start
		Models: map[string]backend.ModelSettings{
			"user": {ImportInterval: time.Hour}, "customer": {ImportInterval: time.Hour}, "address": {ImportInterval: time.Hour},
		}}
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
	ended := make(chan connector.Job, 8)
	queue.Subscribe(func(ev connector.Event) {
		if ev.Type == connector.EventDone || ev.Type == connector.EventFailed {
			ended <- ev.Job
		}
	})
	_ = queue.Start(ctx)
	defer queue.Stop(ctx)

	// What a connector.Scheduler runs at each model's interval
	// (flows.Schedule adds them).
	queued := 0
	for _, model := range []string{"user", "customer", "address"} {
		n, err := flows.Searches[model].Run(ctx)
		if err != nil {
			fmt.Println(err)
			return
		}
		queued += n
	}
	for range queued {
		<-ended
	}

	b, _ := store.ByRemote(ctx, "user", user.String())
	id, _ := strconv.ParseInt(b.LocalID, 10, 64)
	partner, _ := erp.Get("res.partner", id, "")
	fmt.Println(partner["name"], partner["email"], partner["lang"], "customer:", partner["customer"])
	for _, child := range partner["child_ids"].([]any) {
		addr, _ := erp.Get("res.partner", child.(int64), "")
		fmt.Println(addr["type"], addr["name"], addr["street"], addr["zip"], addr["city"], addr["country_id"].([]any)[1])
	}
	// Output:
	// Ada Lovelace ada@example.ch fr_FR customer: true
	// delivery Ada Lovelace Rue du Lac 1 1000 Lausanne Switzerland
}

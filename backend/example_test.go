package backend_test

import (
	"context"
	"fmt"
	"time"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/connector/connectortest"
)

// A host registers each model's components, builds the backend's flows on
// its queue and binding store, and runs them.
func ExampleBuild() {
	ctx := context.Background()
	qoqa, erp := connectortest.New("qoqa user"), connectortest.New("res.partner")

	reg := backend.NewRegistry()
	_ = reg.AddVersion("v1", "")
	_ = reg.Register("v1", "user", backend.Components{
		Remote: qoqa, Local: erp,
		ImportMapper: connector.Mapping{Rules: []connector.Rule{
			connector.Field("pseudo", "name"),
			connector.Field("email", "email"),
		}},
	})
	shop := &backend.Backend{Name: "qoqa.ch", Version: "v1", Languages: []string{"fr_FR", "de_DE"},
		Since:  time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), // where the first search starts
		Models: map[string]backend.ModelSettings{"user": {ImportInterval: 5 * time.Minute}}}

	store := binding.NewMemory()
	mux := connector.NewMux()
	queue := connector.NewLocalQueue(connector.QueueConfig{Handler: mux})
	flows, err := backend.Build(shop, reg, backend.Env{Queue: queue, Binder: store, Watermarks: store, Mux: mux})
	if err != nil {
		fmt.Println(err)
		return
	}
	done := make(chan connector.Job, 1)
	queue.Subscribe(func(ev connector.Event) {
		if ev.Type == connector.EventDone {
			done <- ev.Job
		}
	})
	_ = queue.Start(ctx)
	defer queue.Stop(ctx)

	qoqa.Put(connector.Record{Fields: map[string]any{"pseudo": "ada", "email": "ada@example.ch"}})
	n, _ := flows.Searches["user"].Run(ctx) // what the scheduler runs every 5 minutes
	fmt.Println("queued", n)
	job := <-done
	b, _ := store.ByRemote(ctx, "user", job.RecordID)
	partner, _ := erp.Get(b.LocalID)
	fmt.Println(partner.Fields["name"], partner.Fields["email"])
	// Output:
	// queued 1
	// ada ada@example.ch
}

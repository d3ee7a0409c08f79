package adapter_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/qoqasync/qoqasync/adapter"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
)

// One OpenERP model as the engine's flows use it: translatable fields cross
// as connector.Translations, a batch is read with one call per language,
// and the client's errors arrive as the engine's decisions.
func ExampleOpenERP() {
	srv := openerptest.New(openerptest.Options{}) // an OpenERP 7.0
	defer srv.Close()
	client, _ := openerp.New(srv.Config())
	products := &adapter.OpenERP{
		Client: client, Model: "product.template", Fields: []string{"name", "list_price"},
		Languages: []string{"fr_FR", "de_DE"}, Translatable: []string{"name"},
	}
	ctx := context.Background()

	id, _ := products.Create(ctx, "", map[string]any{
		"name":       connector.Translations{"fr_FR": "Lampe", "de_DE": "Leuchte"},
		"list_price": 29.5,
	})
	recs, _ := products.ReadMany(ctx, []string{id})
	fmt.Println(recs[0].Fields["name"], recs[0].Fields["list_price"])

	err := products.Update(ctx, "999", map[string]any{"list_price": 10.0})
	fmt.Println("not found:", errors.Is(err, connector.ErrNotFound), "permanent:", connector.IsPermanent(err))

	srv.ConcurrencyFaults(1)
	_, err = products.Read(ctx, id)
	fmt.Println("retried:", connector.IsRetryable(err))
	// Output:
	// map[de_DE:Leuchte fr_FR:Lampe] 29.5
	// not found: true permanent: true
	// retried: true
}

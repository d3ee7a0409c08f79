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

// A host that imports QoQa's orders searches the orders alone: each order
// imports what it points at first (its customer and addresses, its shop,
// deal and offer, the variations it sold and their products, the vouchers
// it used), so that it lands complete. At start, CheckImports checks that
// the database holds every field the imports write.
func Example_importOrders() {
	ctx := context.Background()
	qoqaShop, erp := qoqatest.New(qoqatest.Options{}), openerptest.New(openerptest.Options{})
	defer qoqaShop.Close()
	defer erp.Close()
	// What the OpenERP database holds before: its countries, the product
	// that shipping lines sell, and a field an administrator added to keep
	// the QoQa reference of product templates.
	erp.Seed("res.country", map[string]any{"name": "Switzerland", "code": "CH"})
	for typ, code := range qoqav1.DefaultLineProducts {
		erp.Seed("product.product", map[string]any{"name": typ, "default_code": code})
	}
	erp.AddField("product.template", "x_qoqa_ref", openerptest.Field{Type: "char"})

	shopID := qoqaShop.Seed("shop", qoqa.Shop{Name: "QoQa.ch", Currency: "CHF"})[0]
	deal := qoqaShop.Seed("deal", qoqa.Deal{ShopID: shopID, IsActive: true, Translations: []qoqa.Translation{{LanguageID: qoqa.LangFR, Title: "Lampe"}}})[0]
	product := qoqaShop.Seed("product", qoqa.Product{IsActive: true, Translations: []qoqa.Translation{{LanguageID: qoqa.LangFR, Name: "Lampe"}, {LanguageID: qoqa.LangDE, Name: "Leuchte"}}})[0]
	variation := qoqaShop.Seed("variation", qoqa.Variation{ProductID: product, SKU: "LAMP-RED", IsActive: true})[0]
	offer := qoqaShop.Seed("offer", qoqa.Offer{ShopID: shopID, DealID: deal, IsActive: true, Positions: []qoqa.Position{{VariationID: variation, UnitPrice: 2950}}})[0]
	user := qoqaShop.Seed("user", qoqa.User{Email: "ada@example.ch", Pseudo: "ada", LanguageID: qoqa.LangFR, IsActive: true})[0]
	customer := qoqaShop.Seed("customer", qoqa.Customer{UserID: user, Firstname: "Ada", Lastname: "Lovelace", LanguageID: qoqa.LangFR})[0]
	home := qoqaShop.Seed("address", qoqa.Address{CustomerID: customer, Kind: qoqa.AddressShipping, Lastname: "Lovelace", City: "Lausanne", Country: "CH", IsActive: true})[0]
	order := qoqaShop.Seed("order", qoqa.Order{ShopID: shopID, DealID: deal, OfferID: offer, UserID: user, CustomerID: customer,
		ShippingAddressID: home, Status: qoqa.OrderPaid, Currency: "CHF", Total: 2*2950 + 900, Items: []qoqa.Item{
			{ID: 1, Type: qoqa.ItemProduct, VariationID: variation, Quantity: 2, UnitPrice: 2950, Name: "Lampe rouge"},
			{ID: 2, Type: qoqa.ItemShipping, Quantity: 1, UnitPrice: 900, Name: "Livraison"},
		}})[0]

	qc, _ := qoqa.New(qoqaShop.Config())
	oc, _ := openerp.New(erp.Config())
	shop := &backend.Backend{Name: "qoqa.ch", Version: qoqav1.Version, Languages: []string{"fr_FR", "de_DE"},
		Since:  time.Now().Add(-24 * time.Hour),
		Models: map[string]backend.ModelSettings{"order": {ImportInterval: 5 * time.Minute}, "product": {RefField: "x_qoqa_ref"}}}
	if err := qoqav1.CheckImports(ctx, shop, oc, qoqav1.Options{}); err != nil {
		fmt.Println(err)
		return
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

	if _, err := flows.Searches["order"].Run(ctx); err != nil {
		fmt.Println(err)
		return
	}
	if job := <-ended; job.LastError != "" {
		fmt.Println(job.LastError)
		return
	}

	b, _ := store.ByRemote(ctx, "order", order.String())
	id, _ := strconv.ParseInt(b.LocalID, 10, 64)
	so, _ := erp.Get("sale.order", id, "")
	fmt.Println("order", so["client_order_ref"], "of", so["partner_id"].([]any)[1], "in", so["shop_id"].([]any)[1], "shipped to", so["partner_shipping_id"].([]any)[1])
	for _, lineID := range so["order_line"].([]any) {
		line, _ := erp.Get("sale.order.line", lineID.(int64), "")
		variant, _ := erp.Get("product.product", line["product_id"].([]any)[0].(int64), "")
		fmt.Printf("%s: %v × %s at %.2f\n", line["name"], line["product_uom_qty"], variant["default_code"], line["price_unit"])
	}
	// Output:
	// order 1 of Ada Lovelace in QoQa.ch shipped to Lovelace
	// Lampe rouge: 2 × LAMP-RED at 29.50
	// Livraison: 1 × QOQA-SHIPPING at 9.00
}

package qoqav1_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/backend/qoqav1"
	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// newImportWorld is a world whose imports are searched at their default
// intervals (adjust may change them), with what an OpenERP database holds
// before the first import: the countries, and the products of the order
// lines that sell nothing of the catalogue.
func newImportWorld(t *testing.T, adjust func(*backend.Backend)) *world {
	t.Helper()
	return newWorldWith(t, worldOptions{adjust: adjust})
}

// worldOptions change what newWorldWith builds.
type worldOptions struct {
	// adjust changes the backend, after the default intervals are set.
	adjust func(*backend.Backend)
	// options are given to qoqav1.RegisterWith.
	options qoqav1.Options
	// extend may declare a version on top of qoqav1.Version in the
	// registry and return it: the backend is built on it.
	extend func(t *testing.T, reg *backend.Registry) string
	// concurrency is the queue's; zero means 4.
	concurrency int
}

// newWorldWith is newWorld with the imports searched at their default
// intervals and the OpenERP records of seedOpenERP, as o says.
func newWorldWith(t *testing.T, o worldOptions) *world {
	t.Helper()
	w := &world{t: t, ctx: context.Background()}
	w.qoqa = qoqatest.New(qoqatest.Options{})
	t.Cleanup(w.qoqa.Close)
	w.erp = openerptest.New(openerptest.Options{})
	t.Cleanup(w.erp.Close)
	var err error
	w.qc, err = qoqa.New(w.qoqa.Config())
	require.NoError(t, err)
	w.oc, err = openerp.New(w.erp.Config())
	require.NoError(t, err)
	seedOpenERP(w.erp)

	w.shop = &backend.Backend{Name: "test", Version: qoqav1.Version, Languages: []string{"fr_FR", "de_DE"}, Since: since, Models: map[string]backend.ModelSettings{}}
	qoqav1.UseDefaultImportIntervals(w.shop)
	if o.adjust != nil {
		o.adjust(w.shop)
	}
	reg := backend.NewRegistry()
	require.NoError(t, qoqav1.RegisterWith(reg, w.shop, qoqav1.Systems{QoQa: w.qc, OpenERP: w.oc}, o.options))
	if o.extend != nil {
		w.shop.Version = o.extend(t, reg)
	}
	w.store = binding.NewMemory()
	mux := connector.NewMux()
	w.queue = connector.NewLocalQueue(connector.QueueConfig{Handler: mux, Concurrency: o.concurrency, Logger: quiet,
		Retry: connector.RetryPolicy{MaxAttempts: 5, Backoff: []time.Duration{time.Millisecond}}})
	w.flows, err = backend.Build(w.shop, reg, backend.Env{Queue: w.queue, Binder: w.store, Watermarks: w.store, Mux: mux, Logger: quiet})
	require.NoError(t, err)
	require.NoError(t, w.queue.Start(w.ctx))
	t.Cleanup(func() { _ = w.queue.Stop(context.Background()) })
	return w
}

// seedOpenERP gives a fake OpenERP the records a database has before the
// first import, and returns the line products by item type.
func seedOpenERP(erp *openerptest.Server) map[string]int64 {
	erp.Seed("res.country",
		map[string]any{"name": "Switzerland", "code": "CH"},
		map[string]any{"name": "France", "code": "FR"},
		map[string]any{"name": "Germany", "code": "DE"},
	)
	products := map[string]int64{}
	for _, typ := range slices.Sorted(maps.Keys(qoqav1.DefaultLineProducts)) {
		tmpl := erp.Seed("product.template", map[string]any{"name": typ})[0]
		products[typ] = erp.Seed("product.product", map[string]any{"product_tmpl_id": tmpl, "default_code": qoqav1.DefaultLineProducts[typ]})[0]
	}
	return products
}

// onlySearched keeps the import search of the models named and no other,
// so that a test sees the rest imported as dependencies.
func onlySearched(models ...string) func(*backend.Backend) {
	return func(b *backend.Backend) {
		for m, s := range b.Models {
			if !slices.Contains(models, m) {
				s.ImportInterval = 0
				b.Models[m] = s
			}
		}
	}
}

// catalogue is what one QoQa shop sells: a deal and its offer, whose
// positions sell the variations of one product.
type catalogue struct {
	shop, deal, offer, product qoqa.ID
	variations                 []qoqa.ID
}

// seedCatalogue seeds a shop and what it sells, unknown to OpenERP; n
// tells the seeds of one test apart.
func seedCatalogue(s *qoqatest.Server, n, variations int) catalogue {
	var c catalogue
	c.shop = s.Seed("shop", qoqa.Shop{Name: fmt.Sprintf("Shop %d", n), Domain: fmt.Sprintf("shop%d.ch", n), Currency: "CHF", LanguageIDs: []int{qoqa.LangFR, qoqa.LangDE}})[0]
	c.deal = s.Seed("deal", qoqa.Deal{ShopID: c.shop, IsActive: true, Translations: []qoqa.Translation{
		{LanguageID: qoqa.LangFR, Title: fmt.Sprintf("Lampe %d", n)}, {LanguageID: qoqa.LangDE, Title: fmt.Sprintf("Leuchte %d", n)},
	}})[0]
	c.product = s.Seed("product", qoqa.Product{IsActive: true, Translations: []qoqa.Translation{
		{LanguageID: qoqa.LangFR, Name: fmt.Sprintf("Lampe %d", n), Description: "Une lampe"},
		{LanguageID: qoqa.LangDE, Name: fmt.Sprintf("Leuchte %d", n), Description: "Eine Leuchte"},
		{LanguageID: qoqa.LangIT, Name: fmt.Sprintf("Lampada %d", n)},
	}})[0]
	var positions []qoqa.Position
	for i := range variations {
		v := s.Seed("variation", qoqa.Variation{ProductID: c.product, SKU: fmt.Sprintf("LAMP-%d-%d", n, i), EAN: "4006381333931", IsActive: true})[0]
		c.variations = append(c.variations, v)
		positions = append(positions, qoqa.Position{VariationID: v, UnitPrice: 2950, RegularPrice: 3900, LotSize: 1, MaxSellable: 10})
	}
	c.offer = s.Seed("offer", qoqa.Offer{DealID: c.deal, ShopID: c.shop, IsActive: true, Currency: "CHF",
		StartAt: qoqa.NewTime(time.Date(2026, 2, 28, 22, 30, 0, 0, time.UTC)), StopAt: qoqa.NewTime(time.Date(2026, 3, 1, 22, 30, 0, 0, time.UTC)),
		Translations: []qoqa.Translation{{LanguageID: qoqa.LangFR, Title: "Offre", Content: "Vite"}}, Positions: positions})[0]
	return c
}

// buyer is a QoQa user with its customer and two addresses.
type buyer struct{ user, customer, billing, shipping qoqa.ID }

// seedBuyer seeds a buyer unknown to OpenERP; n tells them apart.
func seedBuyer(s *qoqatest.Server, n int) buyer {
	var b buyer
	b.user = s.Seed("user", qoqa.User{Email: fmt.Sprintf("buyer%d@example.ch", n), Pseudo: fmt.Sprintf("buyer%d", n), LanguageID: qoqa.LangDE, IsActive: true})[0]
	b.customer = s.Seed("customer", qoqa.Customer{UserID: b.user, Firstname: "Ada", Lastname: fmt.Sprintf("Buyer %d", n), LanguageID: qoqa.LangDE})[0]
	s.Touch("user", b.user, map[string]any{"customer_id": int64(b.customer)})
	b.billing = s.Seed("address", qoqa.Address{CustomerID: b.customer, Kind: qoqa.AddressBilling, Firstname: "Ada", Lastname: fmt.Sprintf("Buyer %d", n),
		Street: "Rue du Lac 1", Zip: "1000", City: "Lausanne", Country: "CH", IsActive: true})[0]
	b.shipping = s.Seed("address", qoqa.Address{CustomerID: b.customer, Kind: qoqa.AddressShipping, Company: "Office",
		Street: "Bahnhofstrasse 2", Zip: "8001", City: "Zürich", Country: "CH", IsActive: true})[0]
	return b
}

// seedVoucher seeds a gift voucher of a customer.
func seedVoucher(s *qoqatest.Server, customer qoqa.ID, code string) qoqa.ID {
	return s.Seed("voucher", qoqa.Voucher{Code: code, CustomerID: customer, Amount: 1000, RemainingAmount: 0, Currency: "CHF",
		StartAt: qoqa.NewTime(time.Date(2026, 2, 28, 23, 0, 0, 0, time.UTC)), StopAt: qoqa.NewTime(time.Date(2027, 2, 28, 23, 0, 0, 0, time.UTC)),
		Description: "Gift", IsActive: true})[0]
}

// seedOrder seeds an order of the buyer on the catalogue: two of its first
// variation, its shipping, and the voucher when there is one.
func seedOrder(s *qoqatest.Server, c catalogue, b buyer, voucher qoqa.ID, status string) qoqa.ID {
	items := []qoqa.Item{
		{ID: 1, Type: qoqa.ItemProduct, VariationID: c.variations[0], OfferID: c.offer, Quantity: 2, UnitPrice: 2950, Name: "Lampe"},
		{ID: 2, Type: qoqa.ItemShipping, Quantity: 1, UnitPrice: 900, Name: "Shipping"},
	}
	total := qoqa.Cents(2*2950 + 900)
	if voucher != 0 {
		items = append(items, qoqa.Item{ID: 3, Type: qoqa.ItemVoucher, VoucherID: voucher, Quantity: 1, UnitPrice: 1000, Name: "Voucher"})
		total -= 1000
	}
	return s.Seed("order", qoqa.Order{ShopID: c.shop, DealID: c.deal, OfferID: c.offer, UserID: b.user, CustomerID: b.customer,
		BillingAddressID: b.billing, ShippingAddressID: b.shipping, Status: status, Currency: "CHF", Total: total, Items: items})[0]
}

// local is the OpenERP ID bound to a QoQa record; the test fails when none
// is.
func (w *world) local(model string, id qoqa.ID) int64 {
	w.t.Helper()
	b, err := w.store.ByRemote(w.ctx, model, id.String())
	require.NoError(w.t, err, "%s %d is bound", model, id)
	n, err := strconv.ParseInt(b.LocalID, 10, 64)
	require.NoError(w.t, err)
	return n
}

// record is an OpenERP record as read in the base language.
func (w *world) record(model string, id int64) map[string]any {
	w.t.Helper()
	rec, ok := w.erp.Get(model, id, "")
	require.True(w.t, ok, "%s %d exists", model, id)
	return rec
}

// lineProduct is the OpenERP product of the lines of an item type.
func (w *world) lineProduct(typ string) int64 {
	w.t.Helper()
	ids, err := w.oc.Search(w.ctx, "product.product", openerp.Where("default_code", "=", qoqav1.DefaultLineProducts[typ]), openerp.SearchOptions{Context: openerp.Context{"active_test": false}})
	require.NoError(w.t, err)
	require.Len(w.t, ids, 1, "one product for the lines of %s", typ)
	return ids[0]
}

// country is the OpenERP ID of a country.
func (w *world) country(code string) int64 {
	w.t.Helper()
	ids, err := w.oc.Search(w.ctx, "res.country", openerp.Where("code", "=", code), openerp.SearchOptions{})
	require.NoError(w.t, err)
	require.Len(w.t, ids, 1, "country %s", code)
	return ids[0]
}

// many2one is the ID of a many2one value as OpenERP reads it, 0 for none.
func many2one(v any) int64 {
	pair, ok := v.([]any)
	if !ok || len(pair) == 0 {
		return 0
	}
	n, _ := pair[0].(int64)
	return n
}

// writeMethods are the ORM methods that change a database.
var writeMethods = []string{"create", "write", "unlink", "action_cancel"}

// erpWrites counts the calls that changed the fake OpenERP, by
// "model.method".
func (w *world) erpWrites() map[string]int {
	out := map[string]int{}
	for model := range openerptest.DefaultModels() {
		for _, m := range writeMethods {
			if n := w.erp.Calls(model, m); n > 0 {
				out[model+"."+m] = n
			}
		}
	}
	return out
}

// failedWith returns the last error of each failed job, by "model id".
func failedWith(jobs []connector.Job) map[string]string {
	out := map[string]string{}
	for _, j := range jobs {
		out[j.Model+" "+j.RecordID] = j.LastError
	}
	return out
}

// Package demo fills the fake QoQa and OpenERP servers with data that looks
// like a shop's, for the runner's -demo mode and the sandbox: users,
// customers and addresses with orders and their history on QoQa; products
// with variants, attribute sets and translations in four languages, offers
// and vouchers in OpenERP. It is seeded from a number, so a run can be
// repeated.
package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// Size says how much data to make; a zero field takes Default's.
type Size struct {
	// Users on QoQa; most have a customer, each customer one to three
	// addresses.
	Users int
	// Orders on QoQa, over the users, offers and vouchers, with their
	// history of deals, offers, products and variations that only QoQa
	// knows.
	Orders int
	// Products are OpenERP product templates, each with one to three
	// variants and the attributes of its set.
	Products int
	// Offers and Vouchers are made in OpenERP, to be exported.
	Offers   int
	Vouchers int
}

// Default is the size of a demo: several hundred records of each kind the
// sync covers, synced in seconds by the fakes.
var Default = Size{Users: 300, Orders: 400, Products: 30, Offers: 12, Vouchers: 20}

func (s Size) withDefaults() Size {
	if s.Users <= 0 {
		s.Users = Default.Users
	}
	if s.Orders <= 0 {
		s.Orders = Default.Orders
	}
	if s.Products <= 0 {
		s.Products = Default.Products
	}
	if s.Offers <= 0 {
		s.Offers = Default.Offers
	}
	if s.Vouchers <= 0 {
		s.Vouchers = Default.Vouchers
	}
	return s
}

// Seeded is what Seed made: the QoQa shop every order and offer belongs to
// (its OpenERP twin must be bound to it before offers are exported: shops
// come from QoQa's import).
type Seeded struct {
	Size
	QoQaShop qoqa.ID
}

// Seed fills both servers, made fresh, from the number seed.
func Seed(q *qoqatest.Server, o *openerptest.Server, size Size, seed uint64) Seeded {
	size = size.withDefaults()
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), q: q, o: o}
	shop := g.qoqaShops()
	g.qoqaHistory(shop)
	g.qoqaUsers(size.Users)
	g.qoqaVouchers(size.Vouchers / 2)
	g.qoqaOrders(shop, size.Orders)
	g.openerpProducts(size.Products)
	g.openerpOffers(size.Offers)
	g.openerpVouchers(size.Vouchers)
	return Seeded{Size: size, QoQaShop: shop}
}

// gen makes the data; its IDs are those the fakes gave.
type gen struct {
	r *rand.Rand
	q *qoqatest.Server
	o *openerptest.Server

	deals      []qoqa.ID
	offers     []qoqa.ID
	variations []qoqa.ID
	prices     map[qoqa.ID]qoqa.Cents
	customers  []customer
	vouchers   []qoqa.ID
	variants   []int64
	erpShop    int64
}

type customer struct {
	user, id          qoqa.ID
	billing, shipping qoqa.ID
}

var (
	firstnames = []string{"Ada", "Léa", "Noah", "Lina", "Luca", "Mia", "Elias", "Chloé", "Matteo", "Sofia", "Jonas", "Emma", "Nils", "Zoé", "Gian", "Alba"}
	lastnames  = []string{"Müller", "Meier", "Rochat", "Bernasconi", "Favre", "Keller", "Rossi", "Gerber", "Dubois", "Huber", "Bianchi", "Moser"}
	cities     = []struct{ zip, city, country string }{
		{"1003", "Lausanne", "CH"}, {"8001", "Zürich", "CH"}, {"6900", "Lugano", "CH"}, {"3011", "Bern", "CH"},
		{"1201", "Genève", "CH"}, {"4051", "Basel", "CH"}, {"1950", "Sion", "CH"}, {"9490", "Vaduz", "LI"},
	}
	things = []struct{ fr, de, it, en string }{
		{"Lampe", "Leuchte", "Lampada", "Lamp"}, {"Chaise", "Stuhl", "Sedia", "Chair"}, {"Couteau", "Messer", "Coltello", "Knife"},
		{"Montre", "Uhr", "Orologio", "Watch"}, {"Vélo", "Velo", "Bicicletta", "Bike"}, {"Casque", "Kopfhörer", "Cuffie", "Headphones"},
		{"Sac", "Tasche", "Borsa", "Bag"}, {"Tente", "Zelt", "Tenda", "Tent"}, {"Grill", "Grill", "Griglia", "Grill"},
		{"Vin rouge", "Rotwein", "Vino rosso", "Red wine"},
	}
)

func (g *gen) pick(n int) int { return g.r.IntN(n) }

// qoqaTranslations gives a text in each of QoQa's four languages.
func qoqaTranslations(fr, de, it, en string, field func(t *qoqa.Translation, s string)) []qoqa.Translation {
	out := make([]qoqa.Translation, 0, 4)
	for i, s := range []string{fr, de, it, en} {
		t := qoqa.Translation{LanguageID: i + 1}
		field(&t, s)
		out = append(out, t)
	}
	return out
}

func (g *gen) qoqaShops() qoqa.ID {
	ids := g.q.Seed("shop",
		qoqa.Shop{Name: "QoQa", Domain: "www.qoqa.ch", Currency: "CHF", LanguageIDs: []int{1, 2, 3, 4}},
		qoqa.Shop{Name: "Qwine", Domain: "www.qwine.ch", Currency: "CHF", LanguageIDs: []int{1, 2}},
	)
	// A database knows the countries from the start.
	for _, c := range []struct{ code, name string }{{"CH", "Switzerland"}, {"LI", "Liechtenstein"}, {"FR", "France"}, {"DE", "Germany"}, {"IT", "Italy"}, {"AT", "Austria"}} {
		g.o.Seed("res.country", map[string]any{"code": c.code, "name": c.name})
	}
	// The shop OpenERP's offers are in; QoQa's import binds it by its name.
	g.erpShop = g.o.Seed("sale.shop", map[string]any{"name": "QoQa"})[0]
	return ids[0]
}

// qoqaHistory makes the deals, offers, products and variations of past
// sales that exist only on QoQa, which old orders point at.
func (g *gen) qoqaHistory(shop qoqa.ID) {
	g.prices = map[qoqa.ID]qoqa.Cents{}
	for i := range 8 {
		t := things[i%len(things)]
		product := g.q.Seed("product", qoqa.Product{
			Category: "archive", IsActive: false,
			Translations: qoqaTranslations(t.fr, t.de, t.it, t.en, func(tr *qoqa.Translation, s string) { tr.Name = s + " (2024)" }),
		})[0]
		var positions []qoqa.Position
		for v := range 2 {
			variation := g.q.Seed("variation", qoqa.Variation{
				ProductID: product, SKU: fmt.Sprintf("OLD-%02d-%d", i, v), IsActive: false,
				Translations: qoqaTranslations(t.fr, t.de, t.it, t.en, func(tr *qoqa.Translation, s string) { tr.Name = fmt.Sprintf("%s %d", s, v+1) }),
			})[0]
			price := qoqa.Cents(1900 + 100*g.pick(80))
			g.variations, g.prices[variation] = append(g.variations, variation), price
			positions = append(positions, qoqa.Position{VariationID: variation, UnitPrice: price, RegularPrice: price * 3 / 2, LotSize: 1, MaxSellable: 100})
		}
		deal := g.q.Seed("deal", qoqa.Deal{ShopID: shop, IsActive: false,
			Translations: qoqaTranslations(t.fr, t.de, t.it, t.en, func(tr *qoqa.Translation, s string) {
				tr.Title, tr.Content = s+" du jour", "Une offre de "+s
			})})[0]
		start := time.Date(2024, time.Month(1+i), 10, 8, 0, 0, 0, time.UTC)
		offer := g.q.Seed("offer", qoqa.Offer{DealID: deal, ShopID: shop, Currency: "CHF", IsActive: false,
			StartAt: qoqa.NewTime(start), StopAt: qoqa.NewTime(start.Add(24 * time.Hour)), Positions: positions,
			Translations: qoqaTranslations(t.fr, t.de, t.it, t.en, func(tr *qoqa.Translation, s string) { tr.Title = s })})[0]
		g.deals, g.offers = append(g.deals, deal), append(g.offers, offer)
	}
}

// qoqaUsers makes the users, most with a customer and one to three
// addresses. IDs are the fake's: 1, 2, 3... per endpoint, in seed order.
func (g *gen) qoqaUsers(n int) {
	var customerID, addressID qoqa.ID
	for i := range n {
		first, last := firstnames[g.pick(len(firstnames))], lastnames[g.pick(len(lastnames))]
		lang := 1 + g.pick(4)
		user := g.q.Seed("user", qoqa.User{Email: fmt.Sprintf("user%d@example.ch", i), Pseudo: fmt.Sprintf("%s%d", first, i), LanguageID: lang, IsActive: true})[0]
		if g.pick(10) < 2 {
			continue // a user who never bought: no customer
		}
		customerID++
		c := customer{user: user, id: customerID}
		var addresses []qoqa.ID
		for k, kind := range []string{qoqa.AddressBilling, qoqa.AddressShipping, qoqa.AddressOther}[:1+g.pick(3)] {
			city := cities[g.pick(len(cities))]
			addressID++
			g.q.Seed("address", qoqa.Address{CustomerID: c.id, Kind: kind, Firstname: first, Lastname: last,
				Street: fmt.Sprintf("Rue du Lac %d", 1+g.pick(120)), Zip: city.zip, City: city.city, Country: city.country,
				Phone: fmt.Sprintf("+41 79 %03d %02d %02d", g.pick(1000), g.pick(100), g.pick(100)), IsActive: true})
			addresses = append(addresses, addressID)
			if k == 0 {
				c.billing, c.shipping = addressID, addressID
			}
			if kind == qoqa.AddressShipping {
				c.shipping = addressID
			}
		}
		g.q.Seed("customer", qoqa.Customer{UserID: user, Firstname: first, Lastname: last, LanguageID: lang, AddressIDs: addresses})
		g.q.Touch("user", user, map[string]any{"customer_id": int64(c.id)})
		g.customers = append(g.customers, c)
	}
}

// qoqaVouchers makes gift vouchers on QoQa, used by some orders.
func (g *gen) qoqaVouchers(n int) {
	for i := range n {
		c := g.customers[g.pick(len(g.customers))]
		amount := qoqa.Cents(1000 * (1 + g.pick(10)))
		g.vouchers = append(g.vouchers, g.q.Seed("voucher", qoqa.Voucher{
			Code: fmt.Sprintf("QOQA-%04d", i), CustomerID: c.id, Amount: amount, RemainingAmount: amount / 2, Currency: "CHF",
			StartAt: qoqa.NewTime(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)), StopAt: qoqa.NewTime(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)),
			Description: "Bon cadeau", IsActive: true,
		})[0])
	}
}

// qoqaOrders makes the orders: one to three product lines on the variations
// of a past offer, a shipping line, sometimes a voucher line; most paid or
// shipped, a few pending or cancelled.
func (g *gen) qoqaOrders(shop qoqa.ID, n int) {
	statuses := []string{qoqa.OrderPaid, qoqa.OrderPaid, qoqa.OrderShipped, qoqa.OrderShipped, qoqa.OrderShipped, qoqa.OrderPending, qoqa.OrderCancelled}
	for range n {
		c := g.customers[g.pick(len(g.customers))]
		o := g.pick(len(g.offers))
		var items []qoqa.Item
		var total qoqa.Cents
		for l := range 1 + g.pick(3) {
			v := g.variations[2*o+l%2]
			qty := 1 + g.pick(3)
			items = append(items, qoqa.Item{ID: qoqa.ID(len(items) + 1), Type: qoqa.ItemProduct, VariationID: v, OfferID: g.offers[o], Quantity: qty, UnitPrice: g.prices[v]})
			total += qoqa.Cents(qty) * g.prices[v]
		}
		items = append(items, qoqa.Item{ID: qoqa.ID(len(items) + 1), Type: qoqa.ItemShipping, Quantity: 1, UnitPrice: 900, Name: "Livraison"})
		total += 900
		if len(g.vouchers) > 0 && g.pick(8) == 0 {
			items = append(items, qoqa.Item{ID: qoqa.ID(len(items) + 1), Type: qoqa.ItemVoucher, VoucherID: g.vouchers[g.pick(len(g.vouchers))], Quantity: 1, UnitPrice: -1000, Name: "Bon cadeau"})
			total -= 1000
		}
		g.q.Seed("order", qoqa.Order{ShopID: shop, DealID: g.deals[o], OfferID: g.offers[o], UserID: c.user, CustomerID: c.id,
			BillingAddressID: c.billing, ShippingAddressID: c.shipping, Status: statuses[g.pick(len(statuses))],
			Currency: "CHF", Total: total, Items: items,
			Payments: []qoqa.Payment{{ID: 1, Method: "visa", Amount: total, Status: "paid", Transaction: fmt.Sprintf("tx-%d", g.pick(1e9))}}})
	}
}

// openerpProducts makes product templates in OpenERP with their variants,
// in an attribute set per kind of product, with names in four languages.
func (g *gen) openerpProducts(n int) {
	o := g.o
	attrs := o.Seed("attribute.attribute",
		map[string]any{"name": "x_color", "field_description": "Couleur", "attribute_type": "char"},
		map[string]any{"name": "x_material", "field_description": "Matière", "attribute_type": "char", "translate": true},
		map[string]any{"name": "x_watts", "field_description": "Watts", "attribute_type": "integer"},
		map[string]any{"name": "x_waterproof", "field_description": "Étanche", "attribute_type": "boolean"},
	)
	sets := o.Seed("attribute.set",
		map[string]any{"name": "Maison", "attribute_ids": []any{openerp.CmdReplace(attrs[0], attrs[1], attrs[2])}},
		map[string]any{"name": "Plein air", "attribute_ids": []any{openerp.CmdReplace(attrs[0], attrs[3])}},
	)
	categ := o.Seed("product.category", map[string]any{"name": "Maison"}, map[string]any{"name": "Plein air"})
	// The products of the order lines that sell nothing of the catalogue
	// (backend/qoqav1's DefaultLineProducts).
	for _, line := range []struct{ code, name string }{
		{"QOQA-SHIPPING", "Livraison"}, {"QOQA-VOUCHER", "Bon cadeau"}, {"QOQA-DISCOUNT", "Rabais"}, {"QOQA-SERVICE", "Service"},
	} {
		tmpl := o.Seed("product.template", map[string]any{"name": line.name})[0]
		o.Seed("product.product", map[string]any{"name": line.name, "product_tmpl_id": tmpl, "default_code": line.code})
	}
	colors := []string{"rouge", "noir", "blanc", "vert", "bleu"}
	for i := range n {
		t := things[i%len(things)]
		set := g.pick(2)
		vals := map[string]any{
			"name": fmt.Sprintf("%s %d", t.fr, i+1), "description_sale": "Un " + t.fr + " de qualité",
			"list_price": float64(19+g.pick(300)) + 0.9, "categ_id": categ[set], "attribute_set_id": sets[set],
			"x_color": colors[g.pick(len(colors))],
		}
		if set == 0 {
			vals["x_material"], vals["x_watts"] = "bois", int64(10*(1+g.pick(10)))
		} else {
			vals["x_waterproof"] = g.pick(2) == 0
		}
		tmpl := o.Seed("product.template", vals)[0]
		o.Translate("product.template", tmpl, map[string]map[string]any{
			"de_DE": {"name": fmt.Sprintf("%s %d", t.de, i+1), "description_sale": "Ein hochwertiges Produkt"},
			"it_IT": {"name": fmt.Sprintf("%s %d", t.it, i+1), "description_sale": "Un prodotto di qualità"},
			"en_US": {"name": fmt.Sprintf("%s %d", t.en, i+1), "description_sale": "A quality product"},
		})
		for v := range 1 + g.pick(3) {
			g.variants = append(g.variants, o.Seed("product.product", map[string]any{
				"name": fmt.Sprintf("%s %d", t.fr, i+1), "product_tmpl_id": tmpl, "default_code": fmt.Sprintf("SKU-%03d-%d", i+1, v+1),
				"ean13": fmt.Sprintf("7610000%03d%03d", i+1, v+1), "attribute_set_id": sets[set],
			})[0])
		}
	}
}

// openerpOffers makes offers of the coming days in OpenERP, each on one to
// three variants, in the shop QoQa's import brings.
func (g *gen) openerpOffers(n int) {
	start := time.Now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	for i := range n {
		var positions []any
		for range 1 + g.pick(3) {
			price := float64(9+g.pick(200)) + 0.95
			positions = append(positions, openerp.CmdCreate(openerp.Values{
				"product_id": g.variants[g.pick(len(g.variants))], "unit_price": price, "regular_price": price * 1.5,
				"lot_size": int64(1), "max_sellable": int64(50 + g.pick(200)),
			}))
		}
		begin := start.Add(time.Duration(i) * 24 * time.Hour)
		g.o.Seed("qoqa.offer", map[string]any{"shop_id": g.erpShop,
			"name": fmt.Sprintf("Offre du jour %d", i+1), "description": "La bonne affaire du jour",
			"date_begin": begin.Format("2006-01-02 15:04:05"), "date_end": begin.Add(24 * time.Hour).Format("2006-01-02 15:04:05"),
			"currency": "CHF", "active": true, "position_ids": positions,
		})
	}
}

// openerpVouchers makes gift vouchers in OpenERP, to be exported.
func (g *gen) openerpVouchers(n int) {
	for i := range n {
		amount := float64(10 * (1 + g.pick(10)))
		g.o.Seed("qoqa.voucher", map[string]any{
			"name": fmt.Sprintf("Bon %d", i+1), "code": fmt.Sprintf("ERP-%04d", i+1), "amount": amount, "remaining_amount": amount,
			"currency": "CHF", "date_start": "2026-01-01", "date_expire": "2027-12-31", "description": "Bon cadeau", "active": true,
		})
	}
}

// Ship plays the warehouse after orders came in from QoQa: it makes a
// shipment with a tracking number for up to n of the sale orders OpenERP
// holds, so that the export sends their numbers to QoQa. It returns how
// many it made.
func Ship(o *openerptest.Server, n int) int {
	made := 0
	for id := int64(1); made < n && id <= int64(o.Count("sale.order")); id++ {
		o.Seed("stock.picking.out", map[string]any{
			"sale_id": id, "carrier_tracking_ref": fmt.Sprintf("99.00.%06d.%08d", id, 10000000+id), "state": "done",
		})
		made++
	}
	return made
}

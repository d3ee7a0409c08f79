package qoqav1_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/qoqa"
)

// One partner per user, which its customer fills in; its addresses are
// child partners, typed by their kind, in their country.
func TestPartnerOfAUserFilledByItsCustomer(t *testing.T) {
	t.Parallel()
	w := newImportWorld(t, onlySearched("address"))
	b := seedBuyer(w.qoqa, 1)
	other := w.qoqa.Seed("address", qoqa.Address{CustomerID: b.customer, Kind: qoqa.AddressOther, Lastname: "Depot", Street: "Quai 3", Zip: "75001", City: "Paris", Country: "fr", IsActive: true})[0]

	w.requireSynced()
	assert.Equal(t, 2, w.erp.Calls("res.country", "search"), "each country is looked up once")

	partner := w.record("res.partner", w.local("user", b.user))
	assert.Equal(t, w.local("user", b.user), w.local("customer", b.customer), "the customer is bound to its user's partner")
	assert.Equal(t, "Ada Buyer 1", partner["name"], "the customer's name, not the user's pseudo")
	assert.Equal(t, "buyer1@example.ch", partner["email"])
	assert.Equal(t, "de_DE", partner["lang"])
	assert.Equal(t, true, partner["customer"])
	assert.Equal(t, false, partner["is_company"])
	assert.Equal(t, "user/"+b.user.String(), partner["ref"], "the partner keeps its user's reference")

	ch, fr := w.country("CH"), w.country("FR")
	for _, tc := range []struct {
		address qoqa.ID
		typ     string
		name    string
		country int64
	}{
		{b.billing, "invoice", "Ada Buyer 1", ch},
		{b.shipping, "delivery", "Office", ch},
		{other, "other", "Depot", fr},
	} {
		addr := w.record("res.partner", w.local("address", tc.address))
		assert.Equal(t, w.local("user", b.user), many2one(addr["parent_id"]))
		assert.Equal(t, tc.typ, addr["type"], "address %d", tc.address)
		assert.Equal(t, tc.name, addr["name"])
		assert.Equal(t, tc.country, many2one(addr["country_id"]), "the country by its ISO code")
		assert.Equal(t, "address/"+tc.address.String(), addr["ref"])
	}
	assert.Equal(t, 4, w.erp.Count("res.partner"))
}

// A user who never bought is a partner named after its pseudo, and no
// customer; one whose customer filled the partner keeps that name when
// the user changes.
func TestUserWithoutCustomer(t *testing.T) {
	t.Parallel()
	w := newImportWorld(t, onlySearched("user", "customer"))
	lone := w.qoqa.Seed("user", qoqa.User{Email: "lone@example.ch", Pseudo: "lone", LanguageID: qoqa.LangIT, IsActive: true})[0]
	b := seedBuyer(w.qoqa, 2)
	w.requireSynced()

	partner := w.record("res.partner", w.local("user", lone))
	assert.Equal(t, "lone", partner["name"])
	assert.Equal(t, false, partner["customer"])
	assert.Equal(t, false, partner["lang"], "a language the backend does not sync is left to OpenERP")

	w.qoqa.Touch("user", b.user, map[string]any{"pseudo": "renamed", "email": "new@example.ch"})
	w.qoqa.Touch("user", lone, map[string]any{"pseudo": "lonely"})
	w.requireSynced()
	partner = w.record("res.partner", w.local("user", b.user))
	assert.Equal(t, "Ada Buyer 2", partner["name"], "the customer's name stays")
	assert.Equal(t, "new@example.ch", partner["email"])
	assert.Equal(t, "lonely", w.record("res.partner", w.local("user", lone))["name"])
}

// A changed address is updated in place, and nothing else is written.
func TestChangedAddressIsUpdated(t *testing.T) {
	t.Parallel()
	w := newImportWorld(t, nil)
	b := seedBuyer(w.qoqa, 3)
	w.requireSynced()
	before := w.erpWrites()

	w.qoqa.Touch("address", b.shipping, map[string]any{"street": "Seestrasse 9", "country": "DE"})
	w.requireSynced()

	addr := w.record("res.partner", w.local("address", b.shipping))
	assert.Equal(t, "Seestrasse 9", addr["street"])
	assert.Equal(t, w.country("DE"), many2one(addr["country_id"]))
	assert.Equal(t, 3, w.erp.Count("res.partner"), "updated, not created again")
	before["res.partner.write"]++
	assert.Equal(t, before, w.erpWrites(), "one write, to the address")
}

// An address kind QoQa does not define fails the address, naming the field.
func TestAddressKinds(t *testing.T) {
	t.Parallel()
	w := newImportWorld(t, onlySearched("address"))
	b := seedBuyer(w.qoqa, 4)
	odd := w.qoqa.Seed("address", map[string]any{"customer_id": b.customer, "kind": "pickup", "lastname": "Odd", "is_active": true})[0]
	failed := failedWith(w.sync())
	require.Len(t, failed, 1)
	assert.Contains(t, failed["address "+odd.String()], "map address "+odd.String()+", field kind: unknown kind pickup")
	w.local("address", b.billing) // the others landed
}

// The user and its customer name each other, but only the customer imports
// the user: whichever is imported first, no dependency cycle fails it.
func TestUserAndCustomerAreNoCycle(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		model          string
		bound, unbound []string
	}{
		{"user", []string{"user"}, []string{"customer"}},
		{"customer", []string{"user", "customer"}, nil},
		{"address", []string{"user", "customer", "address"}, nil},
	} {
		t.Run(tc.model, func(t *testing.T) {
			t.Parallel()
			w := newImportWorld(t, onlySearched())
			b := seedBuyer(w.qoqa, 5)
			ids := map[string]qoqa.ID{"user": b.user, "customer": b.customer, "address": b.billing}
			require.NoError(t, w.flows.ImportDependency(w.ctx, tc.model, ids[tc.model].String(), connector.ImportOptions{}))
			for _, m := range tc.bound {
				_, err := w.store.ByRemote(w.ctx, m, ids[m].String())
				assert.NoError(t, err, "%s is imported with a %s", m, tc.model)
			}
			for _, m := range tc.unbound {
				_, err := w.store.ByRemote(w.ctx, m, ids[m].String())
				assert.ErrorIs(t, err, connector.ErrNotBound, "a %s does not import its %s", tc.model, m)
			}
		})
	}
}

// A user's customer replaced by a new one: the new customer takes the
// user's partner over, and the former one, imported after it (for an old
// order of the history), leaves the partner to it, whose orders land on the
// user's partner all the same.
func TestFormerCustomerLeavesThePartnerToItsSuccessor(t *testing.T) {
	t.Parallel()
	w := newImportWorld(t, onlySearched("order"))
	c := seedCatalogue(w.qoqa, 1, 1)
	b := seedBuyer(w.qoqa, 1)
	seedOrder(w.qoqa, c, b, 0, qoqa.OrderPaid)
	w.requireSynced()
	partner := w.local("user", b.user)
	renewed := b
	renewed.customer = w.qoqa.Seed("customer", qoqa.Customer{UserID: b.user, Firstname: "Ada", Lastname: "King", LanguageID: qoqa.LangFR})[0]
	w.qoqa.Touch("user", b.user, map[string]any{"customer_id": int64(renewed.customer)})
	require.NoError(t, w.flows.ImportDependency(w.ctx, "customer", renewed.customer.String(), connector.ImportOptions{}))
	require.Equal(t, partner, w.local("customer", renewed.customer), "the new customer takes the partner over")

	err := w.flows.ImportDependency(w.ctx, "customer", b.customer.String(), connector.ImportOptions{Force: true})
	var nothing *connector.NothingToDoError
	require.ErrorAs(t, err, &nothing, "the former customer leaves the partner alone")
	// An order of the former customer, never imported, to an address
	// never imported either.
	former := b
	former.shipping = w.qoqa.Seed("address", qoqa.Address{CustomerID: b.customer, Kind: qoqa.AddressShipping, Firstname: "Ada", Lastname: "Buyer",
		Street: "Quai 3", Zip: "1200", City: "Genève", Country: "CH", IsActive: true})[0]
	old := seedOrder(w.qoqa, c, former, 0, qoqa.OrderShipped)
	w.requireSynced()

	assert.Equal(t, partner, w.local("customer", renewed.customer), "the partner stays the new customer's")
	_, err = w.store.ByRemote(w.ctx, "customer", b.customer.String())
	assert.ErrorIs(t, err, connector.ErrNotBound)
	assert.Equal(t, "Ada King", w.record("res.partner", partner)["name"], "with the new customer's name")
	so := w.record("sale.order", w.local("order", old))
	assert.Equal(t, partner, many2one(so["partner_id"]), "the former customer's order is the user's")
	assert.Equal(t, partner, many2one(w.record("res.partner", many2one(so["partner_shipping_id"]))["parent_id"]), "and so is its new address")
	assert.Equal(t, 4, w.erp.Count("res.partner"), "the user's partner and three addresses")
}

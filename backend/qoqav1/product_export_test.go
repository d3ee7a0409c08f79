package qoqav1_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
)

// catalogue is a lamp authored in OpenERP: a template and its variant, each
// with an attribute set, and an attribute in neither set.
type lamp struct {
	template, variant int64
}

// seedVariant gives the template tmpl a variant, as OpenERP gives every
// template a person makes one: a template without a variant is not created
// on QoQa (see TestTemplateIsCreatedOnQoQaWithItsFirstVariant).
func seedVariant(w *world, tmpl int64) int64 {
	w.t.Helper()
	return w.erp.Seed("product.product", map[string]any{"name": "Variante", "product_tmpl_id": tmpl, "default_code": fmt.Sprint("V-", tmpl)})[0]
}

// seedLamp seeds the attributes, the sets and the lamp, in French and
// German.
func seedLamp(w *world) lamp {
	w.t.Helper()
	w.erp.AddField("product.template", "x_brand", openerptest.Field{Type: "char"})
	w.erp.AddField("product.template", "x_highlights", openerptest.Field{Type: "text", Translate: true})
	attrs := w.erp.Seed("attribute.attribute",
		map[string]any{"name": "x_color", "attribute_type": "char", "translate": true},
		map[string]any{"name": "x_care", "attribute_type": "text", "translate": true},
		map[string]any{"name": "x_material", "attribute_type": "select"},
		map[string]any{"name": "x_sockets", "attribute_type": "multiselect"},
		map[string]any{"name": "x_dimmable", "attribute_type": "boolean"},
		map[string]any{"name": "x_watts", "attribute_type": "integer"},
		map[string]any{"name": "x_weight", "attribute_type": "float"},
		map[string]any{"name": "x_launch", "attribute_type": "date"},
		map[string]any{"name": "x_supplier_code", "attribute_type": "char"}, // in no set
	)
	sets := w.erp.Seed("attribute.set",
		map[string]any{"name": "Lamps", "attribute_ids": []any{openerp.CmdReplace(attrs[:8]...)}},
		map[string]any{"name": "Lamp variants", "attribute_ids": []any{openerp.CmdReplace(attrs[0], attrs[5])}},
	)
	categ := w.erp.Seed("product.category", map[string]any{"name": "Lighting"})[0]
	tmpl := w.erp.Seed("product.template", map[string]any{
		"name": "Lampe", "description_sale": "Une lampe", "description": "internal: supplier X", "categ_id": categ,
		"attribute_set_id": sets[0], "x_brand": "Lumo", "x_highlights": "Brille",
		"x_color": "rouge", "x_care": "Essuyer", "x_material": "brass", "x_sockets": "E27, E14", "x_dimmable": true,
		"x_watts": int64(40), "x_weight": 1.5, "x_launch": "2026-03-01", "x_supplier_code": "SUP-9",
	})[0]
	w.translate("product.template", tmpl, "fr_FR", openerp.Values{"name": "Lampe", "description_sale": "Une lampe", "x_highlights": "Brille", "x_color": "rouge", "x_care": "Essuyer"})
	w.translate("product.template", tmpl, "de_DE", openerp.Values{"name": "Leuchte", "description_sale": "Eine Leuchte", "x_highlights": "Leuchtet", "x_color": "rot", "x_care": "Abwischen"})
	variant := w.erp.Seed("product.product", map[string]any{
		"name": "Lampe", "product_tmpl_id": tmpl, "default_code": "LAMP-1", "ean13": "7610000000017",
		"attribute_set_id": sets[1], "x_color": "bleu", "x_watts": int64(60), "x_weight": 2.5,
	})[0]
	w.translate("product.product", variant, "fr_FR", openerp.Values{"name": "Lampe", "x_color": "bleu"})
	w.translate("product.product", variant, "de_DE", openerp.Values{"name": "Leuchte", "x_color": "blau"})
	return lamp{template: tmpl, variant: variant}
}

// A template and its variant authored in OpenERP are created on QoQa with
// every field of the contract, the attributes of their set and only those,
// typed by kind, and their translations in every language; a change updates
// them under their QoQa IDs, a run without change sends nothing, and an
// archived or deleted one is deleted on QoQa.
func TestProductExport(t *testing.T) {
	t.Parallel()
	w := newWorld(t, exporting)
	l := seedLamp(w)

	w.requireSynced()
	assert.Equal(t, 1, w.qoqa.Calls("product", "POST"))
	assert.Equal(t, 1, w.qoqa.Calls("variation", "POST"))
	product := w.remote("product", "product", l.template)
	assert.Equal(t, map[string]any{
		"category":  "Lighting",
		"is_active": true,
		"attributes": map[string]any{
			"x_material": "brass", "x_sockets": []any{"E27", "E14"}, "x_dimmable": true,
			"x_watts": float64(40), "x_weight": 1.5, "x_launch": "2026-03-01",
		},
		"translations": []any{
			map[string]any{"language_id": float64(1), "name": "Lampe", "description": "Une lampe", "brand": "Lumo", "highlights": "Brille",
				"attributes": map[string]any{"x_color": "rouge", "x_care": "Essuyer"}},
			map[string]any{"language_id": float64(2), "name": "Leuchte", "description": "Eine Leuchte", "brand": "Lumo", "highlights": "Leuchtet",
				"attributes": map[string]any{"x_color": "rot", "x_care": "Abwischen"}},
		},
	}, contractFields(product))
	variation := w.remote("variation", "variation", l.variant)
	assert.Equal(t, map[string]any{
		"product_id": float64(product["id"].(int64)), "sku": "LAMP-1", "ean": "7610000000017", "is_active": true,
		"attributes": map[string]any{"x_watts": float64(60)},
		"translations": []any{
			map[string]any{"language_id": float64(1), "name": "Lampe", "attributes": map[string]any{"x_color": "bleu"}},
			map[string]any{"language_id": float64(2), "name": "Leuchte", "attributes": map[string]any{"x_color": "blau"}},
		},
	}, contractFields(variation))

	w.translate("product.template", l.template, "de_DE", openerp.Values{"name": "Stehleuchte"})
	w.requireSynced()
	assert.Equal(t, 1, w.qoqa.Calls("product", "POST"), "a change creates nothing")
	assert.Equal(t, 1, w.qoqa.Calls("product", "PUT"))
	assert.Equal(t, 0, w.qoqa.Calls("variation", "PUT"), "the unchanged variant is not sent")
	product = w.remote("product", "product", l.template)
	assert.Equal(t, "Stehleuchte", product["translations"].([]any)[1].(map[string]any)["name"], "updated under the stored ID")
	w.write("product.product", l.variant, openerp.Values{"default_code": "LAMP-1B", "x_watts": int64(75)})
	w.requireSynced()
	assert.Equal(t, 1, w.qoqa.Calls("variation", "POST"))
	assert.Equal(t, 1, w.qoqa.Calls("variation", "PUT"))
	variation = w.remote("variation", "variation", l.variant)
	assert.Equal(t, "LAMP-1B", variation["sku"], "updated under the stored ID")
	assert.Equal(t, map[string]any{"x_watts": float64(75)}, variation["attributes"])

	writes := w.qoqaWrites()
	w.requireSynced()
	assert.Equal(t, writes, w.qoqaWrites(), "a run with no change sends nothing")

	w.write("product.template", l.template, openerp.Values{"active": false})
	w.requireSynced()
	assert.Equal(t, 1, w.qoqa.Calls("product", "DELETE"), "an archived template is deleted on QoQa")
	assert.Zero(t, w.qoqa.Count("product"))
	assert.Equal(t, connector.RemoteDeleted, w.bound("product", l.template).RemoteState)
	w.write("product.template", l.template, openerp.Values{"active": true})
	w.requireSynced()
	assert.Equal(t, 2, w.qoqa.Calls("product", "POST"), "reactivated, it is created again")
	assert.Equal(t, connector.RemoteLive, w.bound("product", l.template).RemoteState)

	require.NoError(t, w.oc.Unlink(w.ctx, "product.product", []int64{l.variant}))
	w.requireSynced()
	assert.Equal(t, 1, w.qoqa.Calls("variation", "DELETE"), "a deleted variant is deleted on QoQa")
	_, err := w.store.ByLocal(w.ctx, "variation", itoa(l.variant))
	assert.ErrorIs(t, err, connector.ErrNotBound, "and its binding goes")
}

// A product of QoQa's history (created in OpenERP by an import, which wrote
// its reference) is never sent back: neither while unbound nor once bound
// and edited in OpenERP.
func TestProductFromHistoryIsNeverExported(t *testing.T) {
	t.Parallel()
	for name, bound := range map[string]bool{"unbound": false, "bound and edited": true} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, func(b *backend.Backend) {
				exporting(b)
				b.Models["product"] = backend.ModelSettings{ExportInterval: time.Minute, RefField: "x_qoqa_ref"}
			})
			w.erp.AddField("product.template", "x_qoqa_ref", openerptest.Field{Type: "char"})
			history := w.erp.Seed("product.template", map[string]any{"name": "Old lamp", "x_qoqa_ref": connector.Ref("product", "77", 0)})[0]
			authored := w.erp.Seed("product.template", map[string]any{"name": "New lamp"})[0]
			seedVariant(w, authored)
			if bound {
				w.bind("product", history, 77)
			}
			w.requireSynced()
			assert.Equal(t, 1, w.qoqa.Calls("product", "POST"), "only the authored product is created")
			assert.Zero(t, w.qoqa.Calls("product", "PUT"), "the history product is not updated")
			w.bound("product", authored)
		})
	}
}

// A set made after the attributes were read, with an attribute made after
// too, is read at once: its product is exported with that attribute.
func TestProductOfANewAttributeSet(t *testing.T) {
	t.Parallel()
	w := newWorld(t, exporting)
	seedLamp(w)
	w.requireSynced()

	attr := w.erp.Seed("attribute.attribute", map[string]any{"name": "x_shade", "attribute_type": "select"})[0]
	set := w.erp.Seed("attribute.set", map[string]any{"name": "Shades", "attribute_ids": []any{openerp.CmdReplace(attr)}})[0]
	shade := w.erp.Seed("product.template", map[string]any{"name": "Abat-jour", "attribute_set_id": set, "x_shade": "linen"})[0]
	seedVariant(w, shade)
	w.requireSynced()
	assert.Equal(t, map[string]any{"x_shade": "linen"}, w.remote("product", "product", shade)["attributes"])
}

// An archived template follows the deletion policy the backend sets for
// products: deleted on QoQa (the default), archived there, or left alone.
func TestProductDeletionFollowsThePolicy(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name       string
		policy     connector.DeletePolicy
		state      connector.RemoteState
		onQoQa     bool
		qoqaActive bool
	}{
		{name: "default: delete", policy: "", state: connector.RemoteDeleted},
		{name: "archive", policy: connector.ArchiveRemote, state: connector.RemoteArchived, onQoQa: true},
		{name: "ignore", policy: connector.IgnoreDelete, state: connector.RemoteKept, onQoQa: true, qoqaActive: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, func(b *backend.Backend) {
				exporting(b)
				b.Models["product"] = backend.ModelSettings{ExportInterval: time.Minute, DeletePolicy: c.policy}
			})
			id := w.erp.Seed("product.template", map[string]any{"name": "Lampe"})[0]
			seedVariant(w, id)
			w.requireSynced()
			remoteID := mustID(w.bound("product", id).RemoteID)

			w.write("product.template", id, openerp.Values{"active": false})
			w.requireSynced()
			assert.Equal(t, c.state, w.bound("product", id).RemoteState)
			rec, ok := w.qoqa.Record("product", remoteID)
			require.Equal(t, c.onQoQa, ok)
			if ok {
				assert.Equal(t, c.qoqaActive, rec["is_active"])
			}
		})
	}
}

// OpenERP 7.0 keeps active on variants only: a template model without it
// is exported as active, and its variants are still archived one by one.
func TestProductOfATemplateModelWithoutActive(t *testing.T) {
	t.Parallel()
	models := openerptest.DefaultModels()
	delete(models["product.template"], "active")
	w := newWorldOn(t, openerptest.Options{Models: models}, exporting)
	tmpl := w.erp.Seed("product.template", map[string]any{"name": "Lampe"})[0]
	variant := w.erp.Seed("product.product", map[string]any{"name": "Lampe", "product_tmpl_id": tmpl, "default_code": "LAMP"})[0]

	w.requireSynced()
	assert.Equal(t, true, w.remote("product", "product", tmpl)["is_active"])
	w.write("product.product", variant, openerp.Values{"active": false})
	w.requireSynced()
	assert.Equal(t, 1, w.qoqa.Calls("variation", "DELETE"))
}

// fakeClock is a clock a test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// A change of an attribute set, or of an attribute of a set, reaches the
// QoQa records of that set's products by the export poll alone: the
// product's own write_date did not move, and no product is edited.
func TestAttributeSetChangeIsPolled(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name     string
		change   func(t *testing.T, w *world, l lamp)
		endpoint string
		check    func(t *testing.T, w *world, l lamp)
	}{
		{
			name:     "an attribute added to the template's set",
			endpoint: "product",
			change: func(t *testing.T, w *world, l lamp) {
				w.write("attribute.set", lampSet(t, w, l), openerp.Values{"attribute_ids": []any{openerp.CmdLink(attributeNamed(t, w, "x_supplier_code"))}})
			},
			check: func(t *testing.T, w *world, l lamp) {
				attrs := w.remote("product", "product", l.template)["attributes"].(map[string]any)
				assert.Equal(t, "SUP-9", attrs["x_supplier_code"])
			},
		},
		{
			name:     "an attribute of the set translated from now on",
			endpoint: "product",
			change: func(t *testing.T, w *world, l lamp) {
				w.write("attribute.attribute", attributeNamed(t, w, "x_material"), openerp.Values{"translate": true})
			},
			check: func(t *testing.T, w *world, l lamp) {
				product := w.remote("product", "product", l.template)
				assert.NotContains(t, product["attributes"], "x_material")
				for _, tr := range product["translations"].([]any) {
					assert.Equal(t, "brass", tr.(map[string]any)["attributes"].(map[string]any)["x_material"], "in each translation")
				}
			},
		},
		{
			name:     "an attribute added to the variant's set",
			endpoint: "variation",
			change: func(t *testing.T, w *world, l lamp) {
				rec, ok := w.erp.Get("product.product", l.variant, "")
				require.True(t, ok)
				set, err := connector.Int(firstID(rec["attribute_set_id"]))
				require.NoError(t, err)
				w.write("attribute.set", set, openerp.Values{"attribute_ids": []any{openerp.CmdLink(attributeNamed(t, w, "x_weight"))}})
			},
			check: func(t *testing.T, w *world, l lamp) {
				assert.Equal(t, 2.5, w.remote("variation", "variation", l.variant)["attributes"].(map[string]any)["x_weight"])
			},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			clock := &fakeClock{t: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
			w := newWorldOn(t, openerptest.Options{Now: clock.Now}, exporting)
			l := seedLamp(w)
			w.requireSynced()
			// A poll later, the lamp is out of the polls' overlap.
			clock.Add(10 * time.Minute)
			w.requireSynced()
			clock.Add(10 * time.Minute)
			before := w.qoqaWrites()

			c.change(t, w, l)
			w.requireSynced()
			assert.Equal(t, before+1, w.qoqaWrites(), "one update")
			assert.Equal(t, 2, w.qoqa.Calls(c.endpoint, "PUT")+w.qoqa.Calls(c.endpoint, "POST"), "the %s is updated", c.endpoint)
			c.check(t, w, l)

			clock.Add(10 * time.Minute)
			w.requireSynced()
			assert.Equal(t, before+1, w.qoqaWrites(), "a run with no change sends nothing")
		})
	}
}

// A translated multiselect attribute whose options base_custom_attributes
// keeps in attribute.option (a many2many) goes to QoQa with the options'
// names in each language; a batch of records reads the names once per
// language.
func TestMultiselectOptionNamesInEachLanguage(t *testing.T) {
	t.Parallel()
	models := openerptest.DefaultModels()
	models["attribute.option"] = map[string]openerptest.Field{
		"name":         {Type: "char", Translate: true, Required: true},
		"attribute_id": {Type: "many2one", Relation: "attribute.attribute"},
	}
	w := newWorldOn(t, openerptest.Options{Models: models}, exporting)
	attr := w.erp.Seed("attribute.attribute", map[string]any{"name": "x_colors", "attribute_type": "multiselect", "translate": true})[0]
	for _, m := range []string{"product.template", "product.product"} {
		w.erp.AddField(m, "x_colors", openerptest.Field{Type: "many2many", Relation: "attribute.option"})
	}
	opts := w.erp.Seed("attribute.option", map[string]any{"name": "rouge", "attribute_id": attr}, map[string]any{"name": "bleu", "attribute_id": attr})
	w.erp.Translate("attribute.option", opts[0], map[string]map[string]any{"de_DE": {"name": "rot"}})
	w.erp.Translate("attribute.option", opts[1], map[string]map[string]any{"de_DE": {"name": "blau"}})
	set := w.erp.Seed("attribute.set", map[string]any{"name": "Lamps", "attribute_ids": []any{openerp.CmdReplace(attr)}})[0]
	lamps := w.erp.Seed("product.template",
		map[string]any{"name": "Lampe", "attribute_set_id": set, "x_colors": []any{openerp.CmdReplace(opts...)}},
		map[string]any{"name": "Applique", "attribute_set_id": set, "x_colors": []any{openerp.CmdReplace(opts[1])}},
	)
	for _, l := range lamps {
		seedVariant(w, l)
	}

	batch, ok := w.flows.Exports["product"].Local.(interface {
		ReadMany(ctx context.Context, ids []string) ([]connector.Record, error)
	})
	require.True(t, ok)
	reads := w.erp.Calls("attribute.option", "read")
	recs, err := batch.ReadMany(w.ctx, []string{itoa(lamps[0]), itoa(lamps[1])})
	require.NoError(t, err)
	require.Len(t, recs, 2)
	assert.Equal(t, reads+2, w.erp.Calls("attribute.option", "read"), "one read per language for the batch")
	assert.Equal(t, connector.Translations{"fr_FR": []any{"bleu"}, "de_DE": []any{"blau"}}, recs[1].Fields["x_colors"])

	w.requireSynced()
	var got []any
	for _, tr := range w.remote("product", "product", lamps[0])["translations"].([]any) {
		entry := tr.(map[string]any)
		got = append(got, entry["language_id"], entry["attributes"].(map[string]any)["x_colors"])
	}
	assert.Equal(t, []any{float64(1), []any{"rouge", "bleu"}, float64(2), []any{"rot", "blau"}}, got)
	assert.NotContains(t, w.remote("product", "product", lamps[0])["attributes"], "x_colors", "a translated attribute goes in the translations")

	// An option renamed is a changed product, exported with its next change.
	w.erp.Translate("attribute.option", opts[1], map[string]map[string]any{"de_DE": {"name": "dunkelblau"}})
	w.translate("product.template", lamps[1], "de_DE", openerp.Values{"name": "Wandleuchte"})
	w.requireSynced()
	de := w.remote("product", "product", lamps[1])["translations"].([]any)[1].(map[string]any)
	assert.Equal(t, []any{"dunkelblau"}, de["attributes"].(map[string]any)["x_colors"])
}

// A product of a set the catalogue did not know, holding an attribute it did
// not know either, is read again at once with that attribute's field: its
// read names none of the fields it was read without.
func TestProductOfANewSetIsReadWithItsNewAttribute(t *testing.T) {
	t.Parallel()
	w := newWorld(t, exporting)
	l := seedLamp(w)
	w.requireSynced()
	// A read now leaves the catalogue read, whatever the polls did.
	_, err := w.flows.Exports["product"].Local.Read(w.ctx, itoa(l.template))
	require.NoError(t, err)

	attr := w.erp.Seed("attribute.attribute", map[string]any{"name": "x_shape", "attribute_type": "char"})[0]
	set := w.erp.Seed("attribute.set", map[string]any{"name": "Shades", "attribute_ids": []any{openerp.CmdReplace(attr)}})[0]
	shade := w.erp.Seed("product.template", map[string]any{"name": "Abat-jour", "attribute_set_id": set, "x_shape": "cone"})[0]
	seedVariant(w, shade)
	reads := w.erp.Calls("product.template", "read")
	rec, err := w.flows.Exports["product"].Local.Read(w.ctx, itoa(shade))
	require.NoError(t, err, "read again, not retried")
	assert.Equal(t, "cone", rec.Fields["x_shape"])
	assert.Equal(t, reads+4, w.erp.Calls("product.template", "read"), "read twice, in each language")

	w.requireSynced()
	assert.Equal(t, "cone", w.remote("product", "product", shade)["attributes"].(map[string]any)["x_shape"])
	assert.NotContains(t, w.remote("product", "product", l.template)["attributes"], "x_shape", "in the lamp's set it is not")
}

// A template or variant created again on QoQa takes every record that points
// at it along: each variant of the template, each offer with a position on
// the variant (one export per offer, though it has two positions on it).
func TestRecreatedProductTakesItsDependentsAlong(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		model, local string
		id           func(l lamp) int64
		// creates is how many QoQa records of the model are created in
		// all: the lamp has two variants.
		creates int
		// check asserts that the dependents point at the live record.
		check func(t *testing.T, w *world, l lamp, offers []int64)
	}{
		{model: "product", local: "product.template", id: func(l lamp) int64 { return l.template }, creates: 2,
			check: func(t *testing.T, w *world, l lamp, _ []int64) {
				live := float64(mustID(w.bound("product", l.template).RemoteID))
				ids, err := w.oc.Search(w.ctx, "product.product", openerp.Where("product_tmpl_id", "=", l.template), openerp.SearchOptions{})
				require.NoError(t, err)
				require.Len(t, ids, 2)
				for _, id := range ids {
					assert.Equal(t, live, w.remote("variation", "variation", id)["product_id"], "variant %d", id)
				}
			}},
		{model: "variation", local: "product.product", id: func(l lamp) int64 { return l.variant }, creates: 3,
			check: func(t *testing.T, w *world, l lamp, offers []int64) {
				live := float64(mustID(w.bound("variation", l.variant).RemoteID))
				for _, offer := range offers {
					for _, p := range w.remote("offer", "offer", offer)["positions"].([]any) {
						assert.Equal(t, live, p.(map[string]any)["variation_id"], "offer %d", offer)
					}
				}
				assert.Equal(t, 2+2, w.qoqa.Calls("offer", "POST")+w.qoqa.Calls("offer", "PUT"), "each offer created, then updated once")
			}},
	} {
		t.Run(c.model, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, exporting)
			l := seedLamp(w)
			w.erp.Seed("product.product", map[string]any{"name": "Lampe", "product_tmpl_id": l.template, "default_code": "LAMP-2"})
			first, _, _ := seedOffer(w, l)
			second, _, _ := seedOffer(w, l)
			w.write("qoqa.offer", second, openerp.Values{"position_ids": []any{openerp.CmdCreate(openerp.Values{"product_id": l.variant, "unit_price": 19.9})}})
			w.requireSynced()

			w.write(c.local, c.id(l), openerp.Values{"active": false})
			w.requireSynced()
			w.write(c.local, c.id(l), openerp.Values{"active": true})
			w.requireSynced()
			require.Equal(t, c.creates, w.qoqa.Calls(c.model, "POST"), "created again")
			c.check(t, w, l, []int64{first, second})
		})
	}
}

// A template is created on QoQa with its first variant: alone, it is not
// sent (an import of QoQa's history whose create answer was lost leaves such
// a template behind, with nothing else to tell it by); once it has one, the
// variant's export sends it first.
func TestTemplateIsCreatedOnQoQaWithItsFirstVariant(t *testing.T) {
	t.Parallel()
	w := newWorld(t, exporting)
	tmpl := w.erp.Seed("product.template", map[string]any{"name": "Lampe"})[0]
	w.requireSynced()
	assert.Zero(t, w.qoqa.Calls("product", "POST"), "a template without a variant is not sent")
	_, err := w.store.ByLocal(w.ctx, "product", itoa(tmpl))
	require.ErrorIs(t, err, connector.ErrNotBound)

	variant := seedVariant(w, tmpl)
	w.requireSynced()
	assert.Equal(t, 1, w.qoqa.Calls("product", "POST"))
	assert.Equal(t, 1, w.qoqa.Calls("variation", "POST"))
	assert.EqualValues(t, mustID(w.bound("product", tmpl).RemoteID), w.remote("variation", "variation", variant)["product_id"], "a variation of the product")
}

package openerptest_test

// The fake's ORM against OpenERP 7.0's orm.py, fields.py and
// expression.py, beyond the review's cases: foreign keys on unlink and in
// one2many commands, the SQL of each domain operator, what read answers.

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
)

// An unlink is one DELETE whose foreign keys act as PostgreSQL's do.
func TestUnlinkFollowsForeignKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	type world struct {
		s                               *openerptest.Server
		company, contact, tmpl, variant int64
		order, line, attr, aset         int64
	}
	seed := func(t *testing.T) (world, *openerp.Client) {
		s, c := setup(t, openerptest.Options{})
		w := world{s: s}
		w.company = s.Seed("res.partner", map[string]any{"name": "Acme"})[0]
		w.contact = s.Seed("res.partner", map[string]any{"name": "Ada", "parent_id": w.company})[0]
		w.tmpl = s.Seed("product.template", map[string]any{"name": "Lamp"})[0]
		w.variant = s.Seed("product.product", map[string]any{"product_tmpl_id": w.tmpl})[0]
		w.order = s.Seed("sale.order", map[string]any{"partner_id": w.contact, "order_line": []any{openerp.CmdCreate(openerp.Values{"product_id": w.variant})}})[0]
		order, _ := s.Get("sale.order", w.order, "")
		w.line = order["order_line"].([]any)[0].(int64)
		w.attr = s.Seed("attribute.attribute", map[string]any{"name": "x_colour", "attribute_type": "char"})[0]
		w.aset = s.Seed("attribute.set", map[string]any{"name": "Lamps", "attribute_ids": []any{openerp.CmdReplace(w.attr)}})[0]
		return w, c
	}
	cases := []struct {
		name  string
		model string
		id    func(world) int64
		check func(t *testing.T, w world, err error)
	}{
		{"cascade: a template takes its variants", "product.template", func(w world) int64 { return w.tmpl }, func(t *testing.T, w world, err error) {
			require.NoError(t, err)
			assert.Zero(t, w.s.Count("product.product"), "product_tmpl_id is ondelete cascade")
		}},
		{"cascade: an order takes its lines", "sale.order", func(w world) int64 { return w.order }, func(t *testing.T, w world, err error) {
			require.NoError(t, err)
			assert.Zero(t, w.s.Count("sale.order.line"))
		}},
		{"set null on a required many2one refuses the whole unlink", "res.partner", func(w world) int64 { return w.contact }, func(t *testing.T, w world, err error) {
			require.ErrorIs(t, err, openerp.ErrValidation, "sale.order's partner_id is NOT NULL")
			assert.ErrorContains(t, err, "sale.order", "7.0 names the table of the violated constraint")
			assert.Equal(t, 2, w.s.Count("res.partner"), "nothing was deleted")
		}},
		{"set null where a cascade reaches a record that others reference", "product.template", func(w world) int64 { return w.tmpl }, func(t *testing.T, w world, err error) {
			require.NoError(t, err, "sale.order.line's product_id is not required: set null")
			rec, ok := w.s.Get("sale.order.line", w.line, "")
			require.True(t, ok)
			assert.Equal(t, false, rec["product_id"])
		}},
		{"many2many links go with the record", "attribute.attribute", func(w world) int64 { return w.attr }, func(t *testing.T, w world, err error) {
			require.NoError(t, err)
			rec, ok := w.s.Get("attribute.set", w.aset, "")
			require.True(t, ok)
			assert.Equal(t, []any{}, rec["attribute_ids"])
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w, c := seed(t)
			tc.check(t, w, c.Unlink(ctx, tc.model, []int64{tc.id(w)}))
		})
	}
}

// 7.0's one2many.set: (3, id) and (5,) delete the children whose many2one
// is ondelete cascade, and only empty the many2one of the others; (6, 0,
// ids) writes False to the many2one of the children it leaves out, which a
// required one refuses.
func TestOne2ManyUnlinkCommandsFollowOnDelete(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const deleted, unlinked, refused = "deleted", "unlinked", "refused"
	cases := []struct {
		name        string
		cmd         func(child int64) []any
		parentModel string
		want        string
	}{
		{"(3, id) on a cascade deletes", func(child int64) []any { return []any{int64(3), child, false} }, "sale.order", deleted},
		{"(5,) on a cascade deletes", func(int64) []any { return []any{int64(5)} }, "sale.order", deleted},
		{"(6, 0, []) on a required many2one is refused", func(int64) []any { return openerp.CmdReplace() }, "sale.order", refused},
		{"(3, id) on a set null unlinks", func(child int64) []any { return []any{int64(3), child, false} }, "res.partner", unlinked},
		{"(5,) on a set null unlinks", func(int64) []any { return []any{int64(5)} }, "res.partner", unlinked},
		{"(6, 0, []) on a set null unlinks", func(int64) []any { return openerp.CmdReplace() }, "res.partner", unlinked},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, c := setup(t, openerptest.Options{})
			partner := s.Seed("res.partner", map[string]any{"name": "Ada"})[0]
			parent, childModel, field, inverse := partner, "res.partner", "child_ids", "parent_id"
			if tc.parentModel == "sale.order" {
				parent = s.Seed("sale.order", map[string]any{"partner_id": partner})[0]
				childModel, field, inverse = "sale.order.line", "order_line", "order_id"
			}
			child := s.Seed(childModel, map[string]any{"name": "child", inverse: parent})[0]
			err := c.Write(ctx, tc.parentModel, []int64{parent}, openerp.Values{field: []any{tc.cmd(child)}}, nil)
			rec, ok := s.Get(childModel, child, "")
			switch tc.want {
			case deleted:
				require.NoError(t, err)
				assert.False(t, ok, "the child is gone")
			case unlinked:
				require.NoError(t, err)
				require.True(t, ok, "the child is kept")
				assert.Equal(t, false, rec[inverse])
			case refused:
				require.ErrorIs(t, err, openerp.ErrValidation)
				require.True(t, ok, "the child is kept")
				assert.Equal(t, parent, rec[inverse].([]any)[0])
			}
		})
	}
}

// Each operator as 7.0's __leaf_to_sql writes it, NULL included: Ada has
// ref "A", Bob has no ref (NULL), Cy has the empty ref "".
func TestDomainOperatorsWithNull(t *testing.T) {
	t.Parallel()
	s, c := setup(t, openerptest.Options{})
	ctx := context.Background()
	ada := s.Seed("res.partner", map[string]any{"name": "Ada", "ref": "A", "customer": true, "city": "Bern"})[0]
	bob := s.Seed("res.partner", map[string]any{"name": "Bob"})[0]
	cy := s.Seed("res.partner", map[string]any{"name": "C_y 100%", "ref": ""})[0]
	cases := []struct {
		domain openerp.Domain
		want   []int64
	}{
		{openerp.Where("ref", "=", false), []int64{bob}},
		{openerp.Where("ref", "!=", false), []int64{ada, cy}},
		{openerp.Where("ref", "=", ""), []int64{cy}},
		{openerp.Where("ref", "in", []any{"A", false}), []int64{ada, bob}},
		{openerp.Where("ref", "not in", []any{"A"}), []int64{bob, cy}},
		{openerp.Where("ref", "not in", []any{"A", false}), []int64{cy}},
		{openerp.Where("ref", "in", []any{}), nil},
		{openerp.Where("ref", "not in", []any{}), []int64{ada, bob, cy}},
		{openerp.Not(openerp.Where("ref", "in", []any{"A"})), []int64{bob, cy}},
		{openerp.Where("ref", "=?", false), []int64{ada, bob, cy}},
		{openerp.Where("ref", "=?", "A"), []int64{ada}},
		{openerp.Where("ref", "ilike", ""), []int64{ada, bob, cy}},
		{openerp.Where("ref", "not ilike", ""), []int64{bob}},
		{openerp.Where("ref", "=like", "_"), []int64{ada}},
		{openerp.Not(openerp.Where("ref", "=like", "_")), []int64{cy}},
		{openerp.Where("name", "like", "100%"), []int64{cy}},
		{openerp.Where("name", "like", `C\_y`), []int64{cy}},
		{openerp.Where("name", "=ilike", "a%"), []int64{ada}},
		{openerp.Where("customer", "=", false), []int64{bob, cy}},
		{openerp.Where("customer", "!=", true), []int64{bob, cy}},
		{openerp.Where("city", "<", "Zurich"), []int64{ada}},
		{openerp.Not(openerp.Where("city", ">=", "Zurich")), []int64{ada}},
		{openerp.Or(openerp.Where("ref", "=", "A"), openerp.Where("city", "!=", "Bern")), []int64{ada}},
	}
	for _, tc := range cases {
		got, err := c.Search(ctx, "res.partner", tc.domain, openerp.SearchOptions{})
		require.NoError(t, err)
		assert.Equal(t, tc.want, nilIfEmpty(got), "%v", tc.domain)
	}
}

func nilIfEmpty(ids []int64) []int64 {
	if len(ids) == 0 {
		return nil
	}
	return ids
}

// A translatable field searched in a language matches its translation or
// its source: 7.0's "id in (translations UNION source)".
func TestTranslatedSearchMatchesTranslationOrSource(t *testing.T) {
	t.Parallel()
	s, c := setup(t, openerptest.Options{})
	ctx := context.Background()
	id := s.Seed("product.template", map[string]any{"name": "Lamp"})[0]
	require.NoError(t, c.Write(ctx, "product.template", []int64{id}, openerp.Values{"name": "Lampe"}, openerp.Context{"lang": "fr_FR"}))
	for _, name := range []string{"Lampe", "Lamp"} {
		got, err := c.Search(ctx, "product.template", openerp.Where("name", "=", name), openerp.SearchOptions{Context: openerp.Context{"lang": "fr_FR"}})
		require.NoError(t, err)
		assert.Equal(t, []int64{id}, got, "%s in fr_FR", name)
	}
	got, err := c.Search(ctx, "product.template", openerp.Where("name", "=", "Lampe"), openerp.SearchOptions{})
	require.NoError(t, err)
	assert.Empty(t, got, "without a lang, the source only")
}

// 7.0's create writes no translation, whatever the context's lang: the
// value goes to the source column. It sets every boolean it is not given
// to False.
func TestCreateWritesTheSourceAndFalseBooleans(t *testing.T) {
	t.Parallel()
	s, c := setup(t, openerptest.Options{})
	ctx := context.Background()
	id, err := c.Create(ctx, "product.template", openerp.Values{"name": "Lampe"}, openerp.Context{"lang": "fr_FR"})
	require.NoError(t, err)
	require.NoError(t, c.Write(ctx, "product.template", []int64{id}, openerp.Values{"name": "Lamp"}, nil))
	rec, _ := s.Get("product.template", id, "fr_FR")
	assert.Equal(t, "Lamp", rec["name"], "no fr_FR translation was made: fr_FR reads the source")

	partner, err := c.Create(ctx, "res.partner", openerp.Values{"name": "Ada"}, nil)
	require.NoError(t, err)
	got, err := c.Search(ctx, "res.partner", openerp.Where("customer", "!=", true), openerp.SearchOptions{})
	require.NoError(t, err)
	assert.Equal(t, []int64{partner}, got, "customer is False, not NULL")
}

// What 7.0's read answers: __last_update as PostgreSQL prints a timestamp
// (write_date, to the second, on Odoo 8), x2many lists without archived
// records, and {'id': id} for every ID asked when no field is read from
// the table.
func TestReadAs70(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 10, 0, 0, 250_000_000, time.UTC)
	for _, tc := range []struct {
		version               int
		lastUpdate, writeDate any
	}{
		{7, "2026-03-01 10:00:00.25", nil},
		{8, "2026-03-01 10:00:00", "2026-03-01 10:00:00"},
	} {
		s, c := setup(t, openerptest.Options{Version: tc.version, Now: func() time.Time { return at }})
		id := s.Seed("res.partner", map[string]any{"name": "Ada"})[0]
		rows, err := c.Read(ctx, "res.partner", []int64{id}, []string{"__last_update", "write_date"}, nil)
		require.NoError(t, err)
		assert.Equal(t, tc.lastUpdate, rows[0]["__last_update"], "version %d", tc.version)
		assert.Equal(t, tc.writeDate, rows[0]["write_date"], "version %d", tc.version)
		desc, err := c.FieldsGet(ctx, "res.partner", []string{"type"}, nil)
		require.NoError(t, err)
		_, listed := desc["write_date"]
		assert.Equal(t, tc.version >= 8, listed, "version %d", tc.version)
	}

	s, c := setup(t, openerptest.Options{})
	attrs := s.Seed("attribute.attribute", map[string]any{"name": "x_a", "attribute_type": "char"}, map[string]any{"name": "x_b", "attribute_type": "char"})
	aset := s.Seed("attribute.set", map[string]any{"name": "Set", "attribute_ids": []any{openerp.CmdReplace(attrs...)}})[0]
	rows, err := c.Read(ctx, "attribute.set", []int64{aset, 99}, []string{"attribute_ids", "x_nothing"}, nil)
	require.NoError(t, err)
	assert.Equal(t, []openerp.Values{{"id": aset, "attribute_ids": []any{attrs[0], attrs[1]}}, {"id": int64(99), "attribute_ids": []any{}}}, rows,
		"no field read from the table: 7.0 answers every ID asked, the missing one too")

	desc, err := c.FieldsGet(ctx, "res.partner", []string{"selection"}, nil)
	require.NoError(t, err)
	assert.Contains(t, desc["type"]["selection"], []any{"delivery", "delivery"})
}

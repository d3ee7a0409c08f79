package openerptest_test

// Review 10: where the fake OpenERP 7.0 disagrees with OpenERP 7.0's own
// source (openerp/osv/orm.py, openerp/osv/fields.py,
// openerp/osv/expression.py of branch 7.0). Each test states what 7.0 does
// and fails while the fake does otherwise.

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
)

// 7.0's read ignores a field name the model lacks: check_field_access_rights
// lets it through ("Ignore requested field if it doesn't exist"), and
// _read_flat reads only the names found in _columns, so the record comes
// back without that key and without a fault. (The ValueError "Invalid field
// ... on model ..." is Odoo 13+.) The fake faults, so the adapter's Fields
// list fails on the fake where it works on 7.0.
func TestReviewReadIgnoresUnknownFieldAs70(t *testing.T) {
	t.Parallel()
	s, c := setup(t, openerptest.Options{})
	id := s.Seed("res.partner", map[string]any{"name": "Ada"})[0]
	rows, err := c.Read(context.Background(), "res.partner", []int64{id}, []string{"name", "x_qoqa_id"}, nil)
	require.NoError(t, err, "OpenERP 7.0 reads the known fields and ignores x_qoqa_id")
	require.Len(t, rows, 1)
	assert.Equal(t, "Ada", rows[0]["name"])
	assert.NotContains(t, rows[0], "x_qoqa_id")
}

// 7.0 does not put the log-access columns in a model's _columns
// (BaseModel.__init__ only loads manual fields; _add_log_columns adds the SQL
// columns, not fields), and _read_flat reads only _columns plus
// CONCURRENCY_CHECK_FIELD "__last_update" (COALESCE(write_date,
// create_date, now)). So on a standard model such as res.partner,
// read(ids, ['write_date']) returns no write_date, fields_get lists none,
// and "__last_update" is what carries the version. The fake answers
// write_date and faults on __last_update: the adapter's UpdatedAt (read from
// write_date) works on the fake and is always zero on 7.0.
func TestReviewWriteDateIsNotAReadableFieldOn70(t *testing.T) {
	t.Parallel()
	s, c := setup(t, openerptest.Options{})
	ctx := context.Background()
	id := s.Seed("res.partner", map[string]any{"name": "Ada"})[0]

	rows, err := c.Read(ctx, "res.partner", []int64{id}, []string{"__last_update"}, nil)
	require.NoError(t, err, "7.0's read answers __last_update, the concurrency check field")
	require.Len(t, rows, 1)
	assert.IsType(t, "", rows[0]["__last_update"])

	rows, err = c.Read(ctx, "res.partner", []int64{id}, []string{"name", "write_date"}, nil)
	require.NoError(t, err)
	require.Len(t, rows, 1)
	assert.NotContains(t, rows[0], "write_date", "write_date is no field of res.partner on 7.0")

	desc, err := c.FieldsGet(ctx, "res.partner", []string{"type"}, nil)
	require.NoError(t, err)
	assert.NotContains(t, desc, "write_date", "7.0's fields_get iterates _columns, which lacks the log-access columns")
}

// 7.0's one2many.get (fields.py) reads the children with
// obj.search(cr, user, domain + [(fields_id, 'in', ids)], context=context):
// a search, so active_test applies and archived children are left out
// unless the context says active_test False. The fake lists every child.
func TestReviewOne2ManyLeavesOutArchivedChildren(t *testing.T) {
	t.Parallel()
	s, c := setup(t, openerptest.Options{})
	ctx := context.Background()
	tmpl := s.Seed("product.template", map[string]any{"name": "Lamp"})[0]
	live := s.Seed("product.product", map[string]any{"product_tmpl_id": tmpl, "default_code": "L-1"})[0]
	archived := s.Seed("product.product", map[string]any{"product_tmpl_id": tmpl, "default_code": "L-2", "active": false})[0]

	rows, err := c.Read(ctx, "product.template", []int64{tmpl}, []string{"product_variant_ids"}, nil)
	require.NoError(t, err)
	assert.Equal(t, []int64{live}, rows[0].IDs("product_variant_ids"), "an archived variant is not in the one2many")

	rows, err = c.Read(ctx, "product.template", []int64{tmpl}, []string{"product_variant_ids"}, openerp.Context{"active_test": false})
	require.NoError(t, err)
	assert.Equal(t, []int64{live, archived}, rows[0].IDs("product_variant_ids"), "active_test False lists it")
}

// A many2one's ondelete defaults to 'set null' (fields.py: "defaults to
// 'set null' in ORM"), and 7.0's res.partner declares parent_id as
// fields.many2one('res.partner', 'Related Company', select=True): deleting
// a company leaves its contacts and addresses, with no parent. The fake
// deletes the children of every one2many, as if each inverse were
// ondelete='cascade'.
func TestReviewUnlinkSetsParentNullAs70(t *testing.T) {
	t.Parallel()
	s, c := setup(t, openerptest.Options{})
	ctx := context.Background()
	customer := s.Seed("res.partner", map[string]any{"name": "Ada"})[0]
	address := s.Seed("res.partner", map[string]any{"name": "Ada, delivery", "parent_id": customer, "type": "delivery"})[0]
	require.NoError(t, c.Unlink(ctx, "res.partner", []int64{customer}))
	rec, ok := s.Get("res.partner", address, "")
	require.True(t, ok, "the address outlives its parent: parent_id is ON DELETE SET NULL")
	assert.Equal(t, false, rec["parent_id"])
}

// 7.0's expression.__leaf_to_sql turns (f, '!=', v) into plain SQL
// "f != v", and (f, 'not ilike', v) into "f not ilike '%v%'" (the "OR f IS
// NULL" is added only for an empty pattern): SQL's NULL matches neither.
// A '!' over a term is distributed into the negated operator
// (distribute_not), with the same result. The like operators wrap the value
// in '%...%' and keep its own '%' and '_' as wildcards. The fake matches
// the empty records and compares like patterns literally.
func TestReviewDomainOperatorsAsSQL(t *testing.T) {
	t.Parallel()
	s, c := setup(t, openerptest.Options{})
	ctx := context.Background()
	withRef := s.Seed("res.partner", map[string]any{"name": "Ada", "ref": "A"})[0]
	noRef := s.Seed("res.partner", map[string]any{"name": "Bob"})[0]
	_ = noRef
	cases := []struct {
		domain openerp.Domain
		want   []int64
	}{
		{openerp.Where("ref", "!=", "B"), []int64{withRef}},
		{openerp.Where("ref", "not ilike", "b"), []int64{withRef}},
		{openerp.Not(openerp.Where("ref", "=", "B")), []int64{withRef}},
		{openerp.Where("name", "like", "A_a"), []int64{withRef}},
	}
	for _, tc := range cases {
		got, err := c.Search(ctx, "res.partner", tc.domain, openerp.SearchOptions{})
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, "%v", tc.domain)
	}
}

// 7.0's _read_flat with a lang: r[f] = res_trans.get(r['id'], False) or
// r[f]. A translation that is empty (False or "") reads as the source
// value. And 7.0's write in a language other than en_US copies the value
// into the source column when the source is empty ("if not src_trans: ...
// self.write(cr, user, ids, {f: vals[f]})"). The fake returns the empty
// translation, and leaves a False source empty.
func TestReviewTranslationsFallBackAs70(t *testing.T) {
	t.Parallel()
	s, c := setup(t, openerptest.Options{})
	ctx := context.Background()
	id := s.Seed("product.template", map[string]any{"name": "Lamp", "description": "A lamp"})[0]
	require.NoError(t, c.Write(ctx, "product.template", []int64{id}, openerp.Values{"description": false}, openerp.Context{"lang": "fr_FR"}))
	rows, err := c.Read(ctx, "product.template", []int64{id}, []string{"description"}, openerp.Context{"lang": "fr_FR"})
	require.NoError(t, err)
	assert.Equal(t, "A lamp", rows[0]["description"], "an empty translation reads as the source")

	other := s.Seed("product.template", map[string]any{"name": "Chair", "description": false})[0]
	require.NoError(t, c.Write(ctx, "product.template", []int64{other}, openerp.Values{"description": "Ein Stuhl"}, openerp.Context{"lang": "de_DE"}))
	rows, err = c.Read(ctx, "product.template", []int64{other}, []string{"description"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "Ein Stuhl", rows[0]["description"], "a translation written over an empty source fills the source")
}

// 7.0's create and write check a selection field's value
// (_check_selection_field_value, called from both: "if field in
// self._columns and hasattr(self._columns[field], 'selection') and
// vals[field]"), and refuse one that is not among the selection's keys
// ("The value ... is not in the selection"). res.partner's type is
// [default, invoice, delivery, contact, other]. The fake stores any text,
// so a mapping that writes QoQa's address kind ("shipping", "billing")
// passes on the fake and fails on every address on 7.0.
func TestReviewSelectionValuesAreChecked(t *testing.T) {
	t.Parallel()
	s, c := setup(t, openerptest.Options{})
	ctx := context.Background()
	id := s.Seed("res.partner", map[string]any{"name": "Ada"})[0]
	require.NoError(t, c.Write(ctx, "res.partner", []int64{id}, openerp.Values{"type": "delivery"}, nil))
	err := c.Write(ctx, "res.partner", []int64{id}, openerp.Values{"type": "shipping"}, nil)
	assert.ErrorIs(t, err, openerp.ErrValidation, "shipping is not in res.partner's type selection")
	_, err = c.Create(ctx, "res.partner", openerp.Values{"name": "Bob", "type": "billing"}, nil)
	assert.ErrorIs(t, err, openerp.ErrValidation, "billing is not in res.partner's type selection")
}

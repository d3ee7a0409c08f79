package adapter_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/adapter"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
)

// A reference field that belongs to one connector model keeps the bare QoQa
// ID, as the qoqa_id of the connector's models holds it; the flows still
// see whole references.
func TestOpenERPRefModelStoresTheBareID(t *testing.T) {
	t.Parallel()
	s := newOpenERPServer(t)
	a := &adapter.OpenERP{Client: newOpenERPClient(t, s), Model: "qoqa.voucher", Fields: []string{"code", "qoqa_id"}, RefField: "qoqa_id", RefModel: "voucher"}
	ctx := context.Background()

	id, err := a.Create(ctx, connector.Ref("voucher", "42", 0), map[string]any{"code": "GIFT"})
	require.NoError(t, err)
	n, _ := strconv.ParseInt(id, 10, 64)
	stored, _ := s.Get("qoqa.voucher", n, "")
	assert.Equal(t, "42", stored["qoqa_id"], "the field holds the QoQa ID")

	found, err := a.FindByRef(ctx, connector.Ref("voucher", "42", 0))
	require.NoError(t, err)
	assert.Equal(t, id, found)
	rec, err := a.Read(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "voucher/42", a.RefOf(rec), "RefOf gives back the whole reference")

	// A value written whole (by an older version, or by hand) is found too.
	old := s.Seed("qoqa.voucher", map[string]any{"code": "OLD", "qoqa_id": "voucher/7"})[0]
	found, err = a.FindByRef(ctx, connector.Ref("voucher", "7", 0))
	require.NoError(t, err)
	assert.Equal(t, strconv.FormatInt(old, 10), found)
	rec, err = a.Read(ctx, found)
	require.NoError(t, err)
	assert.Equal(t, "voucher/7", a.RefOf(rec))

	// A reference of another model or generation is kept whole, so that it
	// can never be taken for one of RefModel's.
	id, err = a.Create(ctx, connector.Ref("voucher", "42", 1), map[string]any{"code": "AGAIN"})
	require.NoError(t, err)
	n, _ = strconv.ParseInt(id, 10, 64)
	stored, _ = s.Get("qoqa.voucher", n, "")
	assert.Equal(t, "voucher/42@1", stored["qoqa_id"])

	empty := s.Seed("qoqa.voucher", map[string]any{"code": "HAND"})[0]
	rec, err = a.Read(ctx, strconv.FormatInt(empty, 10))
	require.NoError(t, err)
	assert.Empty(t, a.RefOf(rec), "a record made by a person has no reference")
}

// A natural key is found by what FindRef makes of the reference, and Create
// writes no reference over it.
func TestOpenERPFindRefSearchesANaturalKey(t *testing.T) {
	t.Parallel()
	s := newOpenERPServer(t)
	skus := map[string]string{"variation/5": "LAMP-RED"}
	a := &adapter.OpenERP{Client: newOpenERPClient(t, s), Model: "product.product", Fields: []string{"default_code"},
		FindRef: func(ctx context.Context, ref string, values map[string]any) (openerp.Domain, error) {
			if values != nil {
				return openerp.Where("default_code", "=", values["default_code"]), nil
			}
			sku, ok := skus[ref]
			if !ok {
				return nil, connector.ErrNotFound
			}
			return openerp.Where("default_code", "=", sku), nil
		}}
	ctx := context.Background()

	_, err := a.FindByRef(ctx, "variation/5")
	assert.ErrorIs(t, err, connector.ErrNotFound, "nothing has the key yet")
	id, err := a.Create(ctx, "variation/5", map[string]any{"default_code": "LAMP-RED"})
	require.NoError(t, err)
	n, _ := strconv.ParseInt(id, 10, 64)
	stored, _ := s.Get("product.product", n, "")
	assert.Equal(t, "LAMP-RED", stored["default_code"], "the key is the mapped value, not the reference")
	found, err := a.FindByRef(ctx, "variation/5")
	require.NoError(t, err)
	assert.Equal(t, id, found)
	require.NoError(t, a.Archive(ctx, id))
	found, err = a.FindByRef(ctx, "variation/5")
	require.NoError(t, err)
	assert.Equal(t, id, found, "an archived record is found too")
	_, err = a.FindByRef(ctx, "variation/6")
	assert.ErrorIs(t, err, connector.ErrNotFound, "a reference FindRef knows nothing of is not found")

	// With the values of a create, the key is theirs, and every record
	// that holds it is a candidate, oldest first.
	twin := s.Seed("product.product", map[string]any{"default_code": "LAMP-RED", "active": false})[0]
	found2, err := a.FindCandidates(ctx, "variation/6", map[string]any{"default_code": "LAMP-RED"})
	require.NoError(t, err)
	assert.Equal(t, []string{id, strconv.FormatInt(twin, 10)}, found2)
	none, err := a.FindCandidates(ctx, "variation/6", map[string]any{"default_code": "LAMP-BLUE"})
	require.NoError(t, err)
	assert.Empty(t, none)

	broken := errors.New("QoQa is unreachable")
	a.FindRef = func(context.Context, string, map[string]any) (openerp.Domain, error) { return nil, broken }
	_, err = a.FindByRef(ctx, "variation/5")
	assert.ErrorIs(t, err, broken)
	assert.NotErrorIs(t, err, connector.ErrNotFound, "a failed look-up is no proof that the record is new")
}

// Omit leaves fields out of what Read returns, so that a one2many that a
// child's own sync changes (a template's variants) does not make the
// parent look changed.
func TestOpenERPOmit(t *testing.T) {
	t.Parallel()
	s := newOpenERPServer(t)
	a := &adapter.OpenERP{Client: newOpenERPClient(t, s), Model: "product.template", Omit: []string{"product_variant_ids"}}
	ctx := context.Background()
	id, err := a.Create(ctx, "", map[string]any{"name": "Lamp"})
	require.NoError(t, err)
	before, err := a.Read(ctx, id)
	require.NoError(t, err)
	assert.NotContains(t, before.Fields, "product_variant_ids")
	assert.Contains(t, before.Fields, "name", "the other fields are read")

	n, _ := strconv.ParseInt(id, 10, 64)
	s.Seed("product.product", map[string]any{"product_tmpl_id": n})
	after, err := a.Read(ctx, id)
	require.NoError(t, err)
	hb, err := connector.HashFields(before.Fields)
	require.NoError(t, err)
	ha, err := connector.HashFields(after.Fields)
	require.NoError(t, err)
	assert.Equal(t, hb, ha, "a new variant leaves its template as it was")
}

// With both a RefField and a natural key, the reference finds the records an
// import made, and the key adopts only a record made by hand: one whose
// RefField is empty, never one that holds another reference.
func TestOpenERPRefFieldThenNaturalKey(t *testing.T) {
	t.Parallel()
	s := newOpenERPServer(t)
	a := &adapter.OpenERP{Client: newOpenERPClient(t, s), Model: "qoqa.voucher", Fields: []string{"code", "qoqa_id"}, RefField: "qoqa_id", RefModel: "voucher",
		FindRef: func(ctx context.Context, ref string, values map[string]any) (openerp.Domain, error) {
			return openerp.Where("code", "=", values["code"]), nil
		}}
	ctx := context.Background()
	other := s.Seed("qoqa.voucher", map[string]any{"code": "GIFT", "qoqa_id": "41"})[0]
	cleared := s.Seed("qoqa.voucher", map[string]any{"code": "GIFT", "qoqa_id": ""})[0]
	handMade := s.Seed("qoqa.voucher", map[string]any{"code": "GIFT"})[0]

	found, err := a.FindCandidates(ctx, connector.Ref("voucher", "42", 0), map[string]any{"code": "GIFT"})
	require.NoError(t, err)
	assert.Equal(t, []string{strconv.FormatInt(cleared, 10), strconv.FormatInt(handMade, 10)}, found,
		"the records of that code that hold no reference, not voucher 41's")

	id, err := a.Create(ctx, connector.Ref("voucher", "42", 0), map[string]any{"code": "GIFT"})
	require.NoError(t, err)
	n, _ := strconv.ParseInt(id, 10, 64)
	stored, _ := s.Get("qoqa.voucher", n, "")
	assert.Equal(t, "42", stored["qoqa_id"], "a create writes the reference, beside the key")
	found, err = a.FindCandidates(ctx, connector.Ref("voucher", "42", 0), map[string]any{"code": "GIFT"})
	require.NoError(t, err)
	assert.Equal(t, []string{id}, found, "the reference, once written, is what finds the record")
	first, err := a.FindByRef(ctx, connector.Ref("voucher", "41", 0))
	require.NoError(t, err)
	assert.Equal(t, strconv.FormatInt(other, 10), first)
}

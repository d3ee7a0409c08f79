package adapter_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/adapter"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
)

// Fields that come and go with the database's data (the x_ fields of product
// attributes) are read as MoreFields names them at each read, translatable
// ones in every language, and a field added after the adapter learnt the
// model's types still reads a boolean False as false.
func TestOpenERPReadsMoreFieldsAskedAtEachRead(t *testing.T) {
	t.Parallel()
	s := newOpenERPServer(t)
	ctx := context.Background()
	var asked atomic.Int32
	more := []string{}
	a := &adapter.OpenERP{Client: newOpenERPClient(t, s), Model: "product.template", Fields: []string{"name"},
		Languages: []string{"fr_FR", "de_DE"}, Translatable: []string{"name"},
		MoreFields: func(context.Context) ([]string, []string, error) {
			asked.Add(1)
			return more, []string{"x_color"}[:min(1, len(more))], nil
		}}
	s.Seed("product.template", map[string]any{"name": "Lampe"})
	_, err := a.Read(ctx, "1")
	require.NoError(t, err, "the model's types are learnt before the attributes exist")

	s.Seed("attribute.attribute",
		map[string]any{"name": "x_color", "attribute_type": "char", "translate": true},
		map[string]any{"name": "x_fragile", "attribute_type": "boolean"},
		map[string]any{"name": "x_watts", "attribute_type": "integer"})
	require.NoError(t, a.Update(ctx, "1", map[string]any{"x_color": connector.Translations{"fr_FR": "rouge", "de_DE": "rot"}, "x_watts": int64(40)}))
	more = []string{"x_color", "x_fragile", "x_watts"}
	rec, err := a.Read(ctx, "1")
	require.NoError(t, err)
	assert.Equal(t, connector.Translations{"fr_FR": "rouge", "de_DE": "rot"}, rec.Fields["x_color"])
	assert.Equal(t, false, rec.Fields["x_fragile"], "a boolean added later keeps its False")
	assert.Equal(t, int64(40), rec.Fields["x_watts"])
	assert.Equal(t, connector.Translations{"fr_FR": "Lampe", "de_DE": "Lampe"}, rec.Fields["name"])
	assert.EqualValues(t, 2, asked.Load(), "asked at each read")
}

// A record costs one read per language: the first language's read brings
// the other fields too.
func TestOpenERPReadCostsOneCallPerLanguage(t *testing.T) {
	t.Parallel()
	for _, langs := range [][]string{{"fr_FR"}, {"fr_FR", "de_DE"}, {"fr_FR", "de_DE", "it_IT"}} {
		s := openerptest.New(openerptest.Options{})
		t.Cleanup(s.Close)
		a := &adapter.OpenERP{Client: newOpenERPClient(t, s), Model: "product.template", Fields: []string{"list_price"},
			Languages: langs, Translatable: []string{"name"}}
		ctx := context.Background()
		id, err := a.Create(ctx, "", map[string]any{"name": connector.Translations{"fr_FR": "Lampe", "de_DE": "Leuchte"}, "list_price": 2.5})
		require.NoError(t, err)
		_, err = a.Read(ctx, id) // learns the types
		require.NoError(t, err)
		reads := s.Calls("product.template", "read")
		rec, err := a.Read(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, len(langs), s.Calls("product.template", "read")-reads, "%v", langs)
		assert.Equal(t, 2.5, rec.Fields["list_price"])
		assert.Equal(t, "Lampe", rec.Fields["name"].(connector.Translations)["fr_FR"])
	}
}

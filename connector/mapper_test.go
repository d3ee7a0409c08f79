package connector_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
)

var qoqaLanguages = map[int]string{1: "fr", 2: "de", 3: "it", 4: "en"}

// qoqaTime is QoQa's datetime layout, as a source system's example.
const qoqaTime = "2006-01-02T15:04:05-0700"

func orderMapping() connector.Mapping {
	line := connector.Mapping{Model: "order.item", Rules: []connector.Rule{
		connector.Field("variation_id", "product_id", connector.Bound("variation")),
		connector.Field("quantity", "product_uom_qty"),
		connector.Field("unit_price", "price_unit", connector.CentsToAmount),
	}}
	return connector.Mapping{
		Model: "order",
		Rules: []connector.Rule{
			connector.Field("created_at", "date_order", connector.ParseTime(qoqaTime), connector.FormatTime(connector.UTCDateTime, nil)),
			connector.Field("language_id", "lang", connector.Language(qoqaLanguages)),
			connector.Field("note", "note"),
			connector.OnCreate(connector.Compute("name", func(ctx context.Context, mc *connector.MapContext) (any, error) {
				return "QOQA-" + mc.Record.ID, nil
			})),
			connector.Children("items", "order_line", line, func(items []map[string]any) any {
				cmds := make([]any, len(items))
				for i, it := range items {
					cmds[i] = []any{0, 0, it}
				}
				return cmds
			}),
		},
		Finish: func(ctx context.Context, mc *connector.MapContext, out map[string]any) error {
			out["origin"] = "qoqa"
			return nil
		},
	}
}

func TestMappingRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	binder := binding.NewMemory()
	require.NoError(t, binder.Bind(ctx, connector.Binding{Model: "variation", RemoteID: "77", LocalID: "5"}))
	rec := connector.Record{ID: "9", Fields: map[string]any{
		"created_at":  "2013-10-11T17:34:41+0200",
		"language_id": float64(2),
		"note":        nil,
		"items": []any{
			map[string]any{"id": float64(1), "variation_id": "77", "quantity": float64(2), "unit_price": float64(2950)},
		},
	}}
	mc := &connector.MapContext{Record: rec, Create: true, Binder: binder, Languages: []string{"fr_FR", "de_CH"}}
	got, err := orderMapping().Map(ctx, mc)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{
		"date_order": "2013-10-11 15:34:41",
		"lang":       "de_CH",
		"note":       nil,
		"name":       "QOQA-9",
		"order_line": []any{[]any{0, 0, map[string]any{"product_id": int64(5), "product_uom_qty": float64(2), "price_unit": 29.5}}},
		"origin":     "qoqa",
	}, got)

	// An update leaves out create-only rules, unless it replaces the
	// record whole: then a field left out would be erased.
	mc = &connector.MapContext{Record: rec, Binder: binder, Languages: []string{"de_DE"}}
	got, err = orderMapping().Map(ctx, mc)
	require.NoError(t, err)
	assert.NotContains(t, got, "name")
	assert.Contains(t, got, "order_line")
	assert.Equal(t, "de_DE", got["lang"])
	mc = &connector.MapContext{Record: rec, Binder: binder, Languages: []string{"de_DE"}, Replace: true}
	got, err = orderMapping().Map(ctx, mc)
	require.NoError(t, err)
	assert.Equal(t, "QOQA-9", got["name"])
}

func TestMappingErrorsNameTheField(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rec := connector.Record{ID: "9", Fields: map[string]any{
		"created_at": "2013-10-11T17:34:41+0200", "language_id": float64(1),
		"items": []any{map[string]any{"id": float64(3), "variation_id": float64(404), "quantity": 1.0, "unit_price": 1.0}},
	}}
	_, err := orderMapping().Map(ctx, &connector.MapContext{Record: rec, Binder: binding.NewMemory(), Languages: []string{"fr_FR"}})
	var me *connector.MappingError
	require.ErrorAs(t, err, &me)
	assert.Equal(t, "order.items", me.Model)
	assert.Equal(t, "3", me.RecordID)
	assert.Equal(t, "variation_id", me.Field)
	assert.ErrorIs(t, err, connector.ErrNotBound)

	rec.Fields["language_id"] = float64(3)
	_, err = orderMapping().Map(ctx, &connector.MapContext{Record: rec, Binder: binding.NewMemory(), Languages: []string{"fr_FR"}})
	require.ErrorAs(t, err, &me)
	assert.Equal(t, "order", me.Model)
	assert.Equal(t, "language_id", me.Field)

	m := connector.Mapping{Model: "voucher", Finish: func(context.Context, *connector.MapContext, map[string]any) error { return errors.New("amount < 0") }}
	_, err = m.Map(ctx, &connector.MapContext{Record: connector.Record{ID: "4"}})
	assert.EqualError(t, err, "map voucher 4, field (finish): amount < 0")
}

func TestMoneyConverters(t *testing.T) {
	t.Parallel()
	for in, want := range map[any]int64{29.5: 2950, 0.125: 13, -0.125: -13, 0.005: 1, 19.99: 1999, "12.345": 1235, 1.005: 101, 2.675: 268, 0.0: 0} {
		got, err := connector.AmountToCents(context.Background(), nil, in)
		require.NoError(t, err, "%v", in)
		assert.Equal(t, want, got, "%v rounds half away from zero", in)
	}
	got, err := connector.CentsToAmount(context.Background(), nil, float64(2950))
	require.NoError(t, err)
	assert.Equal(t, 29.5, got)
	_, err = connector.CentsToAmount(context.Background(), nil, 29.5)
	assert.Error(t, err, "cents have no fraction")
}

// An amount whose cents pass int64 is an error, never a wrapped-around
// negative amount.
func TestAmountToCentsOutOfRange(t *testing.T) {
	t.Parallel()
	for _, in := range []float64{92233720368547758, -92233720368547759, 1e19, math.Inf(1), math.NaN()} {
		got, err := connector.AmountToCents(context.Background(), nil, in)
		assert.ErrorContains(t, err, "out of range", "%v gave %v", in, got)
	}
	got, err := connector.AmountToCents(context.Background(), nil, 1e13)
	require.NoError(t, err)
	assert.Equal(t, int64(1e15), got, "a large amount in range converts")
}

func TestTimeConverters(t *testing.T) {
	t.Parallel()
	parse := connector.ParseTime(qoqaTime, connector.UTCDateTime, connector.DateOnly)
	got, err := parse(context.Background(), nil, "2013-10-11T17:34:41+0200")
	require.NoError(t, err)
	assert.Equal(t, time.Date(2013, 10, 11, 15, 34, 41, 0, time.UTC), got)
	got, err = parse(context.Background(), nil, "2013-10-11")
	require.NoError(t, err)
	assert.Equal(t, time.Date(2013, 10, 11, 0, 0, 0, 0, time.UTC), got)
	_, err = parse(context.Background(), nil, "yesterday")
	assert.ErrorContains(t, err, `"yesterday" is not a time`)

	zurich, err := time.LoadLocation("Europe/Zurich")
	require.NoError(t, err)
	out, err := connector.FormatTime(qoqaTime, zurich)(context.Background(), nil, time.Date(2013, 10, 11, 15, 34, 41, 0, time.UTC))
	require.NoError(t, err)
	assert.Equal(t, "2013-10-11T17:34:41+0200", out)
}

func TestLanguageConverters(t *testing.T) {
	t.Parallel()
	mc := &connector.MapContext{Languages: []string{"fr_FR", "de_DE"}}
	id, err := connector.LanguageID(qoqaLanguages)(context.Background(), mc, "fr_FR")
	require.NoError(t, err)
	assert.Equal(t, 1, id)
	_, err = connector.LanguageID(qoqaLanguages)(context.Background(), mc, "es_ES")
	assert.Error(t, err)
	code, err := connector.Language(qoqaLanguages)(context.Background(), mc, "2")
	require.NoError(t, err)
	assert.Equal(t, "de_DE", code)
}

func TestIDReadsEveryWireForm(t *testing.T) {
	t.Parallel()
	for in, want := range map[any]string{"12": "12", float64(12): "12", int64(12): "12", 12: "12"} {
		got, err := connector.ID(in)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	got, err := connector.ID([]any{int64(7), "Lamp"})
	require.NoError(t, err)
	assert.Equal(t, "7", got)
	for _, bad := range []any{false, 1.5, "", []any{}} {
		_, err := connector.ID(bad)
		assert.Error(t, err, "%v", bad)
	}
}

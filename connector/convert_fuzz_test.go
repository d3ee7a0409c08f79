package connector_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
)

// wireForms are the values a JSON or an XML-RPC decoder may hand a
// converter for the same text: a string, a float64 (JSON), an int64 and a
// json.Number, when the text is a number.
func wireForms(s string) []any {
	out := []any{s, json.Number(s)}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		out = append(out, n, int(n))
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		out = append(out, f)
	}
	return out
}

// The converters take any value a wire brings without a panic, and what
// they accept survives the way back: an ID read is the ID IDValue writes,
// a number of cents is the amount it becomes, a time parsed is the time
// formatted.
func FuzzConverters(f *testing.F) {
	for _, s := range []string{
		"12", "", "1.5", "1e3", "9223372036854775807", "9223372036854775808",
		"2950", "-1005", "0.125", "1e300",
		"2013-10-11T17:34:41+0200", "2013-10-11 17:34:41", "0001-01-01T00:00:00Z", "2013-10-11",
		"fr_FR", "de", "x",
	} {
		f.Add(s)
	}
	ctx := context.Background()
	mc := &connector.MapContext{Model: "fuzz", Languages: []string{"fr_FR", "de_DE"}}
	parse := connector.ParseTime("2006-01-02T15:04:05-0700", time.RFC3339, connector.UTCDateTime, connector.DateOnly)
	format := connector.FormatTime(connector.UTCDateTime, nil)
	reparse := connector.ParseTime(connector.UTCDateTime)
	codes := map[int]string{1: "fr", 2: "de", 3: "it", 4: "en"}
	f.Fuzz(func(t *testing.T, s string) {
		for _, v := range append(wireForms(s), []any{s, "Name"}) {
			if id, err := connector.ID(v); err == nil {
				require.NotEmpty(t, strings.TrimSpace(id), "%#v is a blank ID", v)
				again, err := connector.ID(connector.IDValue(id))
				require.NoError(t, err, "ID %q read from %#v does not read back", id, v)
				require.Equal(t, id, again, "ID %q read from %#v reads back as another", id, v)
			}
			if n, err := connector.Int(v); err == nil {
				if _, many2one := v.([]any); !many2one {
					id, err := connector.ID(v)
					require.NoError(t, err, "%#v is an integer but no ID", v)
					require.Equal(t, strconv.FormatInt(n, 10), id, "the ID of %#v is not written as its number", v)
				}
				again, err := connector.Int(strconv.FormatInt(n, 10))
				require.NoError(t, err)
				require.Equal(t, n, again)
			}
			if x, err := connector.Float(v); err == nil {
				require.False(t, math.IsNaN(x) || math.IsInf(x, 0), "Float(%#v) is %v, a value no amount has", v, x)
			}
			if a, err := connector.CentsToAmount(ctx, mc, v); err == nil {
				n, _ := connector.Int(v)
				if math.Abs(float64(n)) < 1e13 { // a hundred billion in the currency unit
					c, err := connector.AmountToCents(ctx, mc, a)
					require.NoError(t, err)
					require.Equal(t, n, c, "%d cents become %v, which is %v cents", n, a, c)
				}
			}
			_, _ = connector.AmountToCents(ctx, mc, v)
			if tm, err := parse(ctx, mc, v); err == nil {
				written, err := format(ctx, mc, tm)
				require.NoError(t, err)
				back, err := reparse(ctx, mc, written)
				require.NoError(t, err, "%#v parses, but is written %q, which does not", v, written)
				require.True(t, back.(time.Time).Equal(tm.(time.Time).Truncate(time.Second)), "%#v: %v != %v", v, back, tm)
			}
			_, _ = connector.Language(codes)(ctx, mc, v)
			_, _ = connector.LanguageID(codes)(ctx, mc, v)
		}
	})
}

// Mapping applies its rules to any record without a panic, and an error is
// a MappingError that names the model, the record and the field.
func FuzzMapping(f *testing.F) {
	f.Add([]byte(`{"id":7,"sku":"A","unit_price":2950,"created_at":"2013-10-11T17:34:41+0200","language_id":2,
		"customer_id":"12","lines":[{"id":1,"quantity":2,"unit_price":"100"},{"quantity":1.5}]}`))
	f.Add([]byte(`{"lines":{"id":1},"unit_price":"lots","created_at":1}`))
	f.Add([]byte(`{"lines":[1,null,[]],"language_id":9}`))
	f.Add([]byte(`{"id":null,"unit_price":1e300,"quantity":-1}`))
	ctx := context.Background()
	line := connector.Mapping{Model: "line", Rules: []connector.Rule{
		connector.Field("quantity", "product_uom_qty", func(ctx context.Context, mc *connector.MapContext, v any) (any, error) {
			n, err := connector.Int(v)
			if err == nil && n < 0 {
				err = errors.New("negative quantity")
			}
			return n, err
		}),
		connector.Field("unit_price", "price_unit", connector.CentsToAmount),
	}}
	m := connector.Mapping{Model: "order", Rules: []connector.Rule{
		connector.Field("sku", "default_code"),
		connector.Field("unit_price", "list_price", connector.CentsToAmount),
		connector.Field("created_at", "date_order", connector.ParseTime("2006-01-02T15:04:05-0700"), connector.FormatTime(connector.UTCDateTime, nil)),
		connector.Field("language_id", "lang", connector.Language(map[int]string{1: "fr", 2: "de"})),
		connector.OnCreate(connector.Field("id", "x_qoqa_id", func(ctx context.Context, mc *connector.MapContext, v any) (any, error) {
			return connector.ID(v)
		})),
		connector.Compute("name", func(ctx context.Context, mc *connector.MapContext) (any, error) {
			s, _ := mc.Record.Get("sku").(string)
			return "[" + s + "]", nil
		}),
		connector.Children("lines", "order_line", line, func(items []map[string]any) any {
			cmds := make([]any, len(items))
			for i, it := range items {
				cmds[i] = []any{0, 0, it}
			}
			return cmds
		}),
	}}
	f.Fuzz(func(t *testing.T, data []byte) {
		var fields map[string]any
		if json.Unmarshal(data, &fields) != nil {
			return
		}
		for _, create := range []bool{true, false} {
			mc := &connector.MapContext{Record: connector.Record{ID: "7", Fields: fields}, Create: create, Languages: []string{"fr_FR", "de_DE"}}
			out, err := m.Map(ctx, mc)
			if err != nil {
				require.Nil(t, out)
				var me *connector.MappingError
				require.ErrorAs(t, err, &me)
				require.NotEmpty(t, me.Model)
				require.NotEmpty(t, me.RecordID)
				require.NotEmpty(t, me.Field)
				continue
			}
			require.Contains(t, out, "name")
			_, hasRef := out["x_qoqa_id"]
			require.Equal(t, create, hasRef, "a reference only on create")
		}
	})
}

package qoqav1

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
)

// An attribute's value reaches QoQa typed by the attribute's kind; an empty
// one is not sent, but for a boolean's False; a value that does not fit its
// kind is an error.
func TestAttributeValueIsTypedByKind(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		kind   string
		in     any
		want   any
		send   bool
		failed bool
	}{
		{kind: "char", in: "rouge", want: "rouge", send: true},
		{kind: "char", in: nil},
		{kind: "char", in: "", send: false, want: ""},
		{kind: "text", in: "Essuyer", want: "Essuyer", send: true},
		{kind: "text", in: int64(3), failed: true},
		{kind: "select", in: "brass", want: "brass", send: true},
		{kind: "select", in: []any{int64(4), "brass"}, want: "brass", send: true},
		{kind: "multiselect", in: "E27, E14,", want: []any{"E27", "E14"}, send: true},
		{kind: "multiselect", in: []any{"E27", []any{int64(2), "E14"}}, want: []any{"E27", "E14"}, send: true},
		{kind: "multiselect", in: []any{int64(2), int64(3)}, failed: true},
		{kind: "boolean", in: true, want: true, send: true},
		{kind: "boolean", in: false, want: false, send: true},
		{kind: "boolean", in: nil, want: false, send: true},
		{kind: "integer", in: int64(40), want: int64(40), send: true},
		{kind: "integer", in: 40.5, failed: true},
		{kind: "float", in: 1.5, want: 1.5, send: true},
		{kind: "float", in: int64(2), want: 2.0, send: true},
		{kind: "date", in: "2026-03-01", want: "2026-03-01", send: true},
		{kind: "date", in: "March", failed: true},
		{kind: "datetime", in: "2026-03-01 10:00:00", want: "2026-03-01T10:00:00+0000", send: true},
		{kind: "binary", in: "aGVsbG8=", send: false},
		{kind: "serialized", in: "x", failed: true},
	} {
		got, send, err := attribute{code: "x_a", kind: c.kind}.value(c.in)
		if c.failed {
			assert.Error(t, err, "%s %v", c.kind, c.in)
			continue
		}
		if assert.NoError(t, err, "%s %v", c.kind, c.in) && assert.Equal(t, c.send, send, "%s %v", c.kind, c.in) && send {
			assert.Equal(t, c.want, got, "%s %v", c.kind, c.in)
		}
	}
}

// A product whose set, or one of its set's attributes, the catalogue did not
// know makes it read the attributes again: the product's attributes come
// from the fresh read, a product read without one of their fields is read
// again (retried), a set that does not exist fails for good, and a server
// out of reach retries.
func TestAttributeSetsReadAgainForWhatTheyDoNotKnow(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		set     int64
		fields  map[string]any
		fail    bool
		want    []string
		outcome string // "", "retry" or "fail"
	}{
		{name: "a new set", set: 1, fields: map[string]any{"x_color": "rouge"}, want: []string{"x_color"}},
		{name: "a record read before its attribute was", set: 1, fields: map[string]any{}, outcome: "retry"},
		{name: "a set that does not exist", set: 99, fields: map[string]any{}, outcome: "fail"},
		{name: "a server out of reach", set: 1, fields: map[string]any{"x_color": "rouge"}, fail: true, outcome: "retry"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := openerptest.New(openerptest.Options{})
			t.Cleanup(srv.Close)
			client, err := openerp.New(srv.Config())
			require.NoError(t, err)
			sets := newAttributeSets(newEnv(&backend.Backend{Languages: []string{"fr_FR"}}, Systems{OpenERP: client}), "product")
			ctx := context.Background()
			_, _, err = sets.moreFields(ctx) // read before the set exists
			require.NoError(t, err)
			attr := srv.Seed("attribute.attribute", map[string]any{"name": "x_color", "attribute_type": "char"})[0]
			srv.Seed("attribute.set", map[string]any{"name": "Lamps", "attribute_ids": []any{openerp.CmdReplace(attr)}})
			if c.fail {
				srv.Fail503(1)
			}
			c.fields["attribute_set_id"] = []any{c.set, "Lamps"}
			attrs, err := sets.of(ctx, connector.Record{ID: "1", Fields: c.fields}, "attribute_set_id")
			switch c.outcome {
			case "retry":
				assert.True(t, connector.IsRetryable(err), "%v", err)
			case "fail":
				assert.True(t, connector.IsPermanent(err), "%v", err)
			default:
				require.NoError(t, err)
				var codes []string
				for _, a := range attrs {
					codes = append(codes, a.code)
				}
				assert.Equal(t, c.want, codes)
			}
		})
	}
}

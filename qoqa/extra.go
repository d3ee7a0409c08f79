package qoqa

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
)

// Extra holds the keys of a record that its Go type has no field for, as
// QoQa sent them. QoQa's PUT replaces the whole record, so a record read,
// changed and written back must carry what QoQa holds beyond this
// package's types, or the update erases it: decoding fills Extra and
// encoding sends it back. A field of the type wins over a key of Extra
// with the same name. The writable resources (Product, Variation, Offer,
// Voucher) and what they nest (Translation, Position) have one.
type Extra map[string]json.RawMessage

// knownKeys caches, per struct type, the lowercase JSON names of its
// fields: encoding/json matches keys to fields regardless of case.
var knownKeys sync.Map // reflect.Type -> map[string]bool

func jsonKeys(t reflect.Type) map[string]bool {
	if keys, ok := knownKeys.Load(t); ok {
		return keys.(map[string]bool)
	}
	keys := map[string]bool{}
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		keys[strings.ToLower(name)] = true
	}
	knownKeys.Store(t, keys)
	return keys
}

// marshalWithExtra encodes v, a struct without the MarshalJSON of the type
// it stands for, and adds the keys of extra that v has no field for.
func marshalWithExtra(v any, extra Extra) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	known := jsonKeys(reflect.TypeOf(v))
	for k, raw := range extra {
		if !known[strings.ToLower(k)] {
			m[k] = raw
		}
	}
	return json.Marshal(m)
}

// unmarshalWithExtra decodes b into v, a pointer to a struct without the
// UnmarshalJSON of the type it stands for, and keeps in extra the keys v
// has no field for (nil when none).
func unmarshalWithExtra(b []byte, v any, extra *Extra) error {
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	known := jsonKeys(reflect.TypeOf(v).Elem())
	for k := range m {
		if known[strings.ToLower(k)] {
			delete(m, k)
		}
	}
	*extra = nil
	if len(m) > 0 {
		*extra = m
	}
	return nil
}

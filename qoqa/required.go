package qoqa

import (
	"encoding/json"
	"fmt"
)

// required lists, per endpoint, the fields the contract requires on
// create, and why a value falls short. The client checks them before
// sending, so that a typed record whose field was never set is refused
// naming it, rather than stored by QoQa with a zero.
var required = map[string][]struct {
	field string
	ok    func(any) bool
	why   string
}{
	"product":   {{"translations", hasNamedTranslation, "a name in at least one language is required"}},
	"variation": {{"product_id", present, "is required"}, {"sku", present, "is required"}},
	"offer": {{"shop_id", present, "is required"}, {"start_at", present, "is required"}, {"stop_at", present, "is required"},
		{"positions", present, "at least one position is required"}},
	"voucher": {{"code", present, "is required"}, {"amount", present, "is required (zero counts as missing: the client cannot tell it from an amount never set)"}},
}

// present reports whether a JSON value holds something: null, "", 0 and
// empty lists or objects are what an unset Go field encodes to.
func present(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x != ""
	case float64:
		return x != 0
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}

func hasNamedTranslation(v any) bool {
	list, _ := v.([]any)
	for _, e := range list {
		if m, ok := e.(map[string]any); ok && present(m["name"]) {
			return true
		}
	}
	return false
}

// missingField is a create refused before it was sent.
type missingField struct{ where, field, why string }

func (e *missingField) Error() string {
	return fmt.Sprintf("qoqa: %s: %s: %s; the create was not sent", e.where, e.field, e.why)
}

// Is makes the refusal an ErrValidation, as QoQa's own would be.
func (e *missingField) Is(target error) bool { return target == ErrValidation }

// checkRequired checks the encoded record of a create to endpoint.
func checkRequired(where, endpoint string, record []byte) error {
	rules := required[endpoint]
	if len(rules) == 0 {
		return nil
	}
	var fields map[string]any
	if err := json.Unmarshal(record, &fields); err != nil {
		return fmt.Errorf("qoqa: %s: the record is not a JSON object: %w", where, err)
	}
	for _, r := range rules {
		if !r.ok(fields[r.field]) {
			return &missingField{where: where, field: r.field, why: r.why}
		}
	}
	return nil
}

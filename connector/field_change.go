package connector

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"
)

// FieldChange is one field a sync would write differently from what the
// target side holds: what a plan shows of an update and an audit of a
// drift.
type FieldChange struct {
	Field string `json:"field"`
	// Old is the target side's value as read, nil when absent.
	Old any `json:"old"`
	// New is the value the sync would write.
	New any `json:"new"`
}

// FieldChanges compares the values a flow would write with the target
// record's fields as read, field by field (translations language by
// language), and returns those that differ, sorted by field. Only the
// fields of values are compared: a record holds more than a mapping writes.
//
// Values are compared as the wire carries them, so that a write and a read
// of the same value are equal: numbers as numbers (3 equals 3.0), no value
// as false or an empty text (OpenERP's False), a relation read as its ID
// and name equal to its ID, a list in any order. A relation written with
// commands other than a set of IDs (lines created with their order) cannot
// be compared to a read and is left out.
func FieldChanges(old, values map[string]any) []FieldChange {
	var out []FieldChange
	for k, v := range values {
		o, n := wireValue(old[k]), wireValue(v)
		if isCommands(n) {
			ids, ok := setCommandIDs(n)
			if !ok {
				continue
			}
			n = ids
		}
		if ol, nl, ok := entriesByLanguage(o, n); ok {
			out = append(out, languageChanges(k, ol, nl)...)
			continue
		}
		if !sameValue(o, n) {
			out = append(out, FieldChange{Field: k, Old: old[k], New: v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// wireValue is v as JSON reads it back: float64, string, bool, nil, []any,
// map[string]any.
func wireValue(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return v
	}
	return out
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

// isCommands reports whether v is a list of OpenERP x2many commands
// ([[6, 0, [ids]]], [[0, 0, {...}]]).
func isCommands(v any) bool {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return false
	}
	for _, c := range list {
		cmd, ok := c.([]any)
		if !ok || len(cmd) != 3 {
			return false
		}
		if _, ok := cmd[0].(float64); !ok {
			return false
		}
	}
	return true
}

// setCommandIDs reads [[6, 0, ids]] as ids.
func setCommandIDs(v any) (any, bool) {
	list := v.([]any)
	if len(list) != 1 {
		return nil, false
	}
	cmd := list[0].([]any)
	if cmd[0] != float64(6) {
		return nil, false
	}
	return cmd[2], true
}

func sameValue(a, b any) bool {
	if isEmpty(a) && isEmpty(b) {
		return true
	}
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && math.Abs(x-y) < 1e-9
	case []any:
		// A relation read as [id, name] is its ID.
		if y, ok := b.(float64); ok && len(x) == 2 {
			if id, ok := x[0].(float64); ok {
				return id == y
			}
		}
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		return sameList(x, y)
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return false
		}
		for k := range x {
			if !sameValue(x[k], y[k]) {
				return false
			}
		}
		for k := range y {
			if _, seen := x[k]; !seen && !isEmpty(y[k]) {
				return false
			}
		}
		return true
	case string:
		y, ok := b.(string)
		return ok && (x == y || sameInstant(x, y))
	}
	return a == b
}

// instantLayouts are the datetimes with an offset the systems carry
// (QoQa's, ISO 8601 without a colon, and RFC 3339): one instant written in
// two offsets (QoQa answers in its own, the flows write UTC) is one value.
var instantLayouts = []string{"2006-01-02T15:04:05-0700", time.RFC3339}

// sameInstant reports whether x and y are datetimes with an offset, in
// one of instantLayouts, of the same instant.
func sameInstant(x, y string) bool {
	for _, l := range instantLayouts {
		tx, err := time.Parse(l, x)
		if err != nil {
			continue
		}
		for _, m := range instantLayouts {
			if ty, err := time.Parse(m, y); err == nil {
				return tx.Equal(ty)
			}
		}
		return false
	}
	return false
}

// sameList compares two lists as multisets: QoQa and OpenERP keep no order
// in a list of translations or of IDs.
func sameList(x, y []any) bool {
	used := make([]bool, len(y))
	for _, a := range x {
		i := slices.IndexFunc(y, func(b any) bool { return sameValue(a, b) })
		for i >= 0 && used[i] {
			j := slices.IndexFunc(y[i+1:], func(b any) bool { return sameValue(a, b) })
			if j < 0 {
				i = -1
				break
			}
			i += j + 1
		}
		if i < 0 {
			return false
		}
		used[i] = true
	}
	return true
}

// entriesByLanguage reads two lists of per-language entries (QoQa's
// translations: objects that each name their language_id) by language, so
// that a change shows as the one text that changed in one language.
func entriesByLanguage(o, n any) (map[string]map[string]any, map[string]map[string]any, bool) {
	byLang := func(v any) (map[string]map[string]any, bool) {
		list, ok := v.([]any)
		if !ok {
			return nil, v == nil
		}
		out := map[string]map[string]any{}
		for _, x := range list {
			m, ok := x.(map[string]any)
			if !ok {
				return nil, false
			}
			lang, ok := m["language_id"]
			if !ok {
				return nil, false
			}
			out[fmt.Sprint(lang)] = m
		}
		return out, true
	}
	ol, ok1 := byLang(o)
	nl, ok2 := byLang(n)
	if !ok1 || !ok2 || len(nl) == 0 {
		return nil, nil, false
	}
	return ol, nl, true
}

// languageChanges are the texts of field that differ, language by
// language, named field[language].key.
func languageChanges(field string, ol, nl map[string]map[string]any) []FieldChange {
	var out []FieldChange
	for lang, n := range nl {
		o := ol[lang]
		for k, v := range n {
			if k == "language_id" {
				continue
			}
			if !sameValue(o[k], v) {
				out = append(out, FieldChange{Field: field + "[" + lang + "]." + k, Old: o[k], New: v})
			}
		}
	}
	for lang := range ol {
		if _, ok := nl[lang]; !ok {
			out = append(out, FieldChange{Field: field + "[" + lang + "]", Old: ol[lang]})
		}
	}
	return out
}

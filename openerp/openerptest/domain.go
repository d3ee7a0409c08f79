package openerptest

import (
	"cmp"
	"fmt"
	"strings"
)

// expr is a parsed domain: a term, or an operator over sub-expressions.
type expr struct {
	op    string // "&", "|", "!" or "" for a term
	args  []*expr
	field string
	cmp   string
	value any
}

// parseDomain parses a whole domain: an implicit "&" joins its top-level
// expressions.
func parseDomain(d []any) (*expr, []any, *rpcFault) {
	if len(d) == 0 {
		return nil, nil, nil
	}
	var parts []*expr
	for len(d) > 0 {
		e, rest, f := parseExpr(d)
		if f != nil {
			return nil, nil, f
		}
		parts = append(parts, e)
		d = rest
	}
	for len(parts) > 1 {
		n := len(parts)
		parts = append(parts[:n-2], &expr{op: "&", args: []*expr{parts[n-2], parts[n-1]}})
	}
	return parts[0], nil, nil
}

func parseExpr(d []any) (*expr, []any, *rpcFault) {
	if len(d) == 0 {
		return nil, nil, raise("ValueError", "domain ends too soon")
	}
	switch x := d[0].(type) {
	case string:
		arity := map[string]int{"&": 2, "|": 2, "!": 1}[x]
		if arity == 0 {
			return nil, nil, raise("ValueError", "unknown domain operator %q", x)
		}
		e := &expr{op: x}
		rest := d[1:]
		for range arity {
			var sub *expr
			var f *rpcFault
			if sub, rest, f = parseExpr(rest); f != nil {
				return nil, nil, f
			}
			e.args = append(e.args, sub)
		}
		return e, rest, nil
	case []any:
		if len(x) != 3 {
			return nil, nil, raise("ValueError", "bad domain term %v", x)
		}
		field, _ := x[0].(string)
		op, _ := x[1].(string)
		return &expr{field: field, cmp: strings.ToLower(op), value: x[2]}, d[1:], nil
	}
	return nil, nil, raise("ValueError", "bad domain element %v", d[0])
}

func mentions(d []any, field string) bool {
	for _, e := range d {
		if t, ok := e.([]any); ok && len(t) == 3 && t[0] == field {
			return true
		}
	}
	return false
}

func (s *Server) match(m *model, id int64, r *record, e *expr, lang string) (bool, *rpcFault) {
	if e == nil {
		return true, nil
	}
	switch e.op {
	case "&", "|":
		a, f := s.match(m, id, r, e.args[0], lang)
		if f != nil {
			return false, f
		}
		if e.op == "&" && !a || e.op == "|" && a {
			return a, nil
		}
		return s.match(m, id, r, e.args[1], lang)
	case "!":
		a, f := s.match(m, id, r, e.args[0], lang)
		return !a, f
	}
	var v any
	if e.field == "id" {
		v = id
	} else {
		fl, ok := m.fields[e.field]
		if !ok {
			return false, raise("ValueError", "Invalid field %q in leaf %v", e.field, []any{e.field, e.cmp, e.value})
		}
		v = r.vals[e.field]
		if fl.Translate && lang != "" {
			if t, ok := r.trans[lang][e.field]; ok {
				v = t
			}
		}
		if fl.Type == "many2one" {
			if rid, _ := v.(int64); rid == 0 {
				v = nil
			}
		}
		if fl.Type == "one2many" {
			var ids []int64
			for cid, cr := range s.models[fl.Relation].records {
				if cr.vals[fl.Inverse] == id {
					ids = append(ids, cid)
				}
			}
			v = ids
		}
	}
	return compareTerm(v, e.cmp, e.value)
}

// compareTerm applies one operator; a list value (x2many) matches when any
// of its IDs does.
func compareTerm(v any, op string, want any) (bool, *rpcFault) {
	if ids, ok := v.([]int64); ok {
		switch op {
		case "=", "in":
			for _, id := range ids {
				if ok, _ := compareTerm(id, op, want); ok {
					return true, nil
				}
			}
			return (op == "=" && isEmpty(want) && len(ids) == 0), nil
		case "!=", "not in":
			pos := map[string]string{"!=": "=", "not in": "in"}[op]
			ok, f := compareTerm(v, pos, want)
			return !ok, f
		}
	}
	switch op {
	case "=", "==":
		return equal(v, want), nil
	case "!=", "<>":
		return !equal(v, want), nil
	case "<", "<=", ">", ">=":
		if isEmpty(v) {
			return false, nil
		}
		c := compare(v, want)
		return map[string]bool{"<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[op], nil
	case "in", "not in":
		list, ok := want.([]any)
		if !ok {
			return false, raise("ValueError", "operator %q takes a list, got %v", op, want)
		}
		in := false
		for _, w := range list {
			if equal(v, w) {
				in = true
				break
			}
		}
		return in == (op == "in"), nil
	case "like", "ilike", "not like", "not ilike", "=like", "=ilike":
		sv, _ := v.(string)
		pat := fmt.Sprint(want)
		if strings.Contains(op, "ilike") {
			sv, pat = strings.ToLower(sv), strings.ToLower(pat)
		}
		var ok bool
		if strings.HasPrefix(op, "=") {
			ok = likeMatch(sv, pat)
		} else {
			ok = strings.Contains(sv, pat)
		}
		return ok != strings.HasPrefix(op, "not"), nil
	}
	return false, raise("ValueError", "unknown operator %q", op)
}

// likeMatch matches SQL's LIKE with % and _.
func likeMatch(s, pat string) bool {
	if pat == "" {
		return s == ""
	}
	switch pat[0] {
	case '%':
		for i := 0; i <= len(s); i++ {
			if likeMatch(s[i:], pat[1:]) {
				return true
			}
		}
		return false
	case '_':
		return s != "" && likeMatch(s[1:], pat[1:])
	}
	return s != "" && s[0] == pat[0] && likeMatch(s[1:], pat[1:])
}

func equal(v, want any) bool {
	if isEmpty(want) && want != "" {
		if b, ok := v.(bool); ok {
			return !b
		}
		return v == nil
	}
	return compare(v, want) == 0 && v != nil
}

// compare orders two stored values: numbers as numbers, the rest as text
// (UTC datetimes sort as text).
func compare(a, b any) int {
	fa, aNum := number(a)
	fb, bNum := number(b)
	if aNum && bNum {
		return cmp.Compare(fa, fb)
	}
	if a == nil || b == nil {
		switch {
		case a == nil && b == nil:
			return 0
		case a == nil:
			return -1
		}
		return 1
	}
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// resolveChildOf rewrites each child_of term as OpenERP does: (field,
// child_of, ids) matches the records whose field is in the subtree of ids,
// ids included, along the parent_id of the field's model (the model
// itself for id).
func (s *Server) resolveChildOf(m *model, e *expr) (*expr, *rpcFault) {
	if e == nil {
		return nil, nil
	}
	if e.op != "" {
		for i, a := range e.args {
			r, f := s.resolveChildOf(m, a)
			if f != nil {
				return nil, f
			}
			e.args[i] = r
		}
		return e, nil
	}
	if e.cmp != "child_of" {
		return e, nil
	}
	tree := m
	if e.field != "id" {
		fl, ok := m.fields[e.field]
		if !ok || fl.Relation == "" {
			return nil, raise("ValueError", "Invalid field %q in leaf %v", e.field, []any{e.field, e.cmp, e.value})
		}
		tree = s.models[fl.Relation]
	}
	var roots []int64
	switch x := e.value.(type) {
	case int64:
		roots = []int64{x}
	case []any:
		for _, v := range x {
			if id, ok := v.(int64); ok {
				roots = append(roots, id)
			}
		}
	default:
		return nil, raise("ValueError", "child_of takes an ID or a list of IDs, got %v", e.value)
	}
	subtree := map[int64]bool{}
	for len(roots) > 0 {
		var next []int64
		for _, id := range roots {
			if subtree[id] {
				continue
			}
			subtree[id] = true
			if fl, ok := tree.fields["parent_id"]; ok && fl.Relation == tree.name {
				for cid, r := range tree.records {
					if r.vals["parent_id"] == id {
						next = append(next, cid)
					}
				}
			}
		}
		roots = next
	}
	ids := make([]any, 0, len(subtree))
	for id := range subtree {
		ids = append(ids, id)
	}
	return &expr{field: e.field, cmp: "in", value: ids}, nil
}

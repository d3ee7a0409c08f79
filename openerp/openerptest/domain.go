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
	// sqlNot keeps a '!' over this term a SQL NOT: 7.0 distributes no
	// '!' into a child_of, which the fake has resolved into an in.
	sqlNot bool
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

// tri is a truth value of SQL's three-valued logic: a comparison with
// NULL is unknown, and a record matches a domain only when it is true.
type tri int8

const (
	no tri = iota
	yes
	unknown
)

func truth(b bool) tri {
	if b {
		return yes
	}
	return no
}

func (t tri) not() tri {
	switch t {
	case yes:
		return no
	case no:
		return yes
	}
	return unknown
}

func and(a, b tri) tri {
	switch {
	case a == no || b == no:
		return no
	case a == unknown || b == unknown:
		return unknown
	}
	return yes
}

func or(a, b tri) tri {
	switch {
	case a == yes || b == yes:
		return yes
	case a == unknown || b == unknown:
		return unknown
	}
	return no
}

// negations are 7.0's distribute_not: a '!' over a term with one of these
// operators becomes the term with the opposite operator, whose SQL (see
// leaf) is not always the SQL NOT of the term's; over any other term it
// stays a SQL NOT.
var negations = map[string]string{
	"<": ">=", ">": "<=", "<=": ">", ">=": "<", "=": "!=", "!=": "=",
	"in": "not in", "not in": "in", "like": "not like", "not like": "like", "ilike": "not ilike", "not ilike": "ilike",
}

// match reports whether the record matches e, as the WHERE clause that
// 7.0's expression.py builds would: '!' distributed into the terms
// (distribute_not), then each term as __leaf_to_sql writes it, evaluated
// with SQL's NULL.
func (s *Server) match(m *model, id int64, r *record, e *expr, lang string) (bool, *rpcFault) {
	if e == nil {
		return true, nil
	}
	t, f := s.eval(m, id, r, e, lang, false)
	return t == yes, f
}

// eval evaluates e, negated when negate is set.
func (s *Server) eval(m *model, id int64, r *record, e *expr, lang string, negate bool) (tri, *rpcFault) {
	switch e.op {
	case "&", "|":
		a, f := s.eval(m, id, r, e.args[0], lang, negate)
		if f != nil {
			return no, f
		}
		b, f := s.eval(m, id, r, e.args[1], lang, negate)
		if f != nil {
			return no, f
		}
		if (e.op == "&") != negate { // De Morgan under a '!'
			return and(a, b), nil
		}
		return or(a, b), nil
	case "!":
		return s.eval(m, id, r, e.args[0], lang, !negate)
	}
	op := normalizeOperator(e.cmp, e.value)
	if negate && !e.sqlNot {
		if neg, ok := negations[op]; ok {
			op, negate = neg, false
		}
	}
	t, f := s.term(m, id, r, e.field, op, e.value, lang)
	if negate {
		t = t.not()
	}
	return t, f
}

// normalizeOperator is 7.0's normalize_leaf: '<>' is '!=', a boolean right
// side turns in/not in into =/!=, a list right side turns =/!= into
// in/not in.
func normalizeOperator(op string, value any) string {
	if op == "<>" {
		op = "!="
	}
	_, isBool := value.(bool)
	_, isList := value.([]any)
	switch {
	case isBool && op == "in":
		return "="
	case isBool && op == "not in":
		return "!="
	case isList && op == "=":
		return "in"
	case isList && op == "!=":
		return "not in"
	}
	return op
}

// term evaluates one term of the model's field.
func (s *Server) term(m *model, id int64, r *record, field, op string, want any, lang string) (tri, *rpcFault) {
	if field == "id" {
		return leaf("", int64(id), op, want)
	}
	if logColumn(field) {
		return leaf("datetime", r.vals[field], op, want)
	}
	fl, ok := m.fields[field]
	if !ok {
		return no, raise("ValueError", "Invalid field %q in leaf %v", field, []any{field, op, want})
	}
	switch fl.Type {
	case "one2many", "many2many":
		var ids []int64
		if fl.Type == "one2many" {
			ids = s.children(fl, id, false)
		} else {
			ids, _ = r.vals[field].([]int64)
		}
		ok, f := x2manyTerm(ids, op, want)
		return truth(ok), f
	case "many2one":
		v := r.vals[field]
		if rid, _ := v.(int64); rid == 0 {
			v = nil
		}
		return leaf(fl.Type, v, op, want)
	}
	src, f := leaf(fl.Type, r.vals[field], op, want)
	if f != nil || !fl.Translate || lang == "" || isNone(want) {
		return src, f
	}
	// 7.0 searches a translatable field in a language as "id in (the
	// records whose translation matches UNION those whose source
	// matches)", wildcards added but no IS NULL: either side matches.
	tr, has := r.trans[lang][field]
	if !has {
		return truth(src == yes), nil
	}
	t, f := leaf(fl.Type, tr, op, want)
	return truth(src == yes || t == yes), f
}

// x2manyTerm applies =, in, != or not in to an x2many's list of IDs: it
// matches when any ID does (7.0 rewrites these terms as id in/not in a
// subquery, which never yields NULL).
func x2manyTerm(ids []int64, op string, want any) (bool, *rpcFault) {
	switch op {
	case "=", "in":
		for _, id := range ids {
			if t, _ := leaf("", id, op, want); t == yes {
				return true, nil
			}
		}
		return op == "=" && isEmpty(want) && len(ids) == 0, nil
	case "!=", "not in":
		ok, f := x2manyTerm(ids, map[string]string{"!=": "=", "not in": "in"}[op], want)
		return !ok, f
	}
	return false, raise("ValueError", "unknown operator %q for a x2many field", op)
}

// leaf is 7.0's __leaf_to_sql for a stored value v (nil is SQL's NULL) of
// a field of type typ:
//
//   - in / not in: a False in the list stands for NULL ("OR f IS NULL" for
//     in, "AND f IS NOT NULL" for not in); a not in without False also
//     matches NULL ("OR f IS NULL"); an empty list is FALSE / TRUE;
//   - = False (or None) is IS NULL, != False is IS NOT NULL; a boolean's
//     = False also matches false, its != False only true;
//   - =? False (or None) is TRUE, else =;
//   - like, ilike, not like, not ilike wrap the value in %...% and keep
//     its own % and _ as wildcards; an empty value adds "OR f IS NULL";
//     =like and =ilike take the pattern as it is;
//   - anything else is plain SQL: NULL is unknown, so it matches neither
//     = nor != nor not ilike.
func leaf(typ string, v any, op string, want any) (tri, *rpcFault) {
	isNull := truth(v == nil)
	switch {
	case op == "in" || op == "not in":
		list, ok := want.([]any)
		if !ok {
			return no, raise("ValueError", "Invalid domain term %v", []any{op, want})
		}
		var params []any
		for _, w := range list {
			if !pyFalse(w) {
				params = append(params, w)
			}
		}
		checkNulls := len(params) < len(list)
		var q tri
		switch {
		case len(params) == 0:
			q = truth(op == "not in")
		case v == nil:
			q = unknown
		default:
			q = no
			for _, w := range params {
				if compare(v, w) == 0 {
					q = yes
					break
				}
			}
			if op == "not in" {
				q = q.not()
			}
		}
		switch {
		case checkNulls && op == "in", !checkNulls && op == "not in":
			q = or(q, isNull)
		case checkNulls && op == "not in":
			q = and(q, isNull.not())
		}
		return q, nil
	case typ == "boolean" && op == "=" && pyFalse(want):
		return or(isNull, truth(v == false)), nil
	case op == "=" && isNone(want):
		return isNull, nil
	case typ == "boolean" && op == "!=" && pyFalse(want):
		return and(isNull.not(), truth(v != false)), nil
	case op == "!=" && isNone(want):
		return isNull.not(), nil
	case op == "=?":
		if isNone(want) {
			return yes, nil
		}
		return leaf(typ, v, "=", want)
	}
	switch op {
	case "like", "ilike", "not like", "not ilike", "=like", "=ilike":
		pattern := pyStr(want)
		wildcard := !strings.HasPrefix(op, "=")
		if wildcard {
			pattern = "%" + pattern + "%"
		}
		var q tri
		if v == nil {
			q = unknown
		} else {
			sv, _ := v.(string)
			if strings.Contains(op, "ilike") {
				sv, pattern = strings.ToLower(sv), strings.ToLower(pattern)
			}
			q = truth(likeMatch([]rune(sv), []rune(pattern)))
			if strings.HasPrefix(op, "not") {
				q = q.not()
			}
		}
		if wildcard && pyStr(want) == "" {
			q = or(q, isNull)
		}
		return q, nil
	case "=", "!=", "<", "<=", ">", ">=":
		if v == nil || want == nil {
			return unknown, nil
		}
		c := compare(v, want)
		return truth(map[string]bool{"=": c == 0, "!=": c != 0, "<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[op]), nil
	}
	return no, raise("ValueError", "Invalid operator %q in domain term", op)
}

// isNone is Python's "right is False or right is None".
func isNone(v any) bool { return v == nil || v == false }

// pyFalse is Python's "v == False": False, 0 and 0.0 (not "").
func pyFalse(v any) bool {
	switch x := v.(type) {
	case bool:
		return !x
	case int64:
		return x == 0
	case float64:
		return x == 0
	}
	return false
}

// pyStr is Python's str() of a domain value, as 7.0 builds a like pattern.
func pyStr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// likeMatch matches PostgreSQL's LIKE: % any run of characters, _ one
// character, a backslash escapes the next character.
func likeMatch(s, pat []rune) bool {
	if len(pat) == 0 {
		return len(s) == 0
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
		return len(s) > 0 && likeMatch(s[1:], pat[1:])
	case '\\':
		if len(pat) > 1 {
			pat = pat[1:]
		}
	}
	return len(s) > 0 && s[0] == pat[0] && likeMatch(s[1:], pat[1:])
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
	if sa, ok := a.(string); ok {
		if sb, ok := b.(string); ok {
			return strings.Compare(sa, sb) // what fmt.Sprint gives, without its cost
		}
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
	return &expr{field: e.field, cmp: "in", value: ids, sqlNot: true}, nil
}

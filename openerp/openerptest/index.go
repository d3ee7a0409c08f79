package openerptest

// valueIndex finds a model's records by the text of a field, as a
// database's index does: a search for a reference or a natural key (what
// every import makes before it creates) looks at the records that hold the
// value instead of at every record, so that a benchmark of thousands of
// records measures the client, not the fake's scans. A search still
// evaluates its whole domain on the records the index gives.
type valueIndex struct {
	ids  map[string]map[string]map[int64]struct{} // field -> text -> records
	held map[int64]map[string]string              // record -> field -> text
}

// reindex records the text values of r, replacing what it held before.
func (x *valueIndex) reindex(r *record) {
	x.unindex(r.id)
	if x.ids == nil {
		x.ids, x.held = map[string]map[string]map[int64]struct{}{}, map[int64]map[string]string{}
	}
	held := map[string]string{}
	for name, v := range r.vals {
		text, ok := v.(string)
		if !ok || text == "" || logColumn(name) {
			continue
		}
		if x.ids[name] == nil {
			x.ids[name] = map[string]map[int64]struct{}{}
		}
		if x.ids[name][text] == nil {
			x.ids[name][text] = map[int64]struct{}{}
		}
		x.ids[name][text][r.id] = struct{}{}
		held[name] = text
	}
	x.held[r.id] = held
}

// unindex forgets the record id.
func (x *valueIndex) unindex(id int64) {
	for name, text := range x.held[id] {
		delete(x.ids[name][text], id)
		if len(x.ids[name][text]) == 0 {
			delete(x.ids[name], text)
		}
	}
	delete(x.held, id)
}

// candidates are the records that may match e, when the index can tell:
// every record that matches e is among them. It can tell for a term
// "field = text" or "field in [texts]" of an untranslated text field
// (never under a '!'), for an '&' of which one side it can tell, and for a
// '|' of which it can tell both sides.
func (m *model) candidates(e *expr) (map[int64]struct{}, bool) {
	if e == nil {
		return nil, false
	}
	switch e.op {
	case "&":
		if c, ok := m.candidates(e.args[0]); ok {
			return c, true
		}
		return m.candidates(e.args[1])
	case "|":
		a, ok := m.candidates(e.args[0])
		if !ok {
			return nil, false
		}
		b, ok := m.candidates(e.args[1])
		if !ok {
			return nil, false
		}
		out := make(map[int64]struct{}, len(a)+len(b))
		for id := range a {
			out[id] = struct{}{}
		}
		for id := range b {
			out[id] = struct{}{}
		}
		return out, true
	case "":
	default:
		return nil, false
	}
	fl, ok := m.fields[e.field]
	if !ok || fl.Translate || logColumn(e.field) || (fl.Type != "char" && fl.Type != "text" && fl.Type != "selection") {
		return nil, false
	}
	var wants []any
	switch normalizeOperator(e.cmp, e.value) {
	case "=":
		wants = []any{e.value}
	case "in":
		wants, _ = e.value.([]any)
	default:
		return nil, false
	}
	if len(wants) == 0 {
		return nil, false
	}
	out := map[int64]struct{}{}
	for _, w := range wants {
		text, ok := w.(string)
		if !ok || text == "" {
			return nil, false // False and "" also match records without a value
		}
		for id := range m.index.ids[e.field][text] {
			out[id] = struct{}{}
		}
	}
	return out, true
}

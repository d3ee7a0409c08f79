package qoqav1

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/qoqasync/qoqasync/adapter"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/qoqa"
)

// attributeRefresh is how long the attributes read stay trusted: an
// attribute added to a set in the meantime is exported from the next read
// on. A poll that finds a set or an attribute changed makes the next read
// read them again at once (see productRecords.Search).
const attributeRefresh = time.Minute

// attribute is one product attribute (base_custom_attributes'
// attribute.attribute): its name is both the x_ field that holds its value
// and its code on QoQa.
type attribute struct {
	code string
	// kind is its attribute_type: char, text, select, multiselect,
	// boolean, integer, float, date (datetime and binary too).
	kind string
	// translate puts its value in each translation's attributes rather
	// than in the record's.
	translate bool
}

// MarshalJSON encodes what the attribute is, so that the content hash of a
// product's record (see setAttributesKey) sees it.
func (a attribute) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]any{"code": a.code, "kind": a.kind, "translate": a.translate})
}

// setAttributesKey is the field of a product's record (see productRecords)
// that holds the attributes of its set, as []attribute: what QoQa receives
// depends on them as much as on the x_ values, so they are part of the
// record's content, whose hash tells the flows whether it changed. A name
// no OpenERP field can have.
const setAttributesKey = "attribute_set_id.attribute_ids"

// errReadBeforeItsAttributes is the cause of the retry of a record read
// without the field of an attribute of its set, which the catalogue did not
// know when the record was read.
var errReadBeforeItsAttributes = errors.New("the record was read before the attributes of its set")

// attributeSets is what the export of one product model (templates or
// variants) knows of the product attributes: which attributes each
// attribute set holds, of what kind, and which of their x_ fields the model
// has. The model's adapter (productRecords) reads the x_ fields it names
// (MoreFields) and puts the attributes of the record's set in the record;
// the mapping sends those, and only those.
//
// Attributes change rarely and every product's export needs them, so they
// are read once and trusted for attributeRefresh; a record whose set the
// catalogue does not know, or that lacks a field of its set, makes it read
// them again at once, and the record is read again with the new fields.
type attributeSets struct {
	client *openerp.Client
	// model is the product model whose x_ fields are read.
	model string
	// The attribute models and their fields, as the backend names them.
	setModel, setAttributes                      string
	attrModel, attrName, attrType, attrTranslate string
	// optionName is the name field of the options of select and
	// multiselect attributes (attribute.option).
	optionName string
	// optional are fields read when the model has them, beside the
	// attributes (a brand, an administrator's x_ field).
	optional []string
	// languages are the backend's; the first is the one the records'
	// fields that are not translated are read in.
	languages []string

	mu           sync.Mutex
	loadedAt     time.Time
	sets         map[int64][]attribute
	has          map[string]bool   // the model's fields
	relations    map[string]string // the model's many2many fields: their related model
	fields       []string          // the attributes' and optional fields the model has
	translatable []string          // those read in every language
}

// newAttributeSets returns the attribute catalogue of the OpenERP model of
// the connector's model (product or variation), with the backend's names.
func newAttributeSets(e *env, model string, optional ...string) *attributeSets {
	return &attributeSets{
		client: e.sys.OpenERP, model: e.localModel(model), optional: optional,
		setModel: e.localModel("attribute_set"), setAttributes: e.field("attribute_set", "attribute_ids"),
		attrModel: e.localModel("attribute"), attrName: e.field("attribute", "name"),
		attrType: e.field("attribute", "attribute_type"), attrTranslate: e.field("attribute", "translate"),
		optionName: e.field("attribute_option", "name"), languages: e.b.Languages,
	}
}

// invalidate makes the next read of the product model read the attributes
// and sets again first: a change polled on them (see changed) is then
// exported with them.
func (s *attributeSets) invalidate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loadedAt = time.Time{}
}

// moreFields is the product adapter's MoreFields: the x_ fields of every
// attribute the model has, and the optional fields it has.
func (s *attributeSets) moreFields(ctx context.Context) ([]string, []string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sets == nil || time.Since(s.loadedAt) > attributeRefresh {
		if err := s.load(ctx); err != nil {
			return nil, nil, err
		}
	}
	return slices.Clone(s.fields), slices.Clone(s.translatable), nil
}

// hasField reports whether the model has the field name, reading its
// fields first when they were never read.
func (s *attributeSets) hasField(ctx context.Context, name string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.has == nil {
		if err := s.load(ctx); err != nil {
			return false, err
		}
	}
	return s.has[name], nil
}

// of returns the attributes of the set of rec (setField holds it) that the
// model has; none for a record without a set.
func (s *attributeSets) of(ctx context.Context, rec connector.Record, setField string) ([]attribute, error) {
	raw := rec.Fields[setField]
	if raw == nil {
		return nil, nil
	}
	id, err := connector.Int(firstOf(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", setField, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	attrs, known, stale := s.lookup(id, rec)
	if known && !stale {
		return attrs, nil
	}
	// The record was read with fields that the set, as read before it,
	// does not explain: read the attributes again.
	if err := s.load(ctx); err != nil {
		return nil, adapter.OpenERPDecision(err)
	}
	attrs, known, stale = s.lookup(id, rec)
	switch {
	case !known:
		return nil, connector.Permanent(fmt.Errorf("%s: attribute set %d does not exist in %s", setField, id, s.setModel))
	case stale:
		return nil, connector.Retryable(fmt.Errorf("%s: the attributes of set %d changed since the record was read: %w", setField, id, errReadBeforeItsAttributes))
	}
	return attrs, nil
}

// lookup returns the attributes of set id that the model has, whether the
// set is known, and whether rec lacks one of their fields (it was read
// before they were known). The caller holds mu.
func (s *attributeSets) lookup(id int64, rec connector.Record) (attrs []attribute, known, stale bool) {
	all, known := s.sets[id]
	for _, a := range all {
		if !s.has[a.code] {
			continue // an attribute of another model
		}
		if _, ok := rec.Fields[a.code]; !ok {
			stale = true
		}
		attrs = append(attrs, a)
	}
	return attrs, known, stale
}

// load reads the model's fields, the attributes and the sets. The caller
// holds mu.
func (s *attributeSets) load(ctx context.Context) error {
	desc, err := s.client.FieldsGet(ctx, s.model, []string{"type", "translate", "relation"}, nil)
	if err != nil {
		return fmt.Errorf("attributes: fields of %s: %w", s.model, err)
	}
	everything := openerp.SearchOptions{Context: openerp.Context{"active_test": false}}
	rows, err := s.client.SearchRead(ctx, s.attrModel, nil, []string{s.attrName, s.attrType, s.attrTranslate}, everything)
	if err != nil {
		return fmt.Errorf("attributes: %s: %w", s.attrModel, err)
	}
	byID := make(map[int64]attribute, len(rows))
	for _, r := range rows {
		code, _ := r.String(s.attrName)
		kind, _ := r.String(s.attrType)
		byID[r.ID()] = attribute{code: code, kind: kind, translate: r.Bool(s.attrTranslate)}
	}
	rows, err = s.client.SearchRead(ctx, s.setModel, nil, []string{s.setAttributes}, everything)
	if err != nil {
		return fmt.Errorf("attributes: %s: %w", s.setModel, err)
	}
	sets := make(map[int64][]attribute, len(rows))
	for _, r := range rows {
		attrs := []attribute{}
		for _, id := range r.IDs(s.setAttributes) {
			if a, ok := byID[id]; ok {
				attrs = append(attrs, a)
			}
		}
		sets[r.ID()] = attrs
	}
	has := make(map[string]bool, len(desc))
	relations := map[string]string{}
	for name, d := range desc {
		has[name] = true
		if typ, _ := d["type"].(string); typ == "many2many" {
			relations[name], _ = d["relation"].(string)
		}
	}
	var fields, translatable []string
	add := func(name string, translate bool) {
		if !has[name] || slices.Contains(fields, name) {
			return
		}
		fields = append(fields, name)
		if t, _ := desc[name]["translate"].(bool); t || translate {
			translatable = append(translatable, name)
		}
	}
	for _, a := range byID {
		add(a.code, a.translate)
	}
	for _, name := range s.optional {
		add(name, false)
	}
	slices.Sort(fields)
	slices.Sort(translatable)
	s.sets, s.has, s.relations, s.fields, s.translatable, s.loadedAt = sets, has, relations, fields, translatable, time.Now()
	return nil
}

// changed returns the sets whose attributes may have changed in [from, to):
// the sets written then (an attribute added or removed), and the sets that
// hold an attribute written then (its kind, its translate flag). The
// products of those sets are exported with them again (see
// productRecords.Search).
func (s *attributeSets) changed(ctx context.Context, from, to time.Time) ([]int64, error) {
	window := openerp.And(openerp.Where("write_date", ">=", from.UTC()), openerp.Where("write_date", "<", to.UTC()))
	opts := openerp.SearchOptions{Context: everything}
	sets, err := s.client.Search(ctx, s.setModel, window, opts)
	if err != nil {
		return nil, fmt.Errorf("attributes: %s written: %w", s.setModel, err)
	}
	attrs, err := s.client.Search(ctx, s.attrModel, window, opts)
	if err != nil {
		return nil, fmt.Errorf("attributes: %s written: %w", s.attrModel, err)
	}
	if len(attrs) > 0 {
		holding, err := s.client.Search(ctx, s.setModel, openerp.Where(s.setAttributes, "in", anyIDs(attrs)), opts)
		if err != nil {
			return nil, fmt.Errorf("attributes: the %s holding %v: %w", s.setModel, attrs, err)
		}
		sets = append(sets, holding...)
	}
	slices.Sort(sets)
	return slices.Compact(sets), nil
}

// anyIDs is ids as a domain's value.
func anyIDs(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// withOptionNames puts in recs the names of the options of their
// multiselect attributes (attrs[i] are those of recs[i]'s set) where the
// model stores them as base_custom_attributes does, a many2many to
// attribute.option, which reads as option IDs: the names are read, in the
// language the value was read in, with one read per related model and
// language for the whole batch. An option deleted since is left out; a
// value stored as text (the names, comma-separated) is left as it is.
func (s *attributeSets) withOptionNames(ctx context.Context, recs []connector.Record, attrs [][]attribute) error {
	s.mu.Lock()
	relations := s.relations
	s.mu.Unlock()
	base := ""
	if len(s.languages) > 0 {
		base = s.languages[0]
	}
	type read struct{ relation, lang string }
	// each calls fn for every list of option IDs in recs, with the
	// language it was read in and where its names go.
	each := func(fn func(r read, ids []int64, set func(names []any))) {
		for i, rec := range recs {
			for _, a := range attrs[i] {
				relation := relations[a.code]
				if a.kind != "multiselect" || relation == "" {
					continue
				}
				switch v := rec.Fields[a.code].(type) {
				case connector.Translations:
					for lang, x := range v {
						if ids, ok := optionIDs(x); ok {
							fn(read{relation, lang}, ids, func(names []any) { v[lang] = names })
						}
					}
				default:
					if ids, ok := optionIDs(v); ok {
						fields := rec.Fields
						fn(read{relation, base}, ids, func(names []any) { fields[a.code] = names })
					}
				}
			}
		}
	}
	wanted := map[read][]int64{}
	each(func(r read, ids []int64, _ func([]any)) { wanted[r] = append(wanted[r], ids...) })
	names := make(map[read]map[int64]string, len(wanted))
	for r, ids := range wanted {
		slices.Sort(ids)
		var oc openerp.Context
		if r.lang != "" {
			oc = openerp.Context{"lang": r.lang}
		}
		rows, err := s.client.Read(ctx, r.relation, slices.Compact(ids), []string{s.optionName}, oc)
		if err != nil {
			return adapter.OpenERPDecision(fmt.Errorf("attributes: the names of %d options of %s: %w", len(ids), r.relation, err))
		}
		names[r] = make(map[int64]string, len(rows))
		for _, row := range rows {
			names[r][row.ID()], _ = row.String(s.optionName)
		}
	}
	each(func(r read, ids []int64, set func([]any)) {
		out := []any{}
		for _, id := range ids {
			if n, ok := names[r][id]; ok {
				out = append(out, n)
			}
		}
		set(out)
	})
	return nil
}

// optionIDs reads a many2many's value: a non-empty list of IDs.
func optionIDs(v any) ([]int64, bool) {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, false
	}
	ids := make([]int64, len(list))
	for i, x := range list {
		switch n := x.(type) {
		case int64:
			ids[i] = n
		case int:
			ids[i] = int64(n)
		default:
			return nil, false
		}
	}
	return ids, true
}

// recordAttributes returns the attributes of the set of a product's record,
// which productRecords read with it.
func recordAttributes(rec connector.Record) ([]attribute, error) {
	attrs, ok := rec.Fields[setAttributesKey].([]attribute)
	if !ok {
		return nil, fmt.Errorf("record %s was read without the attributes of its set", rec.ID)
	}
	return attrs, nil
}

// attributes is the Compute of a record's own attributes: those of its set
// that are not translated, typed by their kind.
func attributes() func(ctx context.Context, mc *connector.MapContext) (any, error) {
	return func(ctx context.Context, mc *connector.MapContext) (any, error) {
		attrs, err := recordAttributes(mc.Record)
		if err != nil {
			return nil, err
		}
		out := map[string]any{}
		for _, a := range attrs {
			if a.translate {
				continue
			}
			v, ok, err := a.value(mc.Record.Fields[a.code])
			if err != nil {
				return nil, mc.Err(a.code, err)
			}
			if ok {
				out[a.code] = v
			}
		}
		return out, nil
	}
}

// translations is the Compute of QoQa's translations of a record: for each
// backend language, an entry with the text of each of texts (entry key →
// source field: its text in that language when it is translated, else its
// one text, a many2one's name) and the translated attributes of the
// record's set in that language. A language with nothing to say is left
// out.
func translations(texts map[string]string) func(ctx context.Context, mc *connector.MapContext) (any, error) {
	keys := make([]string, 0, len(texts))
	for k := range texts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	languageID := connector.LanguageID(qoqa.LanguageCodes)
	return func(ctx context.Context, mc *connector.MapContext) (any, error) {
		attrs, err := recordAttributes(mc.Record)
		if err != nil {
			return nil, err
		}
		out := []any{}
		for _, lang := range mc.Languages {
			id, err := languageID(ctx, mc, lang)
			if err != nil {
				return nil, err
			}
			entry := map[string]any{}
			for _, k := range keys {
				if v := inLanguage(mc.Record.Fields[texts[k]], lang); v != nil && v != "" {
					if pair, ok := v.([]any); ok && len(pair) > 1 { // a many2one: its name
						v = pair[1]
					}
					entry[k] = v
				}
			}
			translated := map[string]any{}
			for _, a := range attrs {
				if !a.translate {
					continue
				}
				v, ok, err := a.value(inLanguage(mc.Record.Fields[a.code], lang))
				if err != nil {
					return nil, mc.Err(a.code, fmt.Errorf("in %s: %w", lang, err))
				}
				if ok {
					translated[a.code] = v
				}
			}
			if len(translated) > 0 {
				entry["attributes"] = translated
			}
			if len(entry) > 0 {
				entry["language_id"] = id
				out = append(out, entry)
			}
		}
		return out, nil
	}
}

// inLanguage is a field's value in lang: its translation when it is
// translated, else its one value.
func inLanguage(v any, lang string) any {
	if tr, ok := v.(connector.Translations); ok {
		return tr[lang]
	}
	return v
}

// firstOf is the ID of a many2one pair, or v itself.
func firstOf(v any) any {
	if pair, ok := v.([]any); ok && len(pair) > 0 {
		return pair[0]
	}
	return v
}

// value types an attribute's OpenERP value as QoQa takes it, by the
// attribute's kind; ok is false when it has none to send (an empty value,
// a binary: no media are sent).
func (a attribute) value(v any) (out any, ok bool, err error) {
	if v == nil {
		if a.kind == "boolean" {
			return false, true, nil // OpenERP's False
		}
		return nil, false, nil
	}
	switch a.kind {
	case "char", "text":
		s, isString := v.(string)
		if !isString {
			return nil, false, fmt.Errorf("%s attribute: want a text, got %T", a.kind, v)
		}
		return s, s != "", nil
	case "select":
		if pair, isPair := v.([]any); isPair && len(pair) > 1 { // a many2one to its option
			v = pair[1]
		}
		s, isString := v.(string)
		if !isString {
			return nil, false, fmt.Errorf("select attribute: want an option, got %T", v)
		}
		return s, s != "", nil
	case "multiselect":
		return multiselect(v)
	case "boolean":
		b, isBool := v.(bool)
		if !isBool {
			return nil, false, fmt.Errorf("boolean attribute: got %T", v)
		}
		return b, true, nil
	case "integer":
		n, err := connector.Int(v)
		return n, err == nil, err
	case "float":
		f, err := connector.Float(v)
		return f, err == nil, err
	case "date":
		s, _ := v.(string)
		if _, err := time.Parse(connector.DateOnly, s); err != nil {
			return nil, false, fmt.Errorf("date attribute: %v is not a date", v)
		}
		return s, true, nil
	case "datetime":
		s, _ := v.(string)
		t, err := time.Parse(connector.UTCDateTime, s)
		if err != nil {
			return nil, false, fmt.Errorf("datetime attribute: %v is not a datetime", v)
		}
		return t.Format(qoqa.TimeLayout), true, nil
	case "binary":
		return nil, false, nil
	}
	return nil, false, fmt.Errorf("attribute kind %q is not one QoQa takes", a.kind)
}

// multiselect reads the options of a multiselect attribute: a list of
// names, or the comma-separated text that stores them.
func multiselect(v any) (any, bool, error) {
	var names []any
	switch x := v.(type) {
	case string:
		for _, n := range strings.Split(x, ",") {
			if n = strings.TrimSpace(n); n != "" {
				names = append(names, n)
			}
		}
	case []any:
		for _, e := range x {
			if pair, isPair := e.([]any); isPair && len(pair) > 1 {
				e = pair[1]
			}
			n, isString := e.(string)
			if !isString {
				return nil, false, fmt.Errorf("multiselect attribute: want option names, got %T (option IDs whose names were not read)", e)
			}
			names = append(names, n)
		}
	default:
		return nil, false, fmt.Errorf("multiselect attribute: got %T", v)
	}
	return names, len(names) > 0, nil
}

package connector

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Translations is the value of a translatable field in each language, keyed
// by the backend's language codes (fr_FR, de_DE). A mapper produces it for a
// translatable target field; an adapter that knows languages (the OpenERP
// adapter) writes each language, and reads such fields back as Translations.
type Translations map[string]any

// Translated reads a list of per-language entries, QoQa's translations
// ([{"language_id": 1, "name": "Lampe"}, ...]), and returns the value of
// field in each backend language as Translations. codes maps the language
// numbers to two-letter prefixes, as for Language; entries in a language
// the backend does not sync are left out.
func Translated(field string, codes map[int]string) Converter {
	return func(ctx context.Context, mc *MapContext, v any) (any, error) {
		list, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("want a list of translations, got %T", v)
		}
		out := Translations{}
		for i, e := range list {
			entry, ok := e.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("translation %d is a %T", i, e)
			}
			lang, err := Language(codes)(ctx, mc, entry["language_id"])
			if err != nil {
				continue // a language this backend does not sync
			}
			if val, ok := entry[field]; ok && val != nil && val != "" {
				out[lang.(string)] = val
			}
		}
		if len(out) == 0 {
			return nil, nil
		}
		return out, nil
	}
}

// TranslationList builds the per-language entries QoQa takes from the
// source record: fields maps each entry key to a source field (for a
// product, {"name": "name", "description": "description_sale"}). A source
// field that holds Translations gives each language its own value; a plain
// value serves every language. Languages with no value at all are left out.
func TranslationList(fields map[string]string, codes map[int]string) func(ctx context.Context, mc *MapContext) (any, error) {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return func(ctx context.Context, mc *MapContext) (any, error) {
		var out []any
		for _, lang := range mc.Languages {
			id, err := LanguageID(codes)(ctx, mc, lang)
			if err != nil {
				return nil, err
			}
			entry := map[string]any{"language_id": id}
			for _, k := range keys {
				v := mc.Record.Fields[fields[k]]
				if tr, ok := v.(Translations); ok {
					v = tr[lang]
				}
				if v != nil && v != "" && v != false {
					entry[k] = v
				}
			}
			if len(entry) > 1 {
				out = append(out, entry)
			}
		}
		return out, nil
	}
}

// BaseValue is the value of Translations to store where a system keeps one
// value besides its translations (OpenERP's source text): the value in
// the first of langs that has one, else any.
func (t Translations) BaseValue(langs []string) any {
	for _, l := range langs {
		if v, ok := t[l]; ok {
			return v
		}
	}
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, strings.Compare)
	if len(keys) == 0 {
		return nil
	}
	return t[keys[0]]
}

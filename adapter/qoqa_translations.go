package adapter

import (
	"context"
	"fmt"
	"slices"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/qoqa"
)

// QoQa sends a translatable field as a list of entries, one per language
// number; the engine carries it as connector.Translations, keyed by the
// backend's OpenERP languages. These converters cross between the two.

// QoQaTranslated reads QoQa's translations, a list of per-language entries
// ([{"language_id": 1, "name": "Lampe"}, ...]), and returns the value of
// field in each backend language as connector.Translations, for an OpenERP
// translatable field. Entries in a language the backend does not sync are
// left out.
func QoQaTranslated(field string) connector.Converter {
	return func(ctx context.Context, mc *connector.MapContext, v any) (any, error) {
		list, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("want a list of translations, got %T", v)
		}
		out := connector.Translations{}
		for i, e := range list {
			entry, ok := e.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("translation %d is a %T", i, e)
			}
			lang, err := connector.Language(qoqa.LanguageCodes)(ctx, mc, entry["language_id"])
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

// QoQaTranslationList builds the per-language entries of QoQa's translations
// from an OpenERP record: fields maps each entry key to a source field (for
// a product, {"name": "name", "description": "description_sale"}). A source
// field that holds connector.Translations gives each language its own
// value; a plain value serves every language. Languages with no value at all
// are left out. It is a connector.Compute function.
func QoQaTranslationList(fields map[string]string) func(ctx context.Context, mc *connector.MapContext) (any, error) {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return func(ctx context.Context, mc *connector.MapContext) (any, error) {
		var out []any
		for _, lang := range mc.Languages {
			id, err := connector.LanguageID(qoqa.LanguageCodes)(ctx, mc, lang)
			if err != nil {
				return nil, err
			}
			entry := map[string]any{"language_id": id}
			for _, k := range keys {
				v := mc.Record.Fields[fields[k]]
				if tr, ok := v.(connector.Translations); ok {
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

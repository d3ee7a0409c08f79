package connector

import (
	"slices"
	"strings"
)

// Translations is the value of a translatable field in each language, keyed
// by the backend's language codes (fr_FR, de_DE). A mapper produces it for a
// translatable target field; an adapter that knows languages (the OpenERP
// adapter) writes each language, and reads such fields back as Translations.
type Translations map[string]any

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

package openerp

import (
	"time"
)

// sanitize turns Go values into what OpenERP takes: never nil (False
// instead), times as UTC datetime strings, dates as "YYYY-MM-DD", every int
// as int64, and the package's named maps and slices walked.
func sanitize(v any) any {
	switch x := v.(type) {
	case nil:
		return false
	case time.Time:
		if x.IsZero() {
			return false
		}
		return x.UTC().Format(DateTimeLayout)
	case Date:
		if x.IsZero() {
			return false
		}
		return x.Format(DateLayout)
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case uint32:
		return int64(x)
	case float32:
		return float64(x)
	case []any:
		return sanitizeList(x)
	case Domain:
		return sanitizeList(x)
	case []int64:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out
	case []string:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out
	case map[string]any:
		return sanitizeMap(x)
	case Values:
		return sanitizeMap(x)
	case Context:
		return sanitizeMap(x)
	}
	return v
}

func sanitizeList(l []any) []any {
	out := make([]any, len(l))
	for i, e := range l {
		out[i] = sanitize(e)
	}
	return out
}

func sanitizeMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, e := range m {
		out[k] = sanitize(e)
	}
	return out
}

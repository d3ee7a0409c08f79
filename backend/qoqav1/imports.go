package qoqav1

import "github.com/qoqasync/qoqasync/backend"

// importComponents returns, by model, the components of the imports: what
// happens on QoQa lands in OpenERP.
func importComponents(e *env) (map[string]backend.Components, error) {
	return map[string]backend.Components{}, nil
}

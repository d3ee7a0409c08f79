package qoqav1

import "github.com/qoqasync/qoqasync/backend"

// exportComponents returns, by model, the components of the exports: what
// is authored in OpenERP reaches QoQa.
func exportComponents(e *env) (map[string]backend.Components, error) {
	return map[string]backend.Components{}, nil
}

package binding

import "github.com/qoqasync/qoqasync/connector"

// Store is a binding store: the bindings and the watermarks of one backend.
// Memory implements it here; the SQL stores (packages store/sqlite and
// store/postgres) implement it in their own packages, so that a host links
// only the database it uses.
type Store interface {
	connector.Binder
	connector.WatermarkStore
	// Close releases the store's connections.
	Close() error
}

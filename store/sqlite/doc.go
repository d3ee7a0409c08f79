// Package sqlite keeps everything one process needs in one SQLite file: the
// bindings and watermarks of a backend (the binding store), and River's
// jobs. It is the store of a single process with no database server.
//
// A host that imports it links modernc.org/sqlite (pure Go, no cgo) and
// River's SQLite driver, and no PostgreSQL driver. Open creates the file if
// need be and applies the project's migrations and River's:
//
//	db, err := sqlite.Open(ctx, "qoqasync.db", "qoqa.ch")
//	...
//	defer db.Close()
//	// db is the flows' Binder and WatermarkStore
//	driver := db.Driver()  // River's driver on the same file
//
// The file serves the goroutines of one process at a time (WAL, a busy
// timeout, transactions that take the write lock at their start); several
// processes share the work on PostgreSQL (package store/postgres). Within
// the process, connector.KeyLock is the Locker of record pairs.
package sqlite

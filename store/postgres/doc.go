// Package postgres keeps everything the processes of a backend share in one
// PostgreSQL database: the bindings and watermarks (the binding store),
// River's jobs, and the lock of record pairs (Locker, on advisory locks).
// It is the store of several processes sharing the work.
//
// A host that imports it links pgx and River's pgx driver, and no SQLite.
// Open connects and applies the project's migrations and River's (two
// processes opening at once take turns):
//
//	db, err := postgres.Open(ctx, "postgres://user@db:5432/erp", "qoqa.ch")
//	...
//	defer db.Close()
//	// db is the flows' Binder and WatermarkStore
//	driver := db.Driver()  // River's driver on db.Pool()
package postgres

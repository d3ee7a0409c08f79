// Package sqlstore is the binding store in a SQL database, shared by the
// SQLite and PostgreSQL stores (packages store/sqlite and store/postgres):
// one set of statements, a Dialect for what differs, and the project's
// versioned migrations, embedded.
//
// It imports no database driver: the store packages open the database with
// theirs and hand the *sql.DB in, so that a host links only the driver it
// uses.
package sqlstore

package binding

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// OpenPostgres opens the store of backend in the PostgreSQL database at url
// (postgres://user@host:5432/db): the store of several processes sharing
// the work. It uses pgx through database/sql, so that both SQL stores share
// one implementation.
func OpenPostgres(ctx context.Context, url, backend string) (*SQL, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		// The error may quote the URL, and the URL may hold a password.
		return nil, errors.New("binding: the PostgreSQL URL does not parse")
	}
	return openSQL(ctx, stdlib.OpenDB(*cfg), dialect{
		name: "postgres",
		// A transaction-scoped advisory lock: two processes migrating at
		// once take turns, and the lock goes with the transaction.
		migrationLock: `SELECT pg_advisory_xact_lock(7164650923145780451)`,
		isUnique:      pgUnique,
	}, backend)
}

func pgUnique(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == "23505"
}

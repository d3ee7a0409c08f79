package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/binding/bindingtest"
	"github.com/qoqasync/qoqasync/internal/pgtest"
	"github.com/qoqasync/qoqasync/internal/storetest"
	"github.com/qoqasync/qoqasync/store/postgres"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	bindingtest.Run(t, func(t *testing.T) bindingtest.Opener {
		dsn := pgtest.Schema(t)
		return func(t *testing.T) binding.Store {
			db, err := postgres.Open(context.Background(), dsn, "qoqa.ch")
			require.NoError(t, err)
			return db
		}
	})
}

// TestOpenMigratesBothOnce opens one new database from many goroutines at
// once, as processes starting together do: every open succeeds, and the
// database holds the project's migrations and River's, each once, and River
// inserts a job on it.
func TestOpenMigratesBothOnce(t *testing.T) {
	t.Parallel()
	dsn := pgtest.Schema(t)
	storetest.OpenAtOnce(t, 8, func() (interface{ Close() error }, error) {
		return postgres.Open(context.Background(), dsn, "b")
	})
	db, err := postgres.Open(context.Background(), dsn, "b")
	require.NoError(t, err)
	defer db.Close()
	sqldb := stdlib.OpenDBFromPool(db.Pool())
	defer sqldb.Close()
	storetest.CheckMigrated(t, sqldb, db.Driver())
	storetest.InsertJob(t, db.Driver())
}

func TestOpenDoesNotLeakThePassword(t *testing.T) {
	t.Parallel()
	for _, url := range []string{
		"postgres://u:s3cr3t@127.0.0.1:1/db?sslmode=disable&connect_timeout=1",
		"postgres://u:s3cr3t@[bad",
	} {
		_, err := postgres.Open(context.Background(), url, "b")
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "s3cr3t")
	}
}

// BenchmarkStore measures the PostgreSQL store among a million bindings:
//
//	go test -run '^$' -bench Store ./binding/ ./store/...
func BenchmarkStore(b *testing.B) {
	dsn := pgtest.Schema(b)
	db, err := postgres.Open(context.Background(), dsn, "bench")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	bindingtest.Bench(b, db, func(b *testing.B, n int) {
		_, err := db.Pool().Exec(context.Background(), `INSERT INTO qoqasync_bindings (backend, model, remote_id, local_id)
			SELECT 'bench', 'order', g::text, (g + 10000000)::text FROM generate_series(0, $1::int) g`, n-1)
		if err != nil {
			b.Fatal(err)
		}
	})
}

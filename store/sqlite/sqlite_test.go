package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/binding/bindingtest"
	"github.com/qoqasync/qoqasync/internal/storetest"
	"github.com/qoqasync/qoqasync/store/sqlite"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	bindingtest.Run(t, func(t *testing.T) bindingtest.Opener {
		path := filepath.Join(t.TempDir(), "qoqasync.db")
		return func(t *testing.T) binding.Store {
			db, err := sqlite.Open(context.Background(), path, "qoqa.ch")
			require.NoError(t, err)
			return db
		}
	})
}

// TestOpenMigratesBothOnce opens one new file from many goroutines at once,
// as processes starting together do: every open succeeds, and the file
// holds the project's migrations and River's, each once, and River inserts
// a job on it.
func TestOpenMigratesBothOnce(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "qoqasync.db")
	storetest.OpenAtOnce(t, 8, func() (interface{ Close() error }, error) {
		return sqlite.Open(context.Background(), path, "b")
	})
	db, err := sqlite.Open(context.Background(), path, "b")
	require.NoError(t, err)
	defer db.Close()
	storetest.CheckMigrated(t, db.SQL(), db.Driver())
	storetest.InsertJob(t, db.Driver())
}

// BenchmarkStore measures the SQLite store among a million bindings:
//
//	go test -run '^$' -bench Store ./binding/ ./store/...
func BenchmarkStore(b *testing.B) {
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"), "bench")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	bindingtest.Bench(b, db, func(b *testing.B, n int) {
		_, err := db.SQL().Exec(`INSERT INTO qoqasync_bindings (backend, model, remote_id, local_id)
			WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x < ?)
			SELECT 'bench', 'order', CAST(x AS TEXT), CAST(x + 10000000 AS TEXT) FROM c`, n-1)
		if err != nil {
			b.Fatal(err)
		}
	})
}

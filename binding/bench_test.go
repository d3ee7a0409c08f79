package binding

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/qoqasync/qoqasync/connector"
)

// BenchmarkStore measures each store's bind, and a look-up among a million
// bindings: the size of a large shop's order history.
//
//	go test -run '^$' -bench Store ./binding/
func BenchmarkStore(b *testing.B) {
	const million = 1_000_000
	ctx := context.Background()
	stores := []struct {
		name string
		open func(b *testing.B) (Store, func(n int))
	}{
		{"memory", func(b *testing.B) (Store, func(int)) {
			m := NewMemory()
			return m, func(n int) {
				for i := range n {
					m.Bind(ctx, connector.Binding{Model: "order", RemoteID: fmt.Sprint(i), LocalID: fmt.Sprint(i + 10_000_000)})
				}
			}
		}},
		{"sqlite", func(b *testing.B) (Store, func(int)) {
			s, err := OpenSQLite(ctx, filepath.Join(b.TempDir(), "bench.db"), "bench")
			if err != nil {
				b.Fatal(err)
			}
			return s, func(n int) {
				seedSQL(b, s.db, fmt.Sprintf(`INSERT INTO qoqasync_bindings (backend, model, remote_id, local_id)
					WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x < %d)
					SELECT 'bench', 'order', CAST(x AS TEXT), CAST(x + 10000000 AS TEXT) FROM c`, n-1))
			}
		}},
		{"postgres", func(b *testing.B) (Store, func(int)) {
			url := os.Getenv("QOQASYNC_TEST_POSTGRES")
			if url == "" {
				url = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
			}
			backend := fmt.Sprintf("bench-%d", time.Now().UnixNano())
			s, err := OpenPostgres(ctx, url, backend)
			if err != nil {
				b.Skipf("no PostgreSQL: %v", err)
			}
			b.Cleanup(func() { s.db.Exec(`DELETE FROM qoqasync_bindings WHERE backend = $1`, backend) })
			return s, func(n int) {
				seedSQL(b, s.db, fmt.Sprintf(`INSERT INTO qoqasync_bindings (backend, model, remote_id, local_id)
					SELECT '%s', 'order', g::text, (g + 10000000)::text FROM generate_series(0, %d) g`, backend, n-1))
			}
		}},
	}
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			s, seed := st.open(b)
			defer s.Close()
			b.Run("Bind", func(b *testing.B) {
				i := 0
				for b.Loop() {
					i++
					if err := s.Bind(ctx, connector.Binding{Model: "product", RemoteID: fmt.Sprint(i), LocalID: fmt.Sprint(i), SyncedAt: time.Now()}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/bind")
			})
			seed(million)
			b.Run("ByRemoteAmong1M", func(b *testing.B) {
				i := 0
				for b.Loop() {
					i = (i + 7919) % million
					if _, err := s.ByRemote(ctx, "order", fmt.Sprint(i)); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/lookup")
			})
		})
	}
}

func seedSQL(b *testing.B, db *sql.DB, query string) {
	if _, err := db.Exec(query); err != nil {
		b.Fatal(err)
	}
}

// Package pgtest gives a test its own PostgreSQL schema on the test server,
// so that tests of several packages, and of several engineers, share one
// server without seeing each other's rows.
//
// The server is QOQASYNC_TEST_POSTGRES (by default the local one); a test
// that finds none fails when CI=true and skips otherwise.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultURL is the test server when QOQASYNC_TEST_POSTGRES is not set.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// URL returns the test server's URL, after checking that it answers.
func URL(t testing.TB) string {
	t.Helper()
	url := os.Getenv("QOQASYNC_TEST_POSTGRES")
	if url == "" {
		url = DefaultURL
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	pool, err := pgxpool.New(ctx, url)
	if err == nil {
		err = pool.Ping(ctx)
		pool.Close()
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required in CI and does not answer at QOQASYNC_TEST_POSTGRES: %v", err)
		}
		t.Skipf("no PostgreSQL answers (set QOQASYNC_TEST_POSTGRES): %v", err)
	}
	return url
}

// Schema creates a fresh schema, dropped with everything in it when the test
// ends, and returns its name with a pool whose connections use it as their
// search_path. Pools opened with Pool on the same name share it.
func Schema(t testing.TB) (*pgxpool.Pool, string) {
	t.Helper()
	url := URL(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("pgtest: create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("pgtest: drop schema %s: %v", schema, err)
		}
		admin.Close()
	})
	return Pool(t, schema), schema
}

// Pool opens a pool on the test server whose connections use schema as
// their search_path; it is closed when the test ends.
func Pool(t testing.TB, schema string) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(URL(t))
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema
	cfg.MaxConns = 16
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

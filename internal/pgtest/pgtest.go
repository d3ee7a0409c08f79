// Package pgtest gives each PostgreSQL test a database of its own: a fresh
// schema on the server that QOQASYNC_TEST_POSTGRES names, dropped when the
// test ends, so that tests (and other sessions' tests) share one server
// without seeing each other's rows, River jobs or locks' tables.
//
// Without a server the tests skip, except in CI (CI=true), where they fail:
// .ci/run starts one.
package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// DefaultURL is the server of a developer's machine and of CI.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// URL is the server the PostgreSQL tests use: QOQASYNC_TEST_POSTGRES, or
// DefaultURL. It checks that the server answers: without one, t skips, or
// fails under CI=true.
func URL(t testing.TB) string {
	t.Helper()
	u := FromEnv()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err == nil {
		err = conn.Ping(ctx)
		conn.Close(ctx)
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required in CI and does not answer at QOQASYNC_TEST_POSTGRES: %v", err)
		}
		t.Skipf("no PostgreSQL answers (set QOQASYNC_TEST_POSTGRES): %v", err)
	}
	return u
}

// FromEnv is QOQASYNC_TEST_POSTGRES, or DefaultURL; it checks nothing (a
// child process of a test uses it).
func FromEnv() string {
	if u := os.Getenv("QOQASYNC_TEST_POSTGRES"); u != "" {
		return u
	}
	return DefaultURL
}

var schemas atomic.Int64

// Schema creates a new, empty schema and returns the URL of the server
// with its search_path set to it: every table created through that URL
// lands there. The schema is dropped, with all it holds, when t ends.
func Schema(t testing.TB) string {
	t.Helper()
	base, name := newSchema(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("pgtest: QOQASYNC_TEST_POSTGRES does not parse as a URL")
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// SchemaPool is Schema for a test that talks through a pool (River's
// driver): it returns a pool whose connections use the new schema as their
// search_path, and the schema's name, for Pool to open more (another
// "process").
func SchemaPool(t testing.TB) (*pgxpool.Pool, string) {
	t.Helper()
	_, name := newSchema(t)
	return Pool(t, name), name
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

// newSchema creates the schema of one test on the server and returns the
// server's URL and the schema's name.
func newSchema(t testing.TB) (base, name string) {
	t.Helper()
	base = URL(t)
	name = fmt.Sprintf("qoqasync_test_%d_%d_%d", os.Getpid(), time.Now().UnixNano(), schemas.Add(1))
	exec(t, base, `CREATE SCHEMA `+name)
	t.Cleanup(func() { exec(t, base, `DROP SCHEMA `+name+` CASCADE`) })
	return base, name
}

func exec(t testing.TB, u, stmt string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, stmt); err != nil {
		t.Fatalf("pgtest: %s: %v", stmt, err)
	}
}

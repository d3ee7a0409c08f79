package binding_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver of the helpers below
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/binding/bindingtest"
	"github.com/qoqasync/qoqasync/connector"
)

func TestMemoryConformance(t *testing.T) {
	bindingtest.Run(t, func(t *testing.T) bindingtest.Opener {
		m := binding.NewMemory()
		return func(t *testing.T) binding.Store { return m }
	})
}

func TestSQLiteConformance(t *testing.T) {
	bindingtest.Run(t, func(t *testing.T) bindingtest.Opener {
		path := filepath.Join(t.TempDir(), "bindings.db")
		return func(t *testing.T) binding.Store {
			s, err := binding.OpenSQLite(context.Background(), path, "qoqa.ch")
			require.NoError(t, err)
			return s
		}
	})
}

func TestPostgresConformance(t *testing.T) {
	url := postgresURL(t)
	bindingtest.Run(t, func(t *testing.T) bindingtest.Opener {
		backend := uniqueBackend(t, url)
		return func(t *testing.T) binding.Store {
			s, err := binding.OpenPostgres(context.Background(), url, backend)
			require.NoError(t, err)
			return s
		}
	})
}

// TestSQLiteTwoProcessesMigrateAtOnce opens one new file from many
// connections at once, as processes starting together do: each migration is
// applied once and every open succeeds.
func TestSQLiteOpenedAtOnceMigratesOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bindings.db")
	openAtOnce(t, func() (binding.Store, error) { return binding.OpenSQLite(context.Background(), path, "b") })
}

func TestPostgresOpenedAtOnceMigratesOnce(t *testing.T) {
	url := postgresURL(t)
	backend := uniqueBackend(t, url)
	openAtOnce(t, func() (binding.Store, error) { return binding.OpenPostgres(context.Background(), url, backend) })
}

func openAtOnce(t *testing.T, open func() (binding.Store, error)) {
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			s, err := open()
			if err == nil {
				err = s.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

func TestOpenPostgresDoesNotLeakThePassword(t *testing.T) {
	_, err := binding.OpenPostgres(context.Background(), "postgres://u:s3cr3t@127.0.0.1:1/db?sslmode=disable&connect_timeout=1", "b")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cr3t")
	_, err = binding.OpenPostgres(context.Background(), "postgres://u:s3cr3t@[bad", "b")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cr3t")
}

// The reopen tests write from a child process that exits without closing
// the store, then read in this one: what a crash leaves behind is there.
const childEnv = "QOQASYNC_BINDING_CHILD"

func TestReopenAfterProcessExit(t *testing.T) {
	if spec := os.Getenv(childEnv); spec != "" {
		writeAndExit(spec)
		return
	}
	stores := map[string]func(t *testing.T) (string, func() (binding.Store, error)){
		"sqlite": func(t *testing.T) (string, func() (binding.Store, error)) {
			path := filepath.Join(t.TempDir(), "bindings.db")
			return "sqlite " + path, func() (binding.Store, error) { return binding.OpenSQLite(context.Background(), path, "child") }
		},
		"postgres": func(t *testing.T) (string, func() (binding.Store, error)) {
			url := postgresURL(t)
			backend := uniqueBackend(t, url)
			return "postgres " + backend, func() (binding.Store, error) { return binding.OpenPostgres(context.Background(), url, backend) }
		},
	}
	for name, mk := range stores {
		t.Run(name, func(t *testing.T) {
			spec, open := mk(t)
			cmd := exec.Command(os.Args[0], "-test.run=^TestReopenAfterProcessExit$")
			cmd.Env = append(os.Environ(), childEnv+"="+spec)
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "child: %s", out)

			s, err := open()
			require.NoError(t, err)
			defer s.Close()
			ctx := context.Background()
			for i := range 100 {
				b, err := s.ByRemote(ctx, "order", fmt.Sprint(i))
				require.NoError(t, err)
				assert.Equal(t, fmt.Sprint(1000+i), b.LocalID)
			}
			mark, _, err := s.Watermark(ctx, "import order")
			require.NoError(t, err)
			assert.Equal(t, time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), mark)
		})
	}
}

func writeAndExit(spec string) {
	var kind, where string
	fmt.Sscan(spec, &kind, &where)
	ctx := context.Background()
	var s binding.Store
	var err error
	if kind == "sqlite" {
		s, err = binding.OpenSQLite(ctx, where, "child")
	} else {
		s, err = binding.OpenPostgres(ctx, postgresURLFromEnv(), where)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for i := range 100 {
		if err := s.Bind(ctx, connector.Binding{Model: "order", RemoteID: fmt.Sprint(i), LocalID: fmt.Sprint(1000 + i)}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	if err := s.SetWatermark(ctx, "import order", time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(0) // no Close: as a crash would leave it
}

// postgresURL is the server the PostgreSQL tests use. Without one they skip,
// except in CI (CI=true), where they fail: .ci/run starts a server.
func postgresURL(t testing.TB) string {
	url := postgresURLFromEnv()
	db, err := sql.Open("pgx", url)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = db.PingContext(ctx)
		cancel()
		db.Close()
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required in CI and does not answer at QOQASYNC_TEST_POSTGRES: %v", err)
		}
		t.Skipf("no PostgreSQL answers (set QOQASYNC_TEST_POSTGRES): %v", err)
	}
	return url
}

func postgresURLFromEnv() string {
	if u := os.Getenv("QOQASYNC_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// uniqueBackend names a backend no other test uses, so that PostgreSQL tests
// share one database without seeing each other's rows; its rows go at the
// end of the test.
func uniqueBackend(t testing.TB, url string) string {
	backend := fmt.Sprintf("test-%d", time.Now().UnixNano())
	t.Cleanup(func() {
		db, err := sql.Open("pgx", url)
		if err != nil {
			return
		}
		defer db.Close()
		db.Exec(`DELETE FROM qoqasync_bindings WHERE backend = $1`, backend)
		db.Exec(`DELETE FROM qoqasync_watermarks WHERE backend = $1`, backend)
	})
	return backend
}

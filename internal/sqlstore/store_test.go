package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/internal/pgtest"
	"github.com/qoqasync/qoqasync/store/postgres"
	"github.com/qoqasync/qoqasync/store/sqlite"
)

// The reopen tests write from a child process that exits without closing
// the store, then read in this one: what a crash leaves behind is there.
const childEnv = "QOQASYNC_BINDING_CHILD"

func TestReopenAfterProcessExit(t *testing.T) {
	if spec := os.Getenv(childEnv); spec != "" {
		writeAndExit(spec)
		return
	}
	t.Parallel()
	stores := map[string]func(t *testing.T) (string, func() (binding.Store, error)){
		"sqlite": func(t *testing.T) (string, func() (binding.Store, error)) {
			path := filepath.Join(t.TempDir(), "qoqasync.db")
			return "sqlite " + path, func() (binding.Store, error) { return sqlite.Open(context.Background(), path, "child") }
		},
		"postgres": func(t *testing.T) (string, func() (binding.Store, error)) {
			dsn := pgtest.Schema(t)
			return "postgres " + dsn, func() (binding.Store, error) { return postgres.Open(context.Background(), dsn, "child") }
		},
	}
	for name, mk := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
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
		s, err = sqlite.Open(ctx, where, "child")
	} else {
		s, err = postgres.Open(ctx, where, "child")
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

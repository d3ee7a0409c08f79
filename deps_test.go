package qoqasync_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHostsLinkOnlyTheirDatabase proves, with go list -deps, that the
// stores are split by database: a host links the driver of the database it
// opens and no other (each driver adds megabytes, and SQLite's its C
// library transpiled to Go).
func TestHostsLinkOnlyTheirDatabase(t *testing.T) {
	t.Parallel()
	goBin, err := exec.LookPath("go")
	require.NoError(t, err, "go list needs the go command")
	const (
		pgx    = "github.com/jackc/pgx/"
		sqlite = "modernc.org/sqlite"
	)
	tests := []struct {
		name    string
		imports []string
		links   []string
		mustNot []string
	}{
		{"memory bindings", []string{"./connector", "./binding"}, nil, []string{pgx, sqlite}},
		{"SQLite", []string{"./store/sqlite"}, []string{sqlite}, []string{pgx}},
		{"PostgreSQL", []string{"./store/postgres"}, []string{pgx}, []string{sqlite}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, err := exec.Command(goBin, append([]string{"list", "-deps"}, tc.imports...)...).Output()
			require.NoError(t, err, "go list -deps %v", tc.imports)
			deps := strings.Fields(string(out))
			linked := func(prefix string) []string {
				var hits []string
				for _, d := range deps {
					if strings.HasPrefix(d, prefix) {
						hits = append(hits, d)
					}
				}
				return hits
			}
			for _, p := range tc.links {
				assert.NotEmpty(t, linked(p), "%v should link %s: the check would prove nothing", tc.imports, p)
			}
			for _, p := range tc.mustNot {
				assert.Empty(t, linked(p), "%v links %s", tc.imports, p)
			}
		})
	}
}

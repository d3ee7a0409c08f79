package main

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The defaults a new user gets are the safe ones: the status server on
// localhost only, the durable River queue in a SQLite file, everything
// imported from the fixed early date the help text names.
func TestDefaultsAreSafe(t *testing.T) {
	t.Parallel()
	c, err := parseConfig([]string{"-demo"}, func(string) string { return "" }, io.Discard)
	require.NoError(t, err)
	host, _, err := net.SplitHostPort(c.Listen)
	require.NoError(t, err)
	assert.True(t, net.ParseIP(host).IsLoopback(), "the status server listens on %s", c.Listen)
	assert.Equal(t, queueRiver, c.Queue)
	assert.False(t, isPostgres(c.Store))
	assert.Equal(t, "qoqasync.db", c.Store)
	assert.Equal(t, time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC), c.Since)
	assert.False(t, c.TLSInsecure)
	assert.Positive(t, c.RescueAfter)
}

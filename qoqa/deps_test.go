package qoqa_test

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A Go service that wants only the QoQa client, or its fake, links no part
// of the engine: deciding retries is the adapters' job.
func TestStandsAloneWithoutTheEngine(t *testing.T) {
	t.Parallel()
	out, err := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "list", "-deps", ".", "./qoqatest").CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, dep := range strings.Fields(string(out)) {
		assert.False(t, strings.HasPrefix(dep, "github.com/qoqasync/qoqasync/connector"), "qoqa depends on %s", dep)
		assert.False(t, strings.HasPrefix(dep, "github.com/qoqasync/qoqasync/adapter"), "qoqa depends on %s", dep)
	}
}

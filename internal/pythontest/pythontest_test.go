package pythontest

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFindOrder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	debian := filepath.Join(dir, "python3")
	if err := os.WriteFile(debian, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	onPath := func(string) (string, error) { return "/opt/pyenv/shims/python3", nil }
	noPath := func(string) (string, error) { return "", errors.New("not found") }
	cases := []struct {
		name     string
		getenv   func(string) string
		debian   string
		lookPath func(string) (string, error)
		want     string
	}{
		{"the variable first", env(map[string]string{"QOQASYNC_PYTHON": "/x/python"}), debian, onPath, "/x/python"},
		{"then Debian's", env(nil), debian, onPath, debian},
		{"then PATH's", env(nil), filepath.Join(dir, "none"), onPath, "/opt/pyenv/shims/python3"},
		{"none", env(nil), filepath.Join(dir, "none"), noPath, ""},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, find(tc.getenv, tc.debian, tc.lookPath), tc.name)
	}
}

// recorder is a testing.TB that notes a failure or a skip instead of
// ending the test that runs it.
type recorder struct {
	testing.TB
	failed, skipped bool
}

func (r *recorder) Helper()      {}
func (r *recorder) Fatal(...any) { r.failed = true; panicExit() }
func (r *recorder) Skip(...any)  { r.skipped = true; panicExit() }
func panicExit()                 { panic(errExit) }

var errExit = errors.New("exit")

// end runs found and reports how it ended the test.
func end(python string, ci bool) (r *recorder, got string) {
	r = &recorder{}
	var wg sync.WaitGroup
	wg.Go(func() {
		defer func() {
			if p := recover(); p != nil && p != errExit {
				panic(p)
			}
		}()
		got = found(r, python, ci)
	})
	wg.Wait()
	return r, got
}

// Without python3, CI fails and a developer's run skips.
func TestFoundWithoutPython(t *testing.T) {
	t.Parallel()
	r, _ := end("", true)
	assert.True(t, r.failed, "CI=true fails")
	r, _ = end("", false)
	assert.True(t, r.skipped, "elsewhere it skips")
	assert.False(t, r.failed)
	r, got := end("/usr/bin/python3", true)
	assert.False(t, r.failed || r.skipped)
	assert.Equal(t, "/usr/bin/python3", got)
}

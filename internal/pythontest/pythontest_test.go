package pythontest

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

// recorder is a testing.TB that keeps what Fatal and Skip said, and stops
// the goroutine as they do.
type recorder struct {
	testing.TB
	mu          sync.Mutex
	fatal, skip string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatal(args ...any) {
	r.mu.Lock()
	r.fatal = args[0].(string)
	r.mu.Unlock()
	runtime.Goexit()
}
func (r *recorder) Skip(args ...any) {
	r.mu.Lock()
	r.skip = args[0].(string)
	r.mu.Unlock()
	runtime.Goexit()
}

// fakePython writes an interpreter that imports everything (ok) or nothing.
func fakePython(t *testing.T, ok bool) string {
	path := filepath.Join(t.TempDir(), "python3")
	script := "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'oauthlib'\" >&2\nexit 1\n"
	if ok {
		script = "#!/bin/sh\nexit 0\n"
	}
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestFind(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Fatal("the fake interpreters are shell scripts")
	}
	good, bad := fakePython(t, true), fakePython(t, false)
	onPath := func(p string) func(string) (string, error) {
		return func(string) (string, error) {
			if p == "" {
				return "", errors.New("not on PATH")
			}
			return p, nil
		}
	}
	for name, tc := range map[string]struct {
		env      map[string]string
		system   string
		path     string
		want     string
		fatal    bool
		skip     bool
		mentions string
	}{
		"QOQASYNC_PYTHON wins":              {env: map[string]string{Env: good}, system: bad, path: bad, want: good},
		"QOQASYNC_PYTHON alone is tried":    {env: map[string]string{Env: bad}, system: good, path: good, skip: true, mentions: bad},
		"the system python before PATH":     {system: good, path: bad, want: good},
		"PATH when the system one lacks it": {system: bad, path: good, want: good},
		"none, outside CI: skipped":         {system: bad, path: "", skip: true, mentions: "No module named 'oauthlib'"},
		"none, under CI: failed":            {env: map[string]string{"CI": "true"}, system: bad, path: bad, fatal: true, mentions: "QOQASYNC_PYTHON"},
		"no interpreter at all, under CI":   {env: map[string]string{"CI": "true"}, system: "/no/such/python3", fatal: true, mentions: "/no/such/python3 (not found)"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := finder{getenv: func(k string) string { return tc.env[k] }, system: tc.system, lookPath: onPath(tc.path)}
			r := &recorder{TB: t}
			var got string
			done := make(chan struct{})
			go func() {
				defer close(done)
				got = f.find(r, []string{"oauthlib"})
			}()
			<-done
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.fatal, r.fatal != "", "fatal: %q", r.fatal)
			assert.Equal(t, tc.skip, r.skip != "", "skip: %q", r.skip)
			assert.Contains(t, r.fatal+r.skip, tc.mentions)
		})
	}
}

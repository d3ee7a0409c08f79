// Package pythontest finds a Python 3 that can import the modules a test
// needs, so that clients nobody here wrote (Python's oauthlib, its
// xmlrpc.client) can check the fake servers.
package pythontest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Env names the variable that picks the interpreter: when set, it is the
// only one tried.
const Env = "QOQASYNC_PYTHON"

// system is Debian's python3, which has the python3-* packages; the first
// python3 on PATH may be another one (pyenv) without them.
const system = "/usr/bin/python3"

// Find returns a Python 3 that can import every module: $QOQASYNC_PYTHON
// when set, else /usr/bin/python3, else python3 on PATH. When none can, the
// test fails under CI=true, where a missing interpreter is a broken
// machine, and is skipped otherwise, saying what was tried and how to get
// one.
func Find(t testing.TB, modules ...string) string {
	t.Helper()
	return finder{getenv: os.Getenv, system: system, lookPath: exec.LookPath}.find(t, modules)
}

// finder holds what Find reads from the machine, so that tests can change it.
type finder struct {
	getenv   func(string) string
	system   string
	lookPath func(string) (string, error)
}

func (f finder) find(t testing.TB, modules []string) string {
	t.Helper()
	var candidates []string
	if p := f.getenv(Env); p != "" {
		candidates = []string{p}
	} else {
		candidates = []string{f.system}
		if p, err := f.lookPath("python3"); err == nil && p != f.system {
			candidates = append(candidates, p)
		}
	}
	var tried []string
	for _, p := range candidates {
		err := canImport(t, p, modules)
		if err == nil {
			return p
		}
		tried = append(tried, fmt.Sprintf("%s (%v)", p, err))
	}
	msg := fmt.Sprintf("no Python 3 that can import %s: tried %s. Install Debian's python3 packages (python3-oauthlib for oauthlib), or set %s to an interpreter that has them",
		strings.Join(modules, ", "), strings.Join(tried, "; "), Env)
	if f.getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// canImport runs python -c "import ..." and reports why it failed.
func canImport(t testing.TB, python string, modules []string) error {
	if _, err := os.Stat(python); err != nil {
		return fmt.Errorf("not found")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	script := "import sys\nassert sys.version_info[0] == 3, 'not Python 3'\n"
	for _, m := range modules {
		script += "import " + m + "\n"
	}
	out, err := exec.CommandContext(ctx, python, "-c", script).CombinedOutput()
	if err != nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		return fmt.Errorf("%s", lines[len(lines)-1]) // the exception, as "ModuleNotFoundError: No module named 'oauthlib'"
	}
	return nil
}

// Run runs a Python script, with the given environment added to the test's,
// by the interpreter Find picks for modules, and fails the test with the
// script's output when it exits with an error or runs longer than timeout.
func Run(t testing.TB, script string, env []string, timeout time.Duration, modules ...string) {
	t.Helper()
	python := Find(t, modules...)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	// -I: isolated from the user's site packages and PYTHON* variables.
	cmd := exec.CommandContext(ctx, python, "-I", script)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", python, script, err, out)
	}
	t.Logf("%s %s:\n%s", python, script, out)
}

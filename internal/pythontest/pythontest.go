// Package pythontest runs Python scripts from Go tests, so that a client
// nobody here wrote (Python's standard library, Debian's python3 packages)
// checks the fake servers.
package pythontest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"
)

// debianPython is where Debian installs its python3, whose packages
// (python3-oauthlib) the scripts may need.
const debianPython = "/usr/bin/python3"

// Find returns the python3 to run: $QOQASYNC_PYTHON, else Debian's
// /usr/bin/python3, else python3 on PATH. Without one the test fails under
// CI=true, where the check must run, and is skipped elsewhere.
func Find(t testing.TB) string {
	t.Helper()
	return found(t, find(os.Getenv, debianPython, exec.LookPath), os.Getenv("CI") == "true")
}

// found returns python, or ends the test without one: a failure under CI,
// a skip elsewhere.
func found(t testing.TB, python string, ci bool) string {
	t.Helper()
	if python != "" {
		return python
	}
	const msg = "no python3: set QOQASYNC_PYTHON, or install python3 (apt-get install python3)"
	if ci {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// find looks for python3 in the order Find documents; "" when there is
// none.
func find(getenv func(string) string, debian string, lookPath func(string) (string, error)) string {
	if p := getenv("QOQASYNC_PYTHON"); p != "" {
		return p
	}
	if info, err := os.Stat(debian); err == nil && !info.IsDir() && info.Mode()&0o111 != 0 {
		return debian
	}
	if p, err := lookPath("python3"); err == nil {
		return p
	}
	return ""
}

// Run runs a Python script with the given environment added to the
// test's, and fails the test with the script's output when it exits with
// an error or runs longer than timeout.
func Run(t testing.TB, script string, env []string, timeout time.Duration) {
	t.Helper()
	python := Find(t)
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

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

func TestDemoRunsTheWholeFlow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token.json")
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-demo", "-token-file", path}, strings.NewReader(""), &out))
	assert.Contains(t, out.String(), "/oauth1.0a/authorize?oauth_token=")
	assert.Contains(t, out.String(), "it works")
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var tok struct{ Secret string }
	require.NoError(t, json.Unmarshal(data, &tok))
	require.NotEmpty(t, tok.Secret)
	assert.NotContains(t, out.String(), tok.Secret, "the token's secret is not printed")
}

// A user runs the login against a QoQa site (here the fake, over HTTP):
// the URL on a line of its own, the PIN typed on standard input.
func TestLoginReadsThePINFromStandardInput(t *testing.T) {
	srv := qoqatest.New(qoqatest.Options{})
	t.Cleanup(srv.Close)
	t.Setenv("QOQA_CONSUMER_KEY", srv.Consumer().Key)
	t.Setenv("QOQA_CONSUMER_SECRET", srv.Consumer().Secret)
	for _, flagName := range []string{"-qoqa-url", "-url"} {
		t.Run(flagName, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "token.json")
			stdin, typePIN := io.Pipe()
			stdoutR, stdout := io.Pipe()
			done := make(chan error, 1)
			go func() {
				done <- run(context.Background(), []string{flagName, srv.URL, "-token-file", path}, stdin, stdout)
				stdout.Close()
			}()
			lines := bufio.NewScanner(stdoutR)
			var rest strings.Builder
			for lines.Scan() {
				line := lines.Text()
				if strings.HasPrefix(line, srv.URL) && strings.Contains(line, "oauth_token=") {
					pin, err := pinOnPage(context.Background(), line) // the user, in a browser
					require.NoError(t, err)
					go fmt.Fprintln(typePIN, pin) // while the login prompts on stdout
					continue
				}
				rest.WriteString(line + "\n")
			}
			require.NoError(t, <-done)
			assert.Contains(t, rest.String(), "it works")
			info, err := os.Stat(path)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
		})
	}
}

func TestNeedsConsumerCredentials(t *testing.T) {
	t.Setenv("QOQA_CONSUMER_KEY", "")
	t.Setenv("QOQA_CONSUMER_SECRET", "")
	err := run(context.Background(), nil, strings.NewReader(""), &bytes.Buffer{})
	assert.ErrorContains(t, err, "QOQA_CONSUMER_KEY")
}

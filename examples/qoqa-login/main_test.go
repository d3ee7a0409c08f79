package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

func TestNeedsConsumerCredentials(t *testing.T) {
	t.Setenv("QOQA_CONSUMER_KEY", "")
	t.Setenv("QOQA_CONSUMER_SECRET", "")
	err := run(context.Background(), nil, strings.NewReader(""), &bytes.Buffer{})
	assert.ErrorContains(t, err, "QOQA_CONSUMER_KEY")
}

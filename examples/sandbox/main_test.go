package main

import (
	"bufio"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/qoqa"
)

// The sandbox serves both fakes with the demo data on the addresses given,
// and says how to reach them; a client nobody configured for it logs in with
// what it prints.
func TestSandboxServesTheDemoData(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	outR, out := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-qoqa-addr", "127.0.0.1:0", "-openerp-addr", "127.0.0.1:0"}, out)
		out.Close()
	}()
	printed := map[string]string{}
	lines := bufio.NewScanner(outR)
	for lines.Scan() {
		key, value, _ := strings.Cut(lines.Text(), " ")
		if k, v, ok := strings.Cut(lines.Text(), "="); ok {
			key, value = k, v
		}
		printed[key] = value
		if strings.HasPrefix(lines.Text(), "serving") {
			break
		}
	}
	go io.Copy(io.Discard, outR)

	password, _, _ := strings.Cut(printed["OPENERP_PASSWORD"], " ")
	oc, err := openerp.New(openerp.Config{URL: printed["openerp"], Database: openerpDatabase, User: openerpUser, Password: password})
	require.NoError(t, err)
	templates, err := oc.Search(ctx, "product.template", nil, openerp.SearchOptions{})
	require.NoError(t, err)
	assert.NotEmpty(t, templates, "no demo products in OpenERP")

	flow := &qoqa.PINFlow{BaseURL: printed["qoqa"], Consumer: qoqa.Credentials{Key: printed["QOQA_CONSUMER_KEY"], Secret: printed["QOQA_CONSUMER_SECRET"]}}
	_, err = flow.Start(ctx)
	require.NoError(t, err, "the printed consumer key and secret must open the PIN flow")

	cancel()
	require.NoError(t, <-done)
}

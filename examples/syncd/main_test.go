package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/internal/demo"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// runOnce runs the runner with args and env, and returns its exit status and
// what it printed.
func runOnce(t *testing.T, args []string, env map[string]string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errOut)
	return code, out.String(), errOut.String()
}

// The first thing a user runs: the demo, once.
func TestDemoOnceSyncsEverythingAndSaysSo(t *testing.T) {
	t.Parallel()
	code, out, errOut := runOnce(t, []string{"-demo", "-once", "-queue", "memory", "-listen", ""}, nil)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	for _, line := range []string{"model  created  updated", "import      order", "export    product", "export   shipment"} {
		assert.Contains(t, out, line)
	}
	assert.NotContains(t, out, "failed:")
}

// sandbox starts both fakes with the demo data, as examples/sandbox does,
// and returns the runner's settings for them (the login done: a token
// file).
func sandbox(t *testing.T, size demo.Size) (*qoqatest.Server, *openerptest.Server, []string, map[string]string) {
	t.Helper()
	q := qoqatest.New(qoqatest.Options{})
	t.Cleanup(q.Close)
	o := openerptest.New(openerptest.Options{})
	t.Cleanup(o.Close)
	demo.Seed(q, o, size, 3)
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token.json")
	require.NoError(t, qoqa.FileTokenStore{Path: tokenFile}.Save(context.Background(), q.IssueToken()))
	oc := o.Config()
	args := []string{"-qoqa-url", q.URL, "-openerp-url", o.URL, "-openerp-db", oc.Database, "-openerp-user", oc.User,
		"-token-file", tokenFile, "-store", filepath.Join(dir, "store.db"), "-queue", "memory", "-listen", ""}
	env := map[string]string{"QOQA_CONSUMER_KEY": q.Consumer().Key, "QOQA_CONSUMER_SECRET": q.Consumer().Secret, "OPENERP_PASSWORD": oc.Password}
	return q, o, args, env
}

var small = demo.Size{Users: 30, Orders: 40, Products: 5, Offers: 3, Vouchers: 4}

// Against servers over the network, with the login's token file: a second
// run right after the first, with nothing changed, writes nothing.
func TestSecondRunWritesNothing(t *testing.T) {
	t.Parallel()
	q, o, args, env := sandbox(t, small)
	code, out, errOut := runOnce(t, append(args, "-once"), env)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Positive(t, o.Count("sale.order"))

	writes := func() int {
		n := 0
		for _, m := range []string{"res.partner", "sale.order", "sale.order.line", "qoqa.voucher", "qoqa.offer", "product.template", "product.product", "sale.shop", "qoqa.deal"} {
			n += o.Calls(m, "create") + o.Calls(m, "write") + o.Calls(m, "unlink")
		}
		for _, e := range []string{"product", "variation", "offer", "voucher", "order"} {
			n += q.Calls(e, http.MethodPost) + q.Calls(e, http.MethodPut) + q.Calls(e, http.MethodDelete)
		}
		return n
	}
	before := writes()
	code, out, errOut = runOnce(t, append(args, "-once"), env)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Equal(t, before, writes(), "the second run wrote:\n%s", out)
	assert.Contains(t, out, "nothing to create, update or delete")
}

// A missing or malformed setting stops the start with one line naming it
// and its variable.
func TestBadSettingsAreNamed(t *testing.T) {
	t.Parallel()
	_, _, args, env := sandbox(t, demo.Size{Users: 1, Orders: 1, Products: 1, Offers: 1, Vouchers: 1})
	without := func(name string) []string {
		var out []string
		for i := 0; i < len(args); i += 2 {
			if args[i] != name {
				out = append(out, args[i], args[i+1])
			}
		}
		return out
	}
	envWithout := func(name string) map[string]string {
		out := map[string]string{}
		for k, v := range env {
			if k != name {
				out[k] = v
			}
		}
		return out
	}
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"no OpenERP URL", without("-openerp-url"), env, "-openerp-url (QOQASYNC_OPENERP_URL): required"},
		{"bad since", append(slicesClone(args), "-since", "2026-13-01"), env, `-since (QOQASYNC_SINCE): "2026-13-01" is not a date`},
		{"bad queue", append(slicesClone(args), "-queue", "kafka"), env, `-queue (QOQASYNC_QUEUE): "kafka" is neither river nor memory`},
		{"no password", args, envWithout("OPENERP_PASSWORD"), "OPENERP_PASSWORD: required in the environment"},
		{"bad URL", append(slicesClone(args), "-qoqa-url", "ftp://x"), env, `-qoqa-url (QOQASYNC_QOQA_URL): "ftp://x" is not an http(s) URL`},
		{"missing token", append(slicesClone(args), "-token-file", "/nonexistent/token.json"), env, "-token-file (QOQASYNC_TOKEN_FILE):"},
		{"bad listen", append(slicesClone(args), "-listen", "nowhere"), env, `-listen (QOQASYNC_LISTEN): "nowhere" is not host:port`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runOnce(t, append(tc.args, "-once"), tc.env)
			assert.Equal(t, 2, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
			assert.Contains(t, errOut, tc.want)
			assert.Equal(t, 1, strings.Count(strings.TrimSpace(errOut), "\n")+1, "one line: %q", errOut)
		})
	}
}

// Settings come from QOQASYNC_<NAME> when no flag gives them.
func TestSettingsFromTheEnvironment(t *testing.T) {
	t.Parallel()
	_, _, args, env := sandbox(t, demo.Size{Users: 1, Orders: 1, Products: 1, Offers: 1, Vouchers: 1})
	for i := 0; i < len(args); i += 2 {
		env[envName(strings.TrimPrefix(args[i], "-"))] = args[i+1]
	}
	env["QOQASYNC_ONCE"] = "true"
	code, out, errOut := runOnce(t, nil, env)
	assert.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }

// One record that cannot be mapped fails its job, named in the summary, and
// the run exits 1; the data fixed, a re-run of the job through the status
// server succeeds.
func TestBadRecordFailsItsJobAndIsReRunAfterTheFix(t *testing.T) {
	t.Parallel()
	q, _, args, env := sandbox(t, small)
	bad := q.Seed("address", qoqa.Address{CustomerID: 1, Kind: qoqa.AddressOther, Lastname: "Nowhere", City: "Atlantis", Country: "XX", IsActive: true})[0]
	code, out, _ := runOnce(t, append(args, "-once"), env)
	require.Equal(t, 1, code, out)
	assert.Contains(t, out, fmt.Sprintf("failed: import address %d", bad))
	assert.Contains(t, out, "field country")

	// Served, with its status server: the failed job is listed, the data
	// is fixed on QoQa, the operator re-runs it.
	port := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append(slicesClone(args), "-listen", port), func(k string) string { return env[k] }, io.Discard, io.Discard)
	}()
	base := "http://" + port
	var failed jobsPage
	require.Eventually(t, func() bool {
		failed = getJobs(t, base)
		for _, j := range failed.Failed {
			if j.Model == "address" && j.Record == fmt.Sprint(bad) {
				return true
			}
		}
		return false
	}, 30*time.Second, 20*time.Millisecond, "the failed address never showed on /jobs")
	q.Touch("address", bad, map[string]any{"country": "CH"})
	var id int64
	for _, j := range failed.Failed {
		if j.Model == "address" {
			id = j.ID
		}
	}
	resp, err := http.Post(fmt.Sprintf("%s/jobs/%d/retry", base, id), "", nil)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Eventually(t, func() bool {
		for _, j := range getJobs(t, base).Failed {
			if j.Model == "address" {
				return false
			}
		}
		return true
	}, 30*time.Second, 20*time.Millisecond, "the re-run job failed again")
	cancel()
	assert.Equal(t, 0, <-done)
}

func getJobs(t *testing.T, base string) jobsPage {
	t.Helper()
	resp, err := http.Get(base + "/jobs")
	if err != nil {
		return jobsPage{}
	}
	defer resp.Body.Close()
	var page jobsPage
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&page))
	return page
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// The re-run endpoint refuses a request a page of another site makes.
func TestStatusServerRefusesOtherOrigins(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		origin, site string
		want         bool
	}{
		{"", "", true},
		{"http://127.0.0.1:8765", "", true},
		{"https://evil.example", "", false},
		{"", "cross-site", false},
	} {
		r, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:8765/jobs/1/retry", nil)
		if tc.origin != "" {
			r.Header.Set("Origin", tc.origin)
		}
		if tc.site != "" {
			r.Header.Set("Sec-Fetch-Site", tc.site)
		}
		assert.Equal(t, tc.want, sameOrigin(r), "origin %q site %q", tc.origin, tc.site)
	}
}

// TLS certificates are verified unless -tls-insecure says otherwise, which
// the runner warns about.
func TestTLSIsVerifiedUnlessTurnedOffLoudly(t *testing.T) {
	t.Parallel()
	_, o, args, env := sandbox(t, demo.Size{Users: 1, Orders: 1, Products: 1, Offers: 1, Vouchers: 1})
	target, err := url.Parse(o.URL)
	require.NoError(t, err)
	tlsOpenERP := httptest.NewTLSServer(httputil.NewSingleHostReverseProxy(target)) // a self-signed certificate
	t.Cleanup(tlsOpenERP.Close)
	args = append(slicesClone(args), "-openerp-url", tlsOpenERP.URL, "-once")

	code, _, errOut := runOnce(t, args, env)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "certificate", "a self-signed certificate must be refused")

	code, out, errOut := runOnce(t, append(args, "-tls-insecure"), env)
	assert.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Contains(t, errOut, "TLS certificates are not verified")
}

// A full run with sentinel secrets, a failing record among the others:
// no log line, error, summary or status page holds any of the secrets.
func TestSecretsReachNoOutput(t *testing.T) {
	t.Parallel()
	const consumerSecret, password = "SENTINEL-consumer-5f1d", "SENTINEL-password-9c2e"
	q := qoqatest.New(qoqatest.Options{ConsumerSecret: consumerSecret})
	t.Cleanup(q.Close)
	o := openerptest.New(openerptest.Options{Password: password})
	t.Cleanup(o.Close)
	demo.Seed(q, o, small, 5)
	q.Seed("address", qoqa.Address{CustomerID: 1, Kind: qoqa.AddressOther, Lastname: "Nowhere", Country: "XX", IsActive: true})
	dir := t.TempDir()
	token := q.IssueToken()
	tokenFile := filepath.Join(dir, "token.json")
	require.NoError(t, qoqa.FileTokenStore{Path: tokenFile}.Save(context.Background(), token))
	oc := o.Config()
	port := freePort(t)
	args := []string{"-qoqa-url", q.URL, "-openerp-url", o.URL, "-openerp-db", oc.Database, "-openerp-user", oc.User,
		"-token-file", tokenFile, "-store", filepath.Join(dir, "store.db"), "-queue", "memory"}
	env := map[string]string{"QOQA_CONSUMER_KEY": q.Consumer().Key, "QOQA_CONSUMER_SECRET": consumerSecret, "OPENERP_PASSWORD": password}
	secrets := []string{consumerSecret, password, token.Secret}

	code, out, errOut := runOnce(t, append(slicesClone(args), "-once", "-listen", ""), env)
	require.Equal(t, 1, code, "the bad address fails its job")
	// A wrong password and a wrong secret: the errors of a refused login.
	badEnv := map[string]string{"QOQA_CONSUMER_KEY": q.Consumer().Key, "QOQA_CONSUMER_SECRET": consumerSecret + "x", "OPENERP_PASSWORD": password + "x"}
	_, out2, errOut2 := runOnce(t, append(slicesClone(args), "-once", "-listen", ""), badEnv)

	ctx, cancel := context.WithCancel(context.Background())
	var serveOut, serveErr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append(slicesClone(args), "-listen", port), func(k string) string { return env[k] }, &serveOut, &serveErr)
	}()
	var page []byte
	require.Eventually(t, func() bool {
		resp, err := http.Get("http://" + port + "/jobs")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		page, _ = io.ReadAll(resp.Body)
		return strings.Contains(string(page), "country")
	}, 30*time.Second, 20*time.Millisecond, "the failed job never showed on /jobs")
	cancel()
	<-done

	for name, text := range map[string]string{"stdout": out, "stderr": errOut, "refused stdout": out2, "refused stderr": errOut2,
		"served stdout": serveOut.String(), "served stderr": serveErr.String(), "/jobs": string(page)} {
		for _, secret := range secrets {
			assert.NotContains(t, text, secret, "%s holds a secret", name)
		}
	}
	assert.NotEmpty(t, errOut2, "the refused run must say why")
}

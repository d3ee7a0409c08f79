package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/internal/demo"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// planned is a sandbox small enough for the plans and audits, which run
// their jobs one by one.
var planned = demo.Size{Users: 6, Orders: 6, Products: 2, Offers: 1, Vouchers: 2}

// recent starts the searches a week ago, where the sandbox's records are,
// rather than at the default start, years of empty windows away.
func recent(args []string) []string {
	return append(slicesClone(args), "-since", time.Now().AddDate(0, 0, -7).Format(time.DateOnly))
}

// writesTo counts the writes both fakes received.
func writesTo(q *qoqatest.Server, o *openerptest.Server) int {
	n := 0
	for _, m := range []string{"res.partner", "sale.order", "sale.order.line", "qoqa.voucher", "qoqa.offer", "product.template", "product.product", "sale.shop", "qoqa.deal"} {
		n += o.Calls(m, "create") + o.Calls(m, "write") + o.Calls(m, "unlink")
	}
	for _, e := range []string{"product", "variation", "offer", "voucher", "order"} {
		n += q.Calls(e, http.MethodPost) + q.Calls(e, http.MethodPut) + q.Calls(e, http.MethodDelete)
	}
	return n
}

// -plan prints what the run would do and writes nothing; -plan -json says
// the same in JSON lines; after the run, the plan says in one line that
// there is nothing to do.
func TestPlanShowsTheRunAndWritesNothing(t *testing.T) {
	t.Parallel()
	q, o, args, env := sandbox(t, planned)
	args = recent(args)

	code, out, errOut := runOnce(t, append(slicesClone(args), "-plan"), env)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Zero(t, writesTo(q, o), "the plan wrote")
	assert.Regexp(t, `create +user +local \(new\)`, out)
	assert.Regexp(t, `create +product +remote \(new\)`, out)

	code, out, errOut = runOnce(t, append(slicesClone(args), "-plan", "-json"), env)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	creates := 0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var e struct{ Action, Model, Side string }
		require.NoError(t, json.Unmarshal([]byte(line), &e), line)
		if e.Action == "create" {
			creates++
		}
	}
	assert.Positive(t, creates)
	assert.Zero(t, writesTo(q, o), "the plan wrote")

	code, out, errOut = runOnce(t, append(slicesClone(args), "-once"), env)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"text", []string{"-plan"}, "nothing to do: "},
		{"JSON", []string{"-plan", "-json"}, `{"action":"none",`},
	} {
		code, out, errOut := runOnce(t, append(slicesClone(args), tc.args...), env)
		require.Equal(t, 0, code, "%s\nstdout:\n%s\nstderr:\n%s", tc.name, out, errOut)
		assert.Equal(t, 1, strings.Count(out, "\n"), "%s: one line: %q", tc.name, out)
		assert.Contains(t, out, tc.want, tc.name)
	}
}

// -audit exits 0 when both sides agree and 1 on a drift, which -repair
// fixes through the normal flows.
func TestAuditFindsADriftAndRepairFixesIt(t *testing.T) {
	t.Parallel()
	q, _, args, env := sandbox(t, planned)
	args = recent(args)
	code, out, errOut := runOnce(t, append(slicesClone(args), "-once"), env)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)

	code, out, errOut = runOnce(t, append(slicesClone(args), "-audit"), env)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Contains(t, out, "in sync: no drift found")

	q.Tamper("user", 1, map[string]any{"email": "tampered@example.ch"})
	code, out, errOut = runOnce(t, append(slicesClone(args), "-audit", "-json"), env)
	require.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	assert.Contains(t, lines[0], `"kind":"drift"`)
	assert.Contains(t, lines[0], `"repair":"import user 1"`)
	assert.Equal(t, `{"drifted":true}`, lines[len(lines)-1])

	code, out, errOut = runOnce(t, append(slicesClone(args), "-audit", "-repair"), env)
	require.Equal(t, 1, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Regexp(t, `drift +user +remote 1`, out)
	assert.Contains(t, out, "repair: 1 jobs queued")
	assert.NotContains(t, out, "failed:")

	code, out, errOut = runOnce(t, append(slicesClone(args), "-audit"), env)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	assert.Contains(t, out, "in sync: no drift found")
}

// The modes' flags that mean nothing together stop the start, named.
func TestModeFlagsAreChecked(t *testing.T) {
	t.Parallel()
	_, _, args, env := sandbox(t, demo.Size{Users: 1, Orders: 1, Products: 1, Offers: 1, Vouchers: 1})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-plan", "-audit"}, "-plan (QOQASYNC_PLAN): one of -plan and -audit at a time"},
		{[]string{"-repair"}, "-repair (QOQASYNC_REPAIR): only with -audit"},
		{[]string{"-once", "-json"}, "-json (QOQASYNC_JSON): only with -plan or -audit"},
		{[]string{"-audit", "-audit-from", "2026-02-30"}, `-audit-from (QOQASYNC_AUDIT_FROM): "2026-02-30" is not a date`},
		{[]string{"-audit", "-audit-from", "2026-03-01", "-audit-to", "2026-02-01"}, "-audit-to (QOQASYNC_AUDIT_TO): not after -audit-from"},
	} {
		code, out, errOut := runOnce(t, append(slicesClone(args), tc.args...), env)
		assert.Equal(t, 2, code, "%v\nstdout:\n%s\nstderr:\n%s", tc.args, out, errOut)
		assert.Contains(t, errOut, tc.want, tc.args)
	}
}

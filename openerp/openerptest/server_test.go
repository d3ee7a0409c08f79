package openerptest_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/internal/wire"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
)

func setup(t *testing.T, opts openerptest.Options) (*openerptest.Server, *openerp.Client) {
	s := openerptest.New(opts)
	t.Cleanup(s.Close)
	c, err := openerp.New(s.Config())
	require.NoError(t, err)
	return s, c
}

// raw posts a call as any XML-RPC client would and returns the answer or
// the fault as sent.
func raw(t *testing.T, url, method string, params ...any) (any, *wire.Fault) {
	t.Helper()
	body, err := wire.EncodeCall(method, params...)
	require.NoError(t, err)
	// None goes as <nil/>, as Python's client with allow_none sends it.
	body = bytes.ReplaceAll(body, []byte("<value><string>"+none+"</string></value>"), []byte("<value><nil/></value>"))
	resp, err := http.Post(url, "text/xml", bytes.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "OpenERP answers faults with 200 too")
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	v, fault, err := wire.DecodeResponse(data)
	require.NoError(t, err)
	return v, fault
}

// none stands for Python's None in raw's parameters.
const none = "__python_None__"

// Faults as OpenERP 7.0 spells them on /xmlrpc/ (string codes; the ORM's
// own with an empty faultString) and Odoo 8 on /xmlrpc/2/ (integer codes).
func TestFaultShapes(t *testing.T) {
	t.Parallel()
	v7 := openerptest.New(openerptest.Options{Password: "pw"})
	t.Cleanup(v7.Close)
	v8 := openerptest.New(openerptest.Options{Version: 8, Password: "pw"})
	t.Cleanup(v8.Close)
	v7.Seed("res.partner", map[string]any{"name": "Ada"})
	v8.Seed("res.partner", map[string]any{"name": "Ada"})
	exec := func(model, method string, args []any, kwargs map[string]any) []any {
		return []any{"test", int64(1), "pw", model, method, args, kwargs}
	}
	deleted := "One of the records you are trying to modify has already been deleted (Document type: Partner)."
	cases := []struct {
		name        string
		server      *openerptest.Server
		path        string
		method      string
		params      []any
		code        any
		faultString string // exact, or the traceback's last line when it starts with "Traceback: "
	}{
		{"7.0 unknown model", v7, "/xmlrpc/object", "execute_kw", exec("x.y", "search", []any{[]any{}}, nil),
			"warning -- Object Error\n\nObject x.y doesn't exist", ""},
		{"7.0 write to a deleted record", v7, "/xmlrpc/object", "execute_kw", exec("res.partner", "write", []any{[]any{int64(99)}, map[string]any{"name": "x"}}, nil),
			"warning -- AccessError\n\n" + deleted, ""},
		{"7.0 wrong password", v7, "/xmlrpc/object", "execute_kw", []any{"test", int64(1), "nope", "res.partner", "search", []any{[]any{}}},
			"AccessDenied", "Access denied."},
		{"7.0 unknown database", v7, "/xmlrpc/object", "execute_kw", []any{"nodb", int64(1), "pw", "res.partner", "search", []any{[]any{}}},
			"FATAL:  database \"nodb\" does not exist\n", "Traceback: OperationalError: FATAL:  database \"nodb\" does not exist"},
		{"7.0 login to an unknown database", v7, "/xmlrpc/common", "login", []any{"nodb", "admin", "pw"},
			"FATAL:  database \"nodb\" does not exist\n", "Traceback: OperationalError: FATAL:  database \"nodb\" does not exist"},
		{"7.0 fields_get takes no attributes", v7, "/xmlrpc/object", "execute_kw", exec("res.partner", "fields_get", []any{}, map[string]any{"attributes": []any{"type"}}),
			"fields_get() got an unexpected keyword argument 'attributes'", "Traceback: TypeError: fields_get() got an unexpected keyword argument 'attributes'"},
		{"7.0 has no search_read", v7, "/xmlrpc/object", "execute_kw", exec("res.partner", "search_read", []any{}, nil),
			"'res.partner' object has no attribute 'search_read'", "Traceback: AttributeError: 'res.partner' object has no attribute 'search_read'"},
		{"7.0 unknown service method", v7, "/xmlrpc/object", "frobnicate", []any{"test", int64(1), "pw"},
			"Method not available frobnicate", "Traceback: NameError: Method not available frobnicate"},
		{"7.0 private method", v7, "/xmlrpc/object", "execute", []any{"test", int64(1), "pw", "res.partner", "_auto_init"},
			"warning -- Access Denied\n\nPrivate methods (such as _auto_init) cannot be called remotely.", ""},
		{"7.0 too many arguments", v7, "/xmlrpc/object", "execute", []any{"test", int64(1), "pw", "res.partner", "unlink", []any{int64(1)}, map[string]any{}, "x"},
			"unlink() takes at most 5 arguments (6 given)", "Traceback: TypeError: unlink() takes at most 5 arguments (6 given)"},
		{"7.0 missing argument", v7, "/xmlrpc/object", "execute_kw", exec("res.partner", "write", []any{[]any{int64(1)}}, nil),
			"write() takes at least 5 arguments (4 given)", "Traceback: TypeError: write() takes at least 5 arguments (4 given)"},
		{"8.0 unknown model", v8, "/xmlrpc/2/object", "execute_kw", exec("x.y", "search", []any{[]any{}}, nil),
			int64(2), "Object x.y doesn't exist"},
		{"8.0 write to a deleted record", v8, "/xmlrpc/2/object", "execute_kw", exec("res.partner", "write", []any{[]any{int64(99)}, map[string]any{"name": "x"}}, nil),
			int64(2), deleted},
		{"8.0 write to a deleted record on /xmlrpc/", v8, "/xmlrpc/object", "execute_kw", exec("res.partner", "write", []any{[]any{int64(99)}, map[string]any{"name": "x"}}, nil),
			"warning -- MissingError\n\n" + deleted, ""},
		{"8.0 wrong password", v8, "/xmlrpc/2/object", "execute_kw", []any{"test", int64(1), "nope", "res.partner", "search", []any{[]any{}}},
			int64(3), "Access denied."},
		{"8.0 unknown database", v8, "/xmlrpc/2/common", "login", []any{"nodb", "admin", "pw"},
			int64(1), "Traceback: OperationalError: FATAL:  database \"nodb\" does not exist"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, fault := raw(t, tc.server.URL+tc.path, tc.method, tc.params...)
			require.NotNil(t, fault)
			assert.Equal(t, tc.code, fault.Code)
			if last, ok := strings.CutPrefix(tc.faultString, "Traceback: "); ok {
				assert.True(t, strings.HasPrefix(fault.String, "Traceback (most recent call last):"), fault.String)
				assert.Contains(t, fault.String, "\n"+last)
			} else {
				assert.Equal(t, tc.faultString, fault.String)
			}
		})
	}
}

// OpenERP 7.0 serves only /xmlrpc/; Odoo 8 adds /xmlrpc/2/.
func TestPathsPerVersion(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		version int
		v2      int
		info    any
	}{{7, http.StatusNotFound, int64(7)}, {8, http.StatusOK, int64(8)}} {
		s := openerptest.New(openerptest.Options{Version: tc.version})
		t.Cleanup(s.Close)
		body, err := wire.EncodeCall("version")
		require.NoError(t, err)
		resp, err := http.Post(s.URL+"/xmlrpc/2/common", "text/xml", bytes.NewReader(body))
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, tc.v2, resp.StatusCode, "version %d", tc.version)
		v, fault := raw(t, s.URL+"/xmlrpc/common", "version")
		require.Nil(t, fault)
		assert.Equal(t, tc.info, v.(map[string]any)["server_version_info"].([]any)[0])
	}
}

// OpenERP 7.0's read leaves missing records out, and unlink of a missing
// record succeeds; one ID read alone is one record, or False.
func TestMissingRecordsAs70(t *testing.T) {
	t.Parallel()
	s := openerptest.New(openerptest.Options{Password: "pw"})
	t.Cleanup(s.Close)
	ids := s.Seed("res.partner", map[string]any{"name": "Ada"}, map[string]any{"name": "Bob"})
	url := s.URL + "/xmlrpc/object"
	call := func(method string, args ...any) any {
		v, fault := raw(t, url, "execute", append([]any{"test", int64(1), "pw", "res.partner", method}, args...)...)
		require.Nil(t, fault, "%s", method)
		return v
	}
	rows := call("read", []any{ids[0], int64(99), ids[1]}, []any{"name"}).([]any)
	require.Len(t, rows, 2)
	assert.Equal(t, ids[0], rows[0].(map[string]any)["id"])
	assert.Equal(t, ids[1], rows[1].(map[string]any)["id"])
	one := call("read", ids[1], []any{"name"})
	assert.Equal(t, map[string]any{"id": ids[1], "name": "Bob"}, one, "one ID reads as one record")
	assert.Equal(t, false, call("read", int64(99), []any{"name"}))
	assert.Equal(t, true, call("unlink", []any{int64(99), ids[0]}))
	assert.Equal(t, 1, s.Count("res.partner"), "the existing record was deleted")
	assert.Equal(t, true, call("unlink", []any{ids[0]}), "a second unlink succeeds")
}

// execute takes positional arguments only, and <nil/> stands for None
// where OpenERP takes it: a limit, an order, a context, the fields of a
// read, a value.
func TestExecuteAndNil(t *testing.T) {
	t.Parallel()
	s := openerptest.New(openerptest.Options{Password: "pw"})
	t.Cleanup(s.Close)
	s.Seed("res.partner", map[string]any{"name": "Ada", "city": "Bern"}, map[string]any{"name": "Bob", "city": "Basel"})
	url := s.URL + "/xmlrpc/object"
	v, fault := raw(t, url, "execute", "test", int64(1), "pw", "res.partner", "search", []any{[]any{"city", "=", "Bern"}}, int64(0), none, none, none)
	require.Nil(t, fault)
	assert.Equal(t, []any{int64(1)}, v)
	v, fault = raw(t, url, "execute", "test", int64(1), "pw", "res.partner", "search", []any{}, int64(0), none, none, none, true)
	require.Nil(t, fault)
	assert.Equal(t, int64(2), v, "count=True counts")
	v, fault = raw(t, url, "execute_kw", "test", int64(1), "pw", "res.partner", "read", []any{[]any{int64(1)}, none}, none)
	require.Nil(t, fault)
	assert.Equal(t, "Bern", v.([]any)[0].(map[string]any)["city"], "fields None reads every field")
	v, fault = raw(t, url, "execute_kw", "test", int64(1), "pw", "res.partner", "create", []any{map[string]any{"name": "Cy", "city": none, "parent_id": none, "customer": none}})
	require.Nil(t, fault)
	rec, ok := s.Get("res.partner", v.(int64), "")
	require.True(t, ok)
	assert.Equal(t, false, rec["city"])
	assert.Equal(t, false, rec["parent_id"])
}

func TestLoginAndAuthenticate(t *testing.T) {
	t.Parallel()
	s := openerptest.New(openerptest.Options{Password: "pw"})
	t.Cleanup(s.Close)
	url := s.URL + "/xmlrpc/common"
	cases := []struct {
		method string
		params []any
		want   any
	}{
		{"login", []any{"test", "admin", "pw"}, int64(1)},
		{"login", []any{"test", "admin", "nope"}, false},
		{"authenticate", []any{"test", "admin", "pw", map[string]any{}}, int64(1)},
		{"authenticate", []any{"test", "admin", "nope", map[string]any{}}, false},
	}
	for _, tc := range cases {
		v, fault := raw(t, url, tc.method, tc.params...)
		require.Nil(t, fault, "%s %v", tc.method, tc.params)
		assert.Equal(t, tc.want, v, "%s %v", tc.method, tc.params)
	}
	_, fault := raw(t, url, "authenticate", "test", "admin", "pw")
	require.NotNil(t, fault)
	assert.Equal(t, "exp_authenticate() takes exactly 5 arguments (4 given)", fault.Code)
}

// child_of matches a subtree along parent_id, its roots included.
func TestChildOf(t *testing.T) {
	t.Parallel()
	s, c := setup(t, openerptest.Options{})
	a := s.Seed("res.partner", map[string]any{"name": "A"})[0]
	b := s.Seed("res.partner", map[string]any{"name": "B", "parent_id": a})[0]
	cc := s.Seed("res.partner", map[string]any{"name": "C", "parent_id": b})[0]
	d := s.Seed("res.partner", map[string]any{"name": "D"})[0]
	e := s.Seed("res.partner", map[string]any{"name": "E", "parent_id": d})[0]
	ctx := context.Background()
	cases := []struct {
		domain openerp.Domain
		want   []int64
	}{
		{openerp.Where("id", "child_of", a), []int64{a, b, cc}},
		{openerp.Where("id", "child_of", b), []int64{b, cc}},
		{openerp.Where("id", "child_of", []int64{b, d}), []int64{b, cc, d, e}},
		{openerp.Where("parent_id", "child_of", a), []int64{b, cc}},
		{openerp.Not(openerp.Where("id", "child_of", a)), []int64{d, e}},
	}
	for _, tc := range cases {
		got, err := c.Search(ctx, "res.partner", tc.domain, openerp.SearchOptions{})
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, "%v", tc.domain)
	}
}

func TestSeedJSONAndCounters(t *testing.T) {
	t.Parallel()
	s, c := setup(t, openerptest.Options{})
	ids, err := s.SeedJSON(strings.NewReader(`{"res.country": [{"name": "Switzerland", "code": "CH"}, {"name": "France", "code": "FR"}]}`))
	require.NoError(t, err)
	assert.Len(t, ids["res.country"], 2)
	_, err = s.SeedJSON(strings.NewReader(`{"no.model": [{}]}`))
	assert.Error(t, err)

	ctx := context.Background()
	got, err := c.Search(ctx, "res.country", openerp.Where("code", "=", "CH"), openerp.SearchOptions{})
	require.NoError(t, err)
	assert.Equal(t, ids["res.country"][:1], got)
	assert.Equal(t, 1, s.Calls("res.country", "search"))
	assert.Equal(t, 1, s.Calls("", "login"))
	assert.Zero(t, s.Calls("res.country", "read"))
}

func TestWriteDateAndRequiredAndUnknownFields(t *testing.T) {
	t.Parallel()
	clk := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	_, c := setup(t, openerptest.Options{Now: func() time.Time { return clk }})
	ctx := context.Background()
	id, err := c.Create(ctx, "qoqa.voucher", openerp.Values{"code": "GIFT", "amount": 50, "date_expire": openerp.Date{Time: clk.AddDate(1, 0, 0)}}, nil)
	require.NoError(t, err)
	rows, err := c.Read(ctx, "qoqa.voucher", []int64{id}, []string{"__last_update"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "2026-01-01 00:00:00", rows[0]["__last_update"], "a new record's version is its create_date")
	clk = clk.Add(time.Hour)
	require.NoError(t, c.Write(ctx, "qoqa.voucher", []int64{id}, openerp.Values{"remaining_amount": 20.5}, nil))
	rows, err = c.Read(ctx, "qoqa.voucher", []int64{id}, []string{"__last_update", "date_expire", "amount"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "2026-01-01 01:00:00", rows[0]["__last_update"], "a write moves write_date")
	assert.Equal(t, "2027-01-01", rows[0]["date_expire"])
	assert.Equal(t, 50.0, rows[0]["amount"])

	_, err = c.Create(ctx, "qoqa.voucher", openerp.Values{"amount": 5}, nil)
	assert.ErrorIs(t, err, openerp.ErrValidation, "a required field is missing")
	assert.ErrorContains(t, err, "qoqa.voucher")
	require.NoError(t, c.Write(ctx, "qoqa.voucher", []int64{id}, openerp.Values{"colour": "red"}, nil),
		"OpenERP 7 ignores a field the model lacks")
	err = c.Write(ctx, "qoqa.voucher", []int64{id}, openerp.Values{"partner_id": 99}, nil)
	assert.ErrorIs(t, err, openerp.ErrValidation, "a many2one to nothing breaks the foreign key")
	err = c.Write(ctx, "qoqa.voucher", []int64{id}, openerp.Values{"amount": "lots"}, nil)
	assert.ErrorIs(t, err, openerp.ErrValidation)
}

func TestAttributeFieldsAppearOnProducts(t *testing.T) {
	t.Parallel()
	s, c := setup(t, openerptest.Options{})
	ctx := context.Background()
	before, err := c.Create(ctx, "product.template", openerp.Values{"name": "Wine", "x_vintage": 2019}, nil)
	require.NoError(t, err, "a field the model lacks is ignored")
	rows, err := c.Read(ctx, "product.template", []int64{before}, []string{"name", "x_vintage"}, nil)
	require.NoError(t, err, "7.0 ignores a field the model lacks")
	assert.NotContains(t, rows[0], "x_vintage", "no x_vintage field before its attribute exists")
	_, err = c.Create(ctx, "attribute.attribute", openerp.Values{"name": "x_vintage", "attribute_type": "integer"}, nil)
	require.NoError(t, err)
	_, err = c.Create(ctx, "attribute.attribute", openerp.Values{"name": "x_taste", "attribute_type": "text", "translate": true}, nil)
	require.NoError(t, err)
	id, err := c.Create(ctx, "product.template", openerp.Values{"name": "Wine", "x_vintage": 2019, "x_taste": "dry"}, nil)
	require.NoError(t, err)
	require.NoError(t, c.Write(ctx, "product.template", []int64{id}, openerp.Values{"x_taste": "trocken"}, openerp.Context{"lang": "de_DE"}))
	rows, err = c.Read(ctx, "product.template", []int64{id}, []string{"x_vintage", "x_taste"}, openerp.Context{"lang": "de_DE"})
	require.NoError(t, err)
	assert.Equal(t, int64(2019), rows[0]["x_vintage"])
	assert.Equal(t, "trocken", rows[0]["x_taste"])
	base, ok := s.Get("product.template", id, "")
	require.True(t, ok)
	assert.Equal(t, "dry", base["x_taste"])
}

func TestUnlinkCascadesOne2Many(t *testing.T) {
	t.Parallel()
	s, c := setup(t, openerptest.Options{})
	ctx := context.Background()
	partner := s.Seed("res.partner", map[string]any{"name": "Ada"})[0]
	order := s.Seed("sale.order", map[string]any{"partner_id": partner, "order_line": []any{
		openerp.CmdCreate(openerp.Values{"name": "line"}),
	}})[0]
	assert.Equal(t, 1, s.Count("sale.order.line"))
	require.NoError(t, c.Unlink(ctx, "sale.order", []int64{order}))
	assert.Zero(t, s.Count("sale.order.line"))
}

func TestInjectedFaults(t *testing.T) {
	t.Parallel()
	s, c := setup(t, openerptest.Options{})
	ctx := context.Background()
	_, err := c.Login(ctx)
	require.NoError(t, err)

	s.CommitThenDrop(1)
	_, err = c.Create(ctx, "res.partner", openerp.Values{"name": "Ada"}, nil)
	require.Error(t, err, "the answer was dropped")
	assert.Equal(t, 1, s.Count("res.partner"), "but the create was committed")

	s.DropConnections(1)
	_, err = c.Create(ctx, "res.partner", openerp.Values{"name": "Bob"}, nil)
	require.Error(t, err)
	assert.Equal(t, 1, s.Count("res.partner"), "a dropped call does nothing")

	s.Fail503(2)
	for range 2 {
		_, err = c.Search(ctx, "res.partner", nil, openerp.SearchOptions{})
		require.ErrorContains(t, err, "503")
	}
	_, err = c.Search(ctx, "res.partner", nil, openerp.SearchOptions{})
	require.NoError(t, err, "only two 503s were asked for")

	s.ConcurrencyFaults(1)
	_, err = c.Search(ctx, "res.partner", nil, openerp.SearchOptions{})
	require.ErrorIs(t, err, openerp.ErrConcurrency)
	s.ConcurrencyFaults(0)

	s.Latency(100 * time.Millisecond)
	start := time.Now()
	_, err = c.Search(ctx, "res.partner", nil, openerp.SearchOptions{})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 100*time.Millisecond)
}

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
	c, err := openerp.New(s.Config(openerp.PathV7))
	require.NoError(t, err)
	return s, c
}

// rawCall posts an execute_kw and returns the fault code as sent.
func rawFaultCode(t *testing.T, s *openerptest.Server, path string, params ...any) any {
	body, err := wire.EncodeCall("execute_kw", params...)
	require.NoError(t, err)
	resp, err := http.Post(s.URL+path+"object", "text/xml", bytes.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	_, fault, err := wire.DecodeResponse(data)
	require.NoError(t, err)
	require.NotNil(t, fault)
	return fault.Code
}

func TestFaultCodesPerEndpoint(t *testing.T) {
	s, _ := setup(t, openerptest.Options{Password: "pw"})
	badLogin := []any{"test", int64(1), "nope", "res.partner", "search", []any{[]any{}}}
	assert.Equal(t, "AccessDenied", rawFaultCode(t, s, "/xmlrpc/", badLogin...))
	assert.Equal(t, int64(3), rawFaultCode(t, s, "/xmlrpc/2/", badLogin...))

	required := []any{"test", int64(1), "pw", "res.partner", "create", []any{map[string]any{"email": "x"}}}
	code := rawFaultCode(t, s, "/xmlrpc/", required...)
	assert.True(t, strings.HasPrefix(code.(string), "warning -- "), "OpenERP 7 spells warnings in the code: %q", code)
	assert.Equal(t, int64(2), rawFaultCode(t, s, "/xmlrpc/2/", required...))
}

func TestSeedJSONAndCounters(t *testing.T) {
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
	clk := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	_, c := setup(t, openerptest.Options{Now: func() time.Time { return clk }})
	ctx := context.Background()
	id, err := c.Create(ctx, "qoqa.voucher", openerp.Values{"code": "GIFT", "amount": 50, "date_expire": openerp.Date{Time: clk.AddDate(1, 0, 0)}}, nil)
	require.NoError(t, err)
	clk = clk.Add(time.Hour)
	require.NoError(t, c.Write(ctx, "qoqa.voucher", []int64{id}, openerp.Values{"remaining_amount": 20.5}, nil))
	rows, err := c.Read(ctx, "qoqa.voucher", []int64{id}, []string{"write_date", "create_date", "date_expire", "amount"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "2026-01-01 01:00:00", rows[0]["write_date"])
	assert.Equal(t, "2026-01-01 00:00:00", rows[0]["create_date"])
	assert.Equal(t, "2027-01-01", rows[0]["date_expire"])
	assert.Equal(t, 50.0, rows[0]["amount"])

	_, err = c.Create(ctx, "qoqa.voucher", openerp.Values{"amount": 5}, nil)
	assert.ErrorContains(t, err, "code")
	err = c.Write(ctx, "qoqa.voucher", []int64{id}, openerp.Values{"colour": "red"}, nil)
	assert.ErrorContains(t, err, "Invalid field 'colour'")
	err = c.Write(ctx, "qoqa.voucher", []int64{id}, openerp.Values{"partner_id": 99}, nil)
	assert.ErrorIs(t, err, openerp.ErrValidation, "a many2one to nothing breaks the foreign key")
	err = c.Write(ctx, "qoqa.voucher", []int64{id}, openerp.Values{"amount": "lots"}, nil)
	assert.ErrorIs(t, err, openerp.ErrValidation)
}

func TestAttributeFieldsAppearOnProducts(t *testing.T) {
	s, c := setup(t, openerptest.Options{})
	ctx := context.Background()
	_, err := c.Create(ctx, "product.template", openerp.Values{"name": "Wine", "x_vintage": 2019}, nil)
	require.Error(t, err, "no x_vintage field before its attribute exists")
	_, err = c.Create(ctx, "attribute.attribute", openerp.Values{"name": "x_vintage", "attribute_type": "integer"}, nil)
	require.NoError(t, err)
	_, err = c.Create(ctx, "attribute.attribute", openerp.Values{"name": "x_taste", "attribute_type": "text", "translate": true}, nil)
	require.NoError(t, err)
	id, err := c.Create(ctx, "product.template", openerp.Values{"name": "Wine", "x_vintage": 2019, "x_taste": "dry"}, nil)
	require.NoError(t, err)
	require.NoError(t, c.Write(ctx, "product.template", []int64{id}, openerp.Values{"x_taste": "trocken"}, openerp.Context{"lang": "de_DE"}))
	rows, err := c.Read(ctx, "product.template", []int64{id}, []string{"x_vintage", "x_taste"}, openerp.Context{"lang": "de_DE"})
	require.NoError(t, err)
	assert.Equal(t, int64(2019), rows[0]["x_vintage"])
	assert.Equal(t, "trocken", rows[0]["x_taste"])
	base, ok := s.Get("product.template", id, "")
	require.True(t, ok)
	assert.Equal(t, "dry", base["x_taste"])
}

func TestUnlinkCascadesOne2Many(t *testing.T) {
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

package openerp_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
)

const password = "s3cr3t-pw"

func newServer(t *testing.T) *openerptest.Server { return newServerVersion(t, 7) }

func newServerVersion(t *testing.T, version int) *openerptest.Server {
	s := openerptest.New(openerptest.Options{Version: version, Password: password})
	t.Cleanup(s.Close)
	return s
}

// newClient is a client of s on path, or on the paths it picks when path
// is empty.
func newClient(t *testing.T, s *openerptest.Server, path string) *openerp.Client {
	cfg := s.Config()
	cfg.Path = path
	c, err := openerp.New(cfg)
	require.NoError(t, err)
	return c
}

// forEachVersion runs a test against an OpenERP 7.0 and an Odoo 8 fake
// server, with a client that picks the paths itself (/xmlrpc/ and
// /xmlrpc/2/).
func forEachVersion(t *testing.T, fn func(t *testing.T, s *openerptest.Server, c *openerp.Client)) {
	t.Parallel()
	for _, v := range []int{7, 8} {
		t.Run(fmt.Sprintf("v%d", v), func(t *testing.T) {
			t.Parallel()
			s := newServerVersion(t, v)
			fn(t, s, newClient(t, s, ""))
		})
	}
}

func TestVersionAndLogin(t *testing.T) {
	forEachVersion(t, func(t *testing.T, s *openerptest.Server, c *openerp.Client) {
		ctx := context.Background()
		v, err := c.Version(ctx)
		require.NoError(t, err)
		assert.Contains(t, []any{"7.0", "8.0"}, v["server_version"])
		uid, err := c.Login(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(1), uid)
		_, err = c.Login(ctx)
		require.NoError(t, err)
		assert.Equal(t, 1, s.Calls("", "login"), "the uid is kept")
	})
}

func TestWrongPasswordIsAccessDenied(t *testing.T) {
	forEachVersion(t, func(t *testing.T, s *openerptest.Server, _ *openerp.Client) {
		cfg := s.Config()
		cfg.Password = "wrong-" + password
		c, err := openerp.New(cfg)
		require.NoError(t, err)
		_, err = c.Search(context.Background(), "res.partner", nil, openerp.SearchOptions{})
		require.ErrorIs(t, err, openerp.ErrAccessDenied)
		assert.False(t, openerp.Temporary(err))
		assert.NotContains(t, err.Error(), password)
		assert.NotContains(t, fmt.Sprint(c), password)
	})
}

func TestORMHelpers(t *testing.T) {
	forEachVersion(t, func(t *testing.T, s *openerptest.Server, c *openerp.Client) {
		ctx := context.Background()
		ch, err := c.Create(ctx, "res.country", openerp.Values{"name": "Switzerland", "code": "CH"}, nil)
		require.NoError(t, err)
		ada, err := c.Create(ctx, "res.partner", openerp.Values{"name": "Ada", "email": "ada@example.ch", "country_id": ch, "customer": true}, nil)
		require.NoError(t, err)
		bob, err := c.Create(ctx, "res.partner", openerp.Values{"name": "Bob", "street": nil, "parent_id": ada}, nil)
		require.NoError(t, err, "nil must go out as False")

		got, err := c.Read(ctx, "res.partner", []int64{bob, ada}, []string{"name", "email", "country_id", "parent_id", "child_ids", "customer", "write_date", "__last_update"}, nil)
		require.NoError(t, err)
		require.Len(t, got, 2)
		b, a := got[0], got[1]
		assert.Equal(t, bob, b.ID())
		_, ok := b.String("email")
		assert.False(t, ok, "an empty char reads as False")
		pid, pname, ok := b.Many2One("parent_id")
		assert.True(t, ok)
		assert.Equal(t, ada, pid)
		assert.Equal(t, "Ada", pname)
		_, _, ok = a.Many2One("parent_id")
		assert.False(t, ok)
		assert.Equal(t, []int64{bob}, a.IDs("child_ids"))
		assert.True(t, a.Bool("customer"))
		_, ok = a.Time("__last_update")
		assert.True(t, ok, "every version reads __last_update")
		major, err := c.MajorVersion(ctx)
		require.NoError(t, err)
		_, ok = a.Time("write_date")
		assert.Equal(t, major >= 8, ok, "write_date is a field from Odoo 8 on; on 7.0 a log-access column that read leaves out")

		require.NoError(t, c.Write(ctx, "res.partner", []int64{bob}, openerp.Values{"email": "bob@example.ch"}, nil))
		ids, err := c.Search(ctx, "res.partner", openerp.Where("email", "ilike", "EXAMPLE.ch"), openerp.SearchOptions{Order: "name desc"})
		require.NoError(t, err)
		assert.Equal(t, []int64{bob, ada}, ids)
		ids, err = c.Search(ctx, "res.partner", nil, openerp.SearchOptions{Order: "name asc", Offset: 1, Limit: 1})
		require.NoError(t, err)
		assert.Equal(t, []int64{bob}, ids)

		n, err := c.SearchCount(ctx, "res.partner", openerp.Where("parent_id", "=", false), nil)
		require.NoError(t, err)
		assert.Equal(t, int64(1), n)

		rows, err := c.SearchRead(ctx, "res.partner", openerp.Where("name", "=", "Bob"), []string{"email"}, openerp.SearchOptions{})
		require.NoError(t, err)
		require.Len(t, rows, 1)
		email, _ := rows[0].String("email")
		assert.Equal(t, "bob@example.ch", email)

		fields, err := c.FieldsGet(ctx, "res.partner", []string{"type", "relation"}, nil)
		require.NoError(t, err, "fields_get takes no attributes on 7.0: they are kept on the client's side")
		assert.Equal(t, map[string]any{"type": "many2one", "relation": "res.partner"}, fields["parent_id"])
		assert.Equal(t, map[string]any{"type": "char"}, fields["email"])

		require.NoError(t, c.Unlink(ctx, "res.partner", []int64{bob}))
		got, err = c.Read(ctx, "res.partner", []int64{bob, ada}, []string{"name"}, nil)
		require.NoError(t, err, "a read leaves a missing record out, without a fault")
		require.Len(t, got, 1)
		assert.Equal(t, ada, got[0].ID())
		require.NoError(t, c.Unlink(ctx, "res.partner", []int64{bob}), "unlink of a missing record succeeds")
	})
}

// The client asks the server's version and picks its paths, unless the
// configuration forces them; search_read goes only to Odoo 8+.
func TestPathsFollowTheServersVersion(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		version    int
		path       string
		want       string
		searchRead bool
		asks       int // version() calls
	}{
		{"OpenERP 7.0", 7, "", openerp.PathV7, false, 1},
		{"Odoo 8", 8, "", openerp.PathV8, true, 1},
		{"Odoo 8 forced to /xmlrpc/", 8, openerp.PathV7, openerp.PathV7, false, 0},
		{"Odoo 8 forced to /xmlrpc/2/", 8, openerp.PathV8, openerp.PathV8, true, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newServerVersion(t, tc.version)
			c := newClient(t, s, tc.path)
			ctx := context.Background()
			s.Seed("res.partner", map[string]any{"name": "Ada"})
			for range 3 {
				rows, err := c.SearchRead(ctx, "res.partner", nil, []string{"name"}, openerp.SearchOptions{})
				require.NoError(t, err)
				require.Len(t, rows, 1)
			}
			assert.Equal(t, tc.asks, s.Calls("", "version"), "the version is asked once")
			logins := s.Requests(tc.want + "common")
			if tc.want == openerp.PathV7 {
				logins -= tc.asks // version() is asked on /xmlrpc/common
			}
			assert.Equal(t, 1, logins, "login on %s", tc.want)
			assert.Positive(t, s.Requests(tc.want+"object"))
			other := openerp.PathV8
			if tc.want == openerp.PathV8 {
				other = openerp.PathV7
			}
			assert.Zero(t, s.Requests(other+"object"))
			if tc.searchRead {
				assert.Equal(t, 3, s.Calls("res.partner", "search_read"))
				assert.Zero(t, s.Calls("res.partner", "read"))
			} else {
				assert.Zero(t, s.Calls("res.partner", "search_read"))
				assert.Equal(t, 3, s.Calls("res.partner", "search"))
				assert.Equal(t, 3, s.Calls("res.partner", "read"))
			}
		})
	}
}

func TestVersionThatCannotBeReadIsAnError(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `<?xml version="1.0"?><methodResponse><params><param><value><struct><member><name>server_version</name><value><string>unknown</string></value></member></struct></value></param></params></methodResponse>`)
	}))
	t.Cleanup(srv.Close)
	c, err := openerp.New(openerp.Config{URL: srv.URL, Database: "db", User: "u", Password: password})
	require.NoError(t, err)
	_, err = c.Login(context.Background())
	require.ErrorIs(t, err, openerp.ErrBadResponse)
	assert.Contains(t, err.Error(), "major version")
}

func TestX2ManyCommands(t *testing.T) {
	forEachVersion(t, func(t *testing.T, s *openerptest.Server, c *openerp.Client) {
		ctx := context.Background()
		partner := s.Seed("res.partner", map[string]any{"name": "Ada"})[0]
		products := s.Seed("product.product", map[string]any{"default_code": "A"}, map[string]any{"default_code": "B"})
		order, err := c.Create(ctx, "sale.order", openerp.Values{"partner_id": partner, "order_line": []any{
			openerp.CmdCreate(openerp.Values{"product_id": products[0], "product_uom_qty": 2, "price_unit": 29.5}),
			openerp.CmdCreate(openerp.Values{"product_id": products[1], "product_uom_qty": 1, "price_unit": 10.0}),
		}}, nil)
		require.NoError(t, err)
		rows, err := c.Read(ctx, "sale.order", []int64{order}, []string{"order_line"}, nil)
		require.NoError(t, err)
		lines := rows[0].IDs("order_line")
		require.Len(t, lines, 2)

		require.NoError(t, c.Write(ctx, "sale.order", []int64{order}, openerp.Values{"order_line": []any{
			openerp.CmdUpdate(lines[0], openerp.Values{"product_uom_qty": 3}),
			openerp.CmdDelete(lines[1]),
		}}, nil))
		rows, err = c.Read(ctx, "sale.order", []int64{order}, []string{"order_line"}, nil)
		require.NoError(t, err)
		assert.Equal(t, []int64{lines[0]}, rows[0].IDs("order_line"))
		line, err := c.Read(ctx, "sale.order.line", []int64{lines[0]}, []string{"product_uom_qty"}, nil)
		require.NoError(t, err)
		qty, _ := line[0].Float("product_uom_qty")
		assert.Equal(t, 3.0, qty)

		set := s.Seed("attribute.set", map[string]any{"name": "Wine"})[0]
		attrs := s.Seed("attribute.attribute", map[string]any{"name": "x_color", "attribute_type": "char"}, map[string]any{"name": "x_year", "attribute_type": "integer"})
		require.NoError(t, c.Write(ctx, "attribute.set", []int64{set}, openerp.Values{"attribute_ids": []any{openerp.CmdReplace(attrs...)}}, nil))
		require.NoError(t, c.Write(ctx, "attribute.set", []int64{set}, openerp.Values{"attribute_ids": []any{openerp.CmdLink(attrs[0])}}, nil))
		rows, err = c.Read(ctx, "attribute.set", []int64{set}, []string{"attribute_ids"}, nil)
		require.NoError(t, err)
		assert.Equal(t, attrs, rows[0].IDs("attribute_ids"))
	})
}

func TestTranslationsAndActiveTest(t *testing.T) {
	forEachVersion(t, func(t *testing.T, s *openerptest.Server, c *openerp.Client) {
		ctx := context.Background()
		id, err := c.Create(ctx, "product.template", openerp.Values{"name": "Lamp"}, nil)
		require.NoError(t, err)
		require.NoError(t, c.WriteTranslations(ctx, "product.template", []int64{id}, map[string]openerp.Values{
			"fr_FR": {"name": "Lampe"}, "de_DE": {"name": "Leuchte"},
		}))
		byLang, err := c.ReadTranslations(ctx, "product.template", []int64{id}, []string{"name"}, []string{"fr_FR", "de_DE", "en_US"})
		require.NoError(t, err)
		for lang, want := range map[string]string{"fr_FR": "Lampe", "de_DE": "Leuchte", "en_US": "Lamp"} {
			got, _ := byLang[lang][0].String("name")
			assert.Equal(t, want, got, lang)
		}
		ids, err := c.Search(ctx, "product.template", openerp.Where("name", "=", "Leuchte"), openerp.SearchOptions{Context: openerp.Context{}.WithLang("de_DE")})
		require.NoError(t, err)
		assert.Equal(t, []int64{id}, ids, "a search in a language matches its translations")

		require.NoError(t, c.Write(ctx, "product.template", []int64{id}, openerp.Values{"active": false}, nil))
		ids, err = c.Search(ctx, "product.template", nil, openerp.SearchOptions{})
		require.NoError(t, err)
		assert.Empty(t, ids, "archived records are hidden")
		ids, err = c.Search(ctx, "product.template", nil, openerp.SearchOptions{Context: openerp.Context{}.WithActiveTest(false)})
		require.NoError(t, err)
		assert.Equal(t, []int64{id}, ids)
	})
}

func TestDomainBuilder(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := newClient(t, s, openerp.PathV7)
	ctx := context.Background()
	ids := s.Seed("res.partner",
		map[string]any{"name": "Ada", "city": "Bern", "customer": true},
		map[string]any{"name": "Bob", "city": "Basel", "customer": true},
		map[string]any{"name": "Cy", "city": "Bern", "customer": false},
	)
	search := func(d openerp.Domain) []int64 {
		got, err := c.Search(ctx, "res.partner", d, openerp.SearchOptions{})
		require.NoError(t, err, "%v", d)
		return got
	}
	bern := openerp.Where("city", "=", "Bern")
	customer := openerp.Where("customer", "=", true)
	assert.Equal(t, []int64{ids[0]}, search(bern.And(customer)))
	assert.Equal(t, ids, search(bern.Or(customer)))
	assert.Equal(t, []int64{ids[1]}, search(openerp.Not(bern)))
	implicit := openerp.Domain{bern[0], customer[0]} // [t1, t2] is t1 AND t2
	assert.Equal(t, []int64{ids[2]}, search(openerp.Not(implicit).And(bern)))
	assert.Equal(t, []int64{ids[0], ids[2]}, search(openerp.Where("name", "in", []string{"Ada", "Cy"})))
	assert.Equal(t, []int64{ids[1]}, search(openerp.Where("name", "=like", "B%")))
	assert.Equal(t, ids[1:], search(openerp.Where("id", ">", ids[0])))
}

func TestFaultsThroughTheServer(t *testing.T) {
	forEachVersion(t, func(t *testing.T, s *openerptest.Server, c *openerp.Client) {
		ctx := context.Background()
		// validation: a required field is missing
		_, err := c.Create(ctx, "res.partner", openerp.Values{"email": "x@example.ch"}, nil)
		require.ErrorIs(t, err, openerp.ErrValidation)
		assert.False(t, openerp.Temporary(err))
		assert.Contains(t, err.Error(), "a mandatory field is not correctly set")
		assert.Contains(t, err.Error(), "res.partner")
		var f *openerp.Fault
		require.ErrorAs(t, err, &f)
		assert.Equal(t, "res.partner", f.Model)
		assert.Equal(t, "create", f.Method)

		// missing record
		err = c.Write(ctx, "res.partner", []int64{999}, openerp.Values{"name": "x"}, nil)
		require.ErrorIs(t, err, openerp.ErrMissing)
		assert.False(t, openerp.Temporary(err))

		// a bad call: an unknown model
		_, err = c.Search(ctx, "no.such.model", nil, openerp.SearchOptions{})
		require.ErrorIs(t, err, openerp.ErrBadCall)
		assert.Contains(t, err.Error(), "Object no.such.model doesn't exist")
		assert.False(t, openerp.Temporary(err))

		// concurrency: temporary
		s.ConcurrencyFaults(1)
		_, err = c.Search(ctx, "res.partner", nil, openerp.SearchOptions{})
		require.ErrorIs(t, err, openerp.ErrConcurrency)
		assert.True(t, openerp.Temporary(err))
		s.ConcurrencyFaults(0)
		assert.NotContains(t, err.Error(), password)
	})
}

func TestTransportFaultsAreTemporary(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := newClient(t, s, openerp.PathV7)
	ctx := context.Background()
	_, err := c.Login(ctx)
	require.NoError(t, err)

	s.Fail503(1)
	_, err = c.Search(ctx, "res.partner", nil, openerp.SearchOptions{})
	require.ErrorContains(t, err, "503")
	var httpErr *openerp.HTTPError
	require.ErrorAs(t, err, &httpErr)
	assert.Equal(t, 503, httpErr.StatusCode)
	assert.True(t, openerp.Temporary(err))

	s.DropConnections(1)
	_, err = c.Search(ctx, "res.partner", nil, openerp.SearchOptions{})
	var netErr *openerp.NetworkError
	require.ErrorAs(t, err, &netErr)
	assert.True(t, openerp.Temporary(err), "%v", err)

	_, err = c.Search(ctx, "res.partner", nil, openerp.SearchOptions{})
	require.NoError(t, err, "the client works again after a fault")
}

func TestDecodeErrorSpoilsOnlyItsCall(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := newClient(t, s, openerp.PathV7)
	ctx := context.Background()
	s.Garbage(1)
	_, err := c.Search(ctx, "res.partner", nil, openerp.SearchOptions{})
	require.ErrorContains(t, err, "not an XML-RPC response")
	_, err = c.Search(ctx, "res.partner", nil, openerp.SearchOptions{})
	require.NoError(t, err)
}

func TestOversizedAnswerIsRefused(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	cfg := s.Config()
	cfg.MaxResponseBytes = 2048
	c, err := openerp.New(cfg)
	require.NoError(t, err)
	for i := range 50 {
		s.Seed("res.partner", map[string]any{"name": fmt.Sprintf("Partner number %d with a long name", i)})
	}
	_, err = c.SearchRead(context.Background(), "res.partner", nil, []string{"name"}, openerp.SearchOptions{})
	require.ErrorIs(t, err, openerp.ErrResponseTooLarge)
	_, err = c.Search(context.Background(), "res.partner", nil, openerp.SearchOptions{Limit: 1})
	require.NoError(t, err)
}

func TestContextCancelAndTimeout(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	cfg := s.Config()
	cfg.Timeout = 50 * time.Millisecond
	c, err := openerp.New(cfg)
	require.NoError(t, err)
	_, err = c.Login(context.Background())
	require.NoError(t, err)
	s.Latency(300 * time.Millisecond)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.Search(ctx, "res.partner", nil, openerp.SearchOptions{})
	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, openerp.Temporary(err), "the caller's cancellation is no fault to retry")

	_, err = c.Search(context.Background(), "res.partner", nil, openerp.SearchOptions{})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.True(t, openerp.Temporary(err), "a timeout may pass")
}

func TestConcurrentCalls(t *testing.T) {
	t.Parallel()
	s := newServerVersion(t, 8)
	c := newClient(t, s, "")
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for g := range 32 {
		wg.Go(func() {
			id, err := c.Create(ctx, "res.partner", openerp.Values{"name": fmt.Sprint("P", g)}, nil)
			if err == nil {
				var rows []openerp.Values
				rows, err = c.Read(ctx, "res.partner", []int64{id}, []string{"name"}, nil)
				if err == nil && rows[0]["name"] != fmt.Sprint("P", g) {
					err = fmt.Errorf("read %v", rows[0]["name"])
				}
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, 32, s.Count("res.partner"))
	assert.Equal(t, 1, s.Calls("", "login"), "concurrent calls share one login")
	assert.Equal(t, 1, s.Calls("", "version"), "and one version()")
}

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	_, err := openerp.New(openerp.Config{URL: "ftp://x", Database: "d", User: "u"})
	assert.Error(t, err)
	_, err = openerp.New(openerp.Config{URL: "http://u:" + password + "@x", Database: "", User: "u"})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), password)
	_, err = openerp.New(openerp.Config{URL: "http://x", Database: "d", User: "u", Path: "/rpc/"})
	assert.Error(t, err)
}

// Values reach OpenERP as it takes them whatever their Go type, and a value
// it cannot take fails before anything is sent.
func TestValuesAsSent(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := newClient(t, s, openerp.PathV7)
	ctx := context.Background()
	partner := s.Seed("res.partner", map[string]any{"name": "Ada"})[0]
	product := s.Seed("product.product", map[string]any{"default_code": "A"})[0]
	var noText *string
	name := "Lampe"
	order, err := c.Create(ctx, "sale.order", openerp.Values{"partner_id": partner, "client_order_ref": noText, "order_line": [][]any{
		{int64(0), int64(0), openerp.Values{"product_id": product, "name": &name, "product_uom_qty": 2}},
	}}, nil)
	require.NoError(t, err)
	rows, err := c.Read(ctx, "sale.order", []int64{order}, []string{"client_order_ref", "order_line"}, nil)
	require.NoError(t, err)
	assert.Equal(t, false, rows[0]["client_order_ref"])
	lines, err := c.Read(ctx, "sale.order.line", rows[0].IDs("order_line"), []string{"name"}, nil)
	require.NoError(t, err)
	require.Len(t, lines, 1)
	assert.Equal(t, "Lampe", lines[0]["name"])

	require.NoError(t, c.Write(ctx, "res.partner", []int64{partner}, openerp.Values{"street": ""}, nil))
	rows, err = c.Read(ctx, "res.partner", []int64{partner}, []string{"street"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "", rows[0]["street"], "an empty string reads back as \"\", not nil")

	writes := s.Calls("res.partner", "write")
	err = c.Write(ctx, "res.partner", []int64{partner}, openerp.Values{"ref": int64(1) << 31}, nil)
	require.ErrorIs(t, err, openerp.ErrInvalidValue)
	assert.Contains(t, err.Error(), `"ref"`)
	assert.Contains(t, err.Error(), "res.partner")
	assert.Equal(t, writes, s.Calls("res.partner", "write"), "nothing was sent")
}

// A status other than 200 is an HTTPError that keeps the facts a caller
// needs: the status, the wait the server asked for, where a redirect goes.
func TestHTTPErrors(t *testing.T) {
	t.Parallel()
	t.Run("429 with Retry-After in seconds", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		c := newClient(t, s, openerp.PathV7)
		s.Throttle(1, 7*time.Second)
		_, err := c.Version(context.Background())
		var h *openerp.HTTPError
		require.ErrorAs(t, err, &h)
		assert.Equal(t, http.StatusTooManyRequests, h.StatusCode)
		assert.True(t, openerp.Temporary(err))
		assert.Equal(t, 7*time.Second, openerp.RetryAfter(err))
		_, err = c.Version(context.Background())
		require.NoError(t, err, "only one call was throttled")
	})

	answer := func(t *testing.T, status int, header map[string]string) *openerp.Client {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for k, v := range header {
				w.Header().Set(k, v)
			}
			w.WriteHeader(status)
		}))
		t.Cleanup(srv.Close)
		c, err := openerp.New(openerp.Config{URL: srv.URL, Database: "db", User: "u", Password: password, Path: openerp.PathV7})
		require.NoError(t, err)
		return c
	}
	cases := []struct {
		name      string
		status    int
		header    map[string]string
		temporary bool
		wait      time.Duration
		says      string
	}{
		{"503 with an HTTP date", 503, map[string]string{"Date": "Sun, 01 Mar 2026 10:00:00 GMT", "Retry-After": "Sun, 01 Mar 2026 10:02:00 GMT"}, true, 2 * time.Minute, "503"},
		{"502", 502, nil, true, 0, "502"},
		{"404: a wrong URL", 404, nil, false, 0, "404"},
		{"301 is named, not followed", 301, map[string]string{"Location": "https://erp.example.ch/xmlrpc/common"}, false, 0, "redirected to https://erp.example.ch/xmlrpc/common"},
		{"308", 308, map[string]string{"Location": "https://erp.example.ch/xmlrpc/common"}, false, 0, "Config.URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := answer(t, tc.status, tc.header)
			_, err := c.Version(context.Background())
			var h *openerp.HTTPError
			require.ErrorAs(t, err, &h)
			assert.Equal(t, tc.status, h.StatusCode)
			assert.Equal(t, tc.temporary, openerp.Temporary(err))
			assert.Equal(t, tc.wait, openerp.RetryAfter(err))
			assert.Contains(t, err.Error(), tc.says)
		})
	}
}

// A redirect is not followed: the request carries the password, and
// whatever sits at the other end gets no second copy of it.
func TestRedirectIsNotFollowed(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(target.Close)
	redirect := httptest.NewServer(http.RedirectHandler(target.URL+"/xmlrpc/common", http.StatusTemporaryRedirect))
	t.Cleanup(redirect.Close)
	c, err := openerp.New(openerp.Config{URL: redirect.URL, Database: "db", User: "u", Password: password, Path: openerp.PathV7})
	require.NoError(t, err)
	_, err = c.Login(context.Background())
	require.ErrorContains(t, err, "redirected to "+target.URL)
	assert.Zero(t, hits.Load())
	assert.NotContains(t, err.Error(), password)
}

// Package openerp stands alone: a Go service that wants only the client
// does not link the sync engine.
func TestClientDoesNotLinkTheEngine(t *testing.T) {
	t.Parallel()
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(goTool, "list", "-deps", ".", "./openerptest").CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, pkg := range strings.Fields(string(out)) {
		assert.False(t, strings.HasPrefix(pkg, "github.com/qoqasync/qoqasync/connector"), "openerp links %s", pkg)
	}
}

// A long list of IDs is read in chunks, in the order asked, missing
// records left out.
func TestReadSplitsLongIDLists(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	cfg := s.Config()
	cfg.ReadBatchSize = 40
	c, err := openerp.New(cfg)
	require.NoError(t, err)
	records := make([]map[string]any, 100)
	for i := range records {
		records[i] = map[string]any{"name": fmt.Sprint("P", i)}
	}
	ids := s.Seed("res.partner", records...)
	want := slices.Clone(ids)
	slices.Reverse(want)
	ask := slices.Insert(slices.Clone(want), 50, 9999)
	rows, err := c.Read(context.Background(), "res.partner", ask, []string{"name"}, nil)
	require.NoError(t, err)
	assert.Equal(t, 3, s.Calls("res.partner", "read"), "101 IDs in chunks of 40")
	got := make([]int64, len(rows))
	for i, r := range rows {
		got[i] = r.ID()
	}
	assert.Equal(t, want, got, "the order of the IDs asked, the missing one left out")
}

func TestReadBatchSizeDefault(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := newClient(t, s, "")
	records := make([]map[string]any, 501)
	for i := range records {
		records[i] = map[string]any{"name": fmt.Sprint("P", i)}
	}
	ids := s.Seed("res.partner", records...)
	rows, err := c.Read(context.Background(), "res.partner", ids, []string{"name"}, nil)
	require.NoError(t, err)
	assert.Len(t, rows, 501)
	assert.Equal(t, 2, s.Calls("res.partner", "read"), "500 IDs a call by default")
}

// An access-denied fault logs in again once: a restored database may have
// given the user another uid. A changed password still fails, after one
// more login.
func TestReloginOnceOnAccessDenied(t *testing.T) {
	t.Parallel()
	t.Run("database restored", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		c := newClient(t, s, "")
		ctx := context.Background()
		_, err := c.Login(ctx)
		require.NoError(t, err)
		s.SetUserID(7)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Go(func() {
				_, err := c.Search(ctx, "res.partner", nil, openerp.SearchOptions{})
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		uid, err := c.Login(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(7), uid)
		assert.Equal(t, 2, s.Calls("", "login"), "one new login, shared by the concurrent calls")
	})
	t.Run("password changed", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		c := newClient(t, s, "")
		ctx := context.Background()
		_, err := c.Login(ctx)
		require.NoError(t, err)
		s.SetPassword("changed")
		_, err = c.Search(ctx, "res.partner", nil, openerp.SearchOptions{})
		require.ErrorIs(t, err, openerp.ErrAccessDenied)
		assert.NotContains(t, err.Error(), password)
		assert.Equal(t, 2, s.Calls("", "login"), "one more login, then it gives up")
		assert.Equal(t, 1, s.Requests("/xmlrpc/object"), "the call was sent once: the new login failed")
	})
	t.Run("a right the user lacks is no reason to log in", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		c := newClient(t, s, "")
		ctx := context.Background()
		_, err := c.Search(ctx, "res.partner", nil, openerp.SearchOptions{})
		require.NoError(t, err)
		_, err = c.ExecuteKW(ctx, "res.partner", "_auto_init", nil, nil)
		require.Error(t, err)
		assert.Equal(t, 1, s.Calls("", "login"))
	})
}

// ServerTime is the server's clock, read from the Date of its answer, not
// the host's.
func TestServerTime(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 1, 10, 0, 0, 700_000_000, time.FixedZone("CET", 3600))
	s := openerptest.New(openerptest.Options{Now: func() time.Time { return at }})
	t.Cleanup(s.Close)
	c := newClient(t, s, "")
	got, err := c.ServerTime(context.Background())
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), got, "HTTP dates have whole seconds, in UTC")
	assert.Equal(t, time.UTC, got.Location())
	assert.Equal(t, 1, s.Calls("", "version"))

	noDate := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Date"] = nil // net/http adds none then
		io.WriteString(w, `<?xml version="1.0"?><methodResponse><params><param><value><struct></struct></value></param></params></methodResponse>`)
	}))
	t.Cleanup(noDate.Close)
	c, err = openerp.New(openerp.Config{URL: noDate.URL, Database: "db", User: "u", Password: password})
	require.NoError(t, err)
	_, err = c.ServerTime(context.Background())
	require.ErrorIs(t, err, openerp.ErrNoDate)
	assert.Contains(t, err.Error(), "Date")
}

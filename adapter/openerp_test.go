package adapter_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/adapter"
	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/connector/connectortest"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
)

func newOpenERPServer(t *testing.T) *openerptest.Server {
	s := openerptest.New(openerptest.Options{})
	t.Cleanup(s.Close)
	return s
}

func newOpenERPClient(t *testing.T, s *openerptest.Server) *openerp.Client {
	c, err := openerp.New(s.Config())
	require.NoError(t, err)
	return c
}

// clockAt is a server clock the test moves.
type clockAt struct{ t time.Time }

func (c *clockAt) Now() time.Time { return c.t }

func TestOpenERPAdapter(t *testing.T) {
	t.Parallel()
	clk := &clockAt{t: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
	s := openerptest.New(openerptest.Options{Now: clk.Now})
	t.Cleanup(s.Close)
	c := newOpenERPClient(t, s)
	a := &adapter.OpenERP{Client: c, Model: "res.partner", Fields: []string{"name", "email", "customer", "parent_id", "active", "ref"}, RefField: "ref", PageSize: 2}
	ctx := context.Background()

	id, err := a.Create(ctx, "user/42", map[string]any{"name": "Ada", "email": nil, "customer": false})
	require.NoError(t, err)
	found, err := a.FindByRef(ctx, "user/42")
	require.NoError(t, err)
	assert.Equal(t, id, found)
	_, err = a.FindByRef(ctx, "user/43")
	assert.ErrorIs(t, err, connector.ErrNotFound)

	rec, err := a.Read(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, clk.t, rec.UpdatedAt)
	assert.Nil(t, rec.Fields["email"], "an empty char reads as no value")
	assert.Nil(t, rec.Fields["parent_id"], "an empty many2one reads as no value")
	assert.Equal(t, false, rec.Fields["customer"], "a boolean keeps its False")
	assert.NotContains(t, rec.Fields, "write_date", "the version is no content: the flows hash Fields")
	assert.False(t, rec.Archived)
	assert.Equal(t, "user/42", a.RefOf(rec), "RefOf reads the reference the create wrote")

	clk.t = clk.t.Add(time.Hour)
	var ids []string
	for range 4 {
		id, err := a.Create(ctx, "", map[string]any{"name": "P"})
		require.NoError(t, err)
		ids = append(ids, id)
	}
	var got []string
	for id, err := range a.Search(ctx, clk.t, clk.t.Add(time.Second)) {
		require.NoError(t, err)
		got = append(got, id)
	}
	assert.Equal(t, ids, got, "a window finds its records across pages")

	require.NoError(t, a.Update(ctx, ids[0], map[string]any{"email": "p@example.ch"}))
	require.NoError(t, a.Archive(ctx, ids[1]))
	archived, err := a.Read(ctx, ids[1])
	require.NoError(t, err)
	assert.True(t, archived.Archived, "an inactive record reads as archived")
	active, err := a.Active(ctx, ids)
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{ids[0]: true, ids[1]: false, ids[2]: true, ids[3]: true}, active, "an archived record exists, inactive")
	require.NoError(t, a.Delete(ctx, ids[2]))
	_, err = a.Read(ctx, ids[2])
	assert.ErrorIs(t, err, connector.ErrNotFound)
	assert.ErrorIs(t, a.Delete(ctx, ids[2]), connector.ErrNotFound)
	_, err = a.Read(ctx, "abc")
	assert.True(t, connector.IsPermanent(err))
}

// An import whose create reaches OpenERP but whose answer is lost finds the
// record on the retry and creates exactly one.
func TestImportIntoOpenERPLostAnswerCreatesOne(t *testing.T) {
	t.Parallel()
	s := newOpenERPServer(t)
	c := newOpenERPClient(t, s)
	ctx := context.Background()
	_, err := c.Login(ctx)
	require.NoError(t, err)
	remote := connectortest.New("qoqa user")
	remoteID := remote.Put(connector.Record{Fields: map[string]any{"pseudo": "ada"}})
	flow := &connector.ImportFlow{
		Model: "user", Remote: remote, Binder: binding.NewMemory(),
		Local:  &adapter.OpenERP{Client: c, Model: "res.partner", RefField: "ref"},
		Mapper: connector.Mapping{Rules: []connector.Rule{connector.Field("pseudo", "name")}},
	}
	s.CommitThenDrop(1)
	err = flow.Import(ctx, remoteID, connector.ImportOptions{})
	require.Error(t, err)
	require.True(t, connector.IsRetryable(err), "%v", err)
	require.NoError(t, flow.Import(ctx, remoteID, connector.ImportOptions{}))
	assert.Equal(t, 1, s.Count("res.partner"))
}

func TestOpenERPTranslations(t *testing.T) {
	t.Parallel()
	s := newOpenERPServer(t)
	c := newOpenERPClient(t, s)
	ctx := context.Background()
	a := &adapter.OpenERP{Client: c, Model: "product.template", Fields: []string{"name", "list_price"},
		Languages: []string{"fr_FR", "de_DE"}, Translatable: []string{"name", "description_sale"}}

	id, err := a.Create(ctx, "", map[string]any{
		"name":       connector.Translations{"fr_FR": "Lampe", "de_DE": "Leuchte"},
		"list_price": 29.5,
	})
	require.NoError(t, err)
	n, _ := strconv.ParseInt(id, 10, 64)
	for lang, want := range map[string]string{"": "Lampe", "fr_FR": "Lampe", "de_DE": "Leuchte"} {
		rec, ok := s.Get("product.template", n, lang)
		require.True(t, ok)
		assert.Equal(t, want, rec["name"], "language %q", lang)
	}

	rec, err := a.Read(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, connector.Translations{"fr_FR": "Lampe", "de_DE": "Leuchte"}, rec.Fields["name"])
	assert.Equal(t, connector.Translations{}, rec.Fields["description_sale"], "no text in any language")
	assert.Equal(t, 29.5, rec.Fields["list_price"])

	require.NoError(t, a.Update(ctx, id, map[string]any{"name": connector.Translations{"de_DE": "Lampe (DE)"}}))
	rec, err = a.Read(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, connector.Translations{"fr_FR": "Lampe", "de_DE": "Lampe (DE)"}, rec.Fields["name"])
	base, _ := s.Get("product.template", n, "")
	assert.Equal(t, "Lampe", base["name"], "an update without the first language keeps the source text")
}

// What the fake server does to a call reaches the engine as its decision.
func TestOpenERPServerFaultsBecomeDecisions(t *testing.T) {
	t.Parallel()
	s := newOpenERPServer(t)
	a := &adapter.OpenERP{Client: newOpenERPClient(t, s), Model: "res.partner"}
	ctx := context.Background()
	id, err := a.Create(ctx, "", map[string]any{"name": "Ada"})
	require.NoError(t, err)

	s.Throttle(1, 9*time.Second)
	_, err = a.Read(ctx, id)
	var r *connector.RetryableError
	require.ErrorAs(t, err, &r)
	assert.Equal(t, 9*time.Second, r.After, "429 waits for its Retry-After")

	s.ConcurrencyFaults(1)
	err = a.Update(ctx, id, map[string]any{"name": "Ada L."})
	assert.True(t, connector.IsRetryable(err), "%v", err)
	s.ConcurrencyFaults(0)

	err = a.Update(ctx, id, map[string]any{"parent_id": 999})
	assert.True(t, connector.IsPermanent(err), "%v", err)
	assert.Contains(t, err.Error(), id, "the error names the record")

	err = a.Update(ctx, "999", map[string]any{"name": "x"})
	assert.ErrorIs(t, err, connector.ErrNotFound)
	assert.True(t, connector.IsPermanent(err))
}

// A batch of records costs one read per language, whatever its size: the
// first language's read brings the other fields too.
func TestOpenERPReadManyCostsOneCallPerLanguage(t *testing.T) {
	t.Parallel()
	s := newOpenERPServer(t)
	a := &adapter.OpenERP{Client: newOpenERPClient(t, s), Model: "product.template", Fields: []string{"name", "list_price"},
		Languages: []string{"fr_FR", "de_DE"}, Translatable: []string{"name"}}
	ctx := context.Background()
	var ids []string
	for i := range 5 {
		id, err := a.Create(ctx, "", map[string]any{
			"name":       connector.Translations{"fr_FR": fmt.Sprint("Lampe ", i), "de_DE": fmt.Sprint("Leuchte ", i)},
			"list_price": float64(i),
		})
		require.NoError(t, err)
		ids = append(ids, id)
	}
	reads := s.Calls("product.template", "read")
	recs, err := a.ReadMany(ctx, append([]string{"999"}, ids...))
	require.NoError(t, err)
	assert.Equal(t, 2, s.Calls("product.template", "read")-reads, "1 read per language, for 5 records")
	require.Len(t, recs, 5, "a missing record is left out")
	for i, rec := range recs {
		assert.Equal(t, ids[i], rec.ID)
		assert.Equal(t, connector.Translations{"fr_FR": fmt.Sprint("Lampe ", i), "de_DE": fmt.Sprint("Leuchte ", i)}, rec.Fields["name"])
		assert.Equal(t, float64(i), rec.Fields["list_price"])
		assert.False(t, rec.UpdatedAt.IsZero())
	}
	_, err = a.ReadMany(ctx, []string{"x"})
	assert.True(t, connector.IsPermanent(err), "an ID that is no number")
}

// Now is OpenERP's clock, which its write_date follows: the sync dates its
// watermarks by it, never by the host's.
func TestOpenERPNowIsTheServersClock(t *testing.T) {
	t.Parallel()
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	s := openerptest.New(openerptest.Options{Now: func() time.Time { return at }})
	t.Cleanup(s.Close)
	a := &adapter.OpenERP{Client: newOpenERPClient(t, s), Model: "res.partner"}
	now, err := a.Now(context.Background())
	require.NoError(t, err)
	assert.Equal(t, at, now)

	s.Fail503(1)
	_, err = a.Now(context.Background())
	assert.True(t, connector.IsRetryable(err), "%v", err)
}

// A record's version is OpenERP 7.0's __last_update (7.0 has no write_date
// field), or Odoo 8's write_date, to the second, and neither is content.
func TestOpenERPVersionOn70And8(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 1, 10, 0, 0, 250_000_000, time.UTC)
	for _, version := range []int{7, 8} {
		for _, fields := range [][]string{nil, {"name"}} {
			t.Run(fmt.Sprintf("v%d %v", version, fields), func(t *testing.T) {
				t.Parallel()
				s := openerptest.New(openerptest.Options{Version: version, Now: func() time.Time { return at }})
				t.Cleanup(s.Close)
				a := &adapter.OpenERP{Client: newOpenERPClient(t, s), Model: "res.partner", Fields: fields}
				id := s.Seed("res.partner", map[string]any{"name": "Ada"})[0]
				rec, err := a.Read(context.Background(), strconv.FormatInt(id, 10))
				require.NoError(t, err)
				assert.Equal(t, at.Truncate(time.Second), rec.UpdatedAt)
				assert.Equal(t, "Ada", rec.Fields["name"])
				assert.NotContains(t, rec.Fields, "write_date", "the version is no content: the flows hash Fields")
				assert.NotContains(t, rec.Fields, "__last_update")
			})
		}
	}
}

// The change search pages by key: what happens to a record already
// yielded while the search runs moves no later record out of the pages.
func TestOpenERPSearchPagesByKey(t *testing.T) {
	t.Parallel()
	for name, change := range map[string]func(t *testing.T, c *openerp.Client, clk *clockAt, first int64){
		"deleted": func(t *testing.T, c *openerp.Client, _ *clockAt, first int64) {
			require.NoError(t, c.Unlink(context.Background(), "res.partner", []int64{first}))
		},
		"archived and written past the window": func(t *testing.T, c *openerp.Client, clk *clockAt, first int64) {
			clk.t = clk.t.Add(time.Hour)
			require.NoError(t, c.Write(context.Background(), "res.partner", []int64{first}, openerp.Values{"active": false}, nil))
		},
		"written again inside the window": func(t *testing.T, c *openerp.Client, _ *clockAt, first int64) {
			require.NoError(t, c.Write(context.Background(), "res.partner", []int64{first}, openerp.Values{"name": "Ada L."}, nil))
		},
	} {
		for _, size := range []int{1, 2, 3} {
			t.Run(fmt.Sprintf("%s, pages of %d", name, size), func(t *testing.T) {
				t.Parallel()
				clk := &clockAt{t: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
				s := openerptest.New(openerptest.Options{Now: clk.Now})
				t.Cleanup(s.Close)
				c := newOpenERPClient(t, s)
				var want []string
				for _, name := range []string{"Ada", "Bob", "Cy", "Dan"} {
					want = append(want, strconv.FormatInt(s.Seed("res.partner", map[string]any{"name": name})[0], 10))
					clk.t = clk.t.Add(time.Second)
				}
				a := &adapter.OpenERP{Client: c, Model: "res.partner", PageSize: size}
				var got []string
				for id, err := range a.Search(context.Background(), clk.t.Add(-time.Minute), clk.t.Add(time.Minute)) {
					require.NoError(t, err)
					got = append(got, id)
					if len(got) == 1 {
						first, _ := strconv.ParseInt(id, 10, 64)
						change(t, c, clk, first)
					}
				}
				assert.Equal(t, want, got, "every record that stayed in the window is found once")
			})
		}
	}
}

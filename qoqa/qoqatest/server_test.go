package qoqatest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dghubble/oauth1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

func setup(t *testing.T, opts qoqatest.Options) (*qoqatest.Server, *qoqa.Client) {
	s := qoqatest.New(opts)
	t.Cleanup(s.Close)
	c, err := qoqa.New(s.Config())
	require.NoError(t, err)
	return s, c
}

func TestUnsignedRequestsGoToLogin(t *testing.T) {
	t.Parallel()
	s, _ := setup(t, qoqatest.Options{})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(s.URL + "/api/v1/shop/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusFound, resp.StatusCode)
	assert.Equal(t, s.URL+"/login", resp.Header.Get("Location"))
}

func TestSeedJSONTouchAndSearch(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
	s, c := setup(t, qoqatest.Options{Now: clk.Now})
	ids, err := s.SeedJSON(strings.NewReader(`{"user": [{"email": "a@example.ch", "pseudo": "a"}, {"email": "b@example.ch", "pseudo": "b"}]}`))
	require.NoError(t, err)
	require.Len(t, ids["user"], 2)
	_, err = s.SeedJSON(strings.NewReader(`{"basket": [{}]}`))
	assert.Error(t, err)
	path := filepath.Join(t.TempDir(), "seed.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"shop": [{"name": "QoQa", "domain": "qoqa.ch"}]}`), 0o600))
	shops, err := s.SeedFile(path)
	require.NoError(t, err)
	assert.Len(t, shops["shop"], 1)

	clk.t = clk.t.Add(time.Hour)
	s.Touch("user", ids["user"][1], map[string]any{"pseudo": "bee"})
	var found []qoqa.ID
	for id, err := range c.Users.Search(context.Background(), clk.t, clk.t.Add(time.Second)) {
		require.NoError(t, err)
		found = append(found, id)
	}
	assert.Equal(t, ids["user"][1:], found, "only the touched user changed in that window")
	u, err := c.Users.Get(context.Background(), ids["user"][1])
	require.NoError(t, err)
	assert.Equal(t, "bee", u.Pseudo)
	assert.Equal(t, 2, s.Calls("user", http.MethodGet), "one search, one read")
}

func TestAnswersCarryUnknownKeysAndStringIDs(t *testing.T) {
	t.Parallel()
	s, _ := setup(t, qoqatest.Options{})
	s.Seed("deal", qoqa.Deal{ShopID: 1}, qoqa.Deal{ShopID: 1})
	body := rawGet(t, s, "/api/v1/deal/?timestamp_from=2000-01-01%2000:00:00")
	var env map[string]any
	require.NoError(t, json.Unmarshal(body, &env))
	assert.Contains(t, env, "locale", "answers carry keys a client must ignore")
	data := env["data"].([]any)
	require.Len(t, data, 2)
	assert.IsType(t, float64(0), data[0].(map[string]any)["id"])
	assert.IsType(t, "", data[1].(map[string]any)["id"], "some IDs come as strings")

	body = rawGet(t, s, "/api/v1/deal/?timestamp_from=yesterday")
	assert.Contains(t, string(body), "timestamp_from: must be YYYY-MM-DD HH:MM:SS")
}

// rawGet sends a GET signed as the contract says, and returns the body.
func rawGet(t *testing.T, s *qoqatest.Server, path string) []byte {
	cfg := s.Config()
	signed := oauth1.NewConfig(cfg.Consumer.Key, cfg.Consumer.Secret).Client(context.Background(), oauth1.NewToken(cfg.Token.Token, cfg.Token.Secret))
	resp, err := signed.Get(s.URL + path)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return body
}

func TestIdempotencyKeysExpireAfterADay(t *testing.T) {
	t.Parallel()
	clk := &clock{t: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)}
	s, c := setup(t, qoqatest.Options{Now: clk.Now})
	ctx := context.Background()
	v := &qoqa.Voucher{Code: "A", Amount: 1}
	first, err := c.Vouchers.Create(ctx, v, "k")
	require.NoError(t, err)
	clk.t = clk.t.Add(23 * time.Hour)
	again, err := c.Vouchers.Create(ctx, v, "k")
	require.NoError(t, err)
	assert.Equal(t, first, again)
	clk.t = clk.t.Add(2 * time.Hour)
	later, err := c.Vouchers.Create(ctx, v, "k")
	require.NoError(t, err)
	assert.NotEqual(t, first, later, "a key is kept 24 h")
	assert.Equal(t, 2, s.Count("voucher"))
}

func TestCountersAndRefusedMethods(t *testing.T) {
	t.Parallel()
	s, c := setup(t, qoqatest.Options{})
	ctx := context.Background()
	_, err := c.Deals.Get(ctx, 1)
	require.ErrorIs(t, err, qoqa.ErrNotFound)
	assert.Equal(t, 1, s.Calls("deal", http.MethodGet))
	_, err = qoqa.NewService[map[string]any](c, "deal").Create(ctx, &map[string]any{"shop_id": 1}, "deal/1")
	require.ErrorContains(t, err, "not allowed")
	assert.Equal(t, 1, s.Calls("deal", http.MethodPost))
	assert.Zero(t, s.Count("deal"))
}

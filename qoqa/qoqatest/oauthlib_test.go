package qoqatest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/internal/pythontest"
	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// A client nobody here wrote, Python's oauthlib, checks the fake: a fake
// that only agreed with our own client would pass every other test. The
// script (testdata/oauthlib_client.py) runs the PIN flow, signed calls with
// query parameters and JSON bodies, and the requests the contract refuses,
// and reports what the fake answered.
func TestOAuthlibDrivesTheFake(t *testing.T) {
	t.Parallel()
	python := pythontest.Find(t, "oauthlib")
	s := qoqatest.New(qoqatest.Options{})
	t.Cleanup(s.Close)
	seeded := s.Seed("voucher", qoqa.Voucher{Code: "A", Amount: 100}, qoqa.Voucher{Code: "B", Amount: 200})

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "testdata/oauthlib_client.py")
	cmd.Env = append(os.Environ(), "QOQA_URL="+s.URL, "QOQA_CONSUMER_KEY="+s.Consumer().Key, "QOQA_CONSUMER_SECRET="+s.Consumer().Secret)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "the script failed: %s", stderr.String())

	var got struct {
		Steps map[string]struct {
			Status          int
			Location        *string
			Confirmed       string
			HasToken        bool `json:"has_token"`
			HasAuthorizeURL bool `json:"has_authorize_url"`
			PINShown        bool `json:"pin_shown"`
			IDs             []qoqa.ID
			ID              qoqa.ID
			Code            int
			Record          map[string]any
		}
	}
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &got), "%s", stdout.String())
	step := func(name string) (int, *string) {
		st, ok := got.Steps[name]
		require.True(t, ok, "the script did not report %s", name)
		return st.Status, st.Location
	}

	for name, want := range map[string]int{
		"request_token":      http.StatusOK,
		"authorize":          http.StatusOK,
		"access_token":       http.StatusOK,
		"access_token_again": http.StatusUnauthorized, // a request token serves once
		"search":             http.StatusOK,
		"create":             http.StatusCreated,
		"create_again":       http.StatusOK, // the same Idempotency-Key
		"update":             http.StatusOK,
		"read":               http.StatusOK,
		"float_amount":       http.StatusUnprocessableEntity,
		"form_with_charset":  http.StatusOK,
		"replay_first":       http.StatusOK,
	} {
		status, _ := step(name)
		assert.Equal(t, want, status, name)
	}
	for _, refused := range []string{"wrong_signature", "replayed_nonce", "stale_timestamp", "unknown_token"} {
		status, location := step(refused)
		assert.Equal(t, http.StatusFound, status, "%s is sent to the login page", refused)
		if assert.NotNil(t, location, refused) {
			assert.Equal(t, s.URL+"/login", *location, refused)
		}
	}

	st := got.Steps
	assert.Equal(t, "true", st["request_token"].Confirmed)
	assert.True(t, st["request_token"].HasToken)
	assert.True(t, st["request_token"].HasAuthorizeURL)
	assert.True(t, st["authorize"].PINShown)
	assert.True(t, st["access_token"].HasToken)
	assert.Equal(t, seeded, st["search"].IDs, "a signed search with query parameters finds the seeded vouchers")
	require.NotZero(t, st["create"].ID)
	assert.Equal(t, st["create"].ID, st["create_again"].ID)
	assert.Equal(t, st["create"].ID, st["update"].ID)
	assert.Equal(t, map[string]any{"code": "PY-1", "amount": float64(2500), "remaining_amount": float64(1000), "description": "Bon cadeau, été"}, st["read"].Record)
	assert.Equal(t, 4, st["float_amount"].Code)
	assert.Equal(t, 3, s.Count("voucher"), "one voucher created, once")
	assert.NotContains(t, stdout.String(), s.Consumer().Secret, "the script prints no secret")
}

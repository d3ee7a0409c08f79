package queueui_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/internal/pgtest"
	"github.com/qoqasync/qoqasync/queueui"
	"github.com/qoqasync/qoqasync/riverqueue"
)

// chromium finds the headless browser: CI must have it, a workstation may
// lack it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("headless Chromium is required in CI (Debian's chromium package)")
	}
	t.Skip("no Chromium on this machine (install Debian's chromium package)")
	return ""
}

// An operator opens the UI on the failed jobs and sees the one that failed.
func TestUIListsFailedJob(t *testing.T) {
	t.Parallel()
	browser := chromium(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	pool, schema := pgtest.SchemaPool(t)
	driver := riverpgxv5.New(pool)
	require.NoError(t, riverqueue.Migrate(ctx, driver, schema))
	q, err := riverqueue.New(driver, riverqueue.Config{
		QueueConfig: connector.QueueConfig{
			Logger: slog.New(slog.DiscardHandler),
			Handler: connector.HandlerFunc(func(context.Context, connector.Job) error {
				return connector.Permanent(errors.New("field categ_id: no mapping"))
			}),
		},
		Schema: schema,
	})
	require.NoError(t, err)
	failed := make(chan connector.Job, 1)
	defer q.Subscribe(func(ev connector.Event) {
		if ev.Type == connector.EventFailed {
			failed <- ev.Job
		}
	})()
	_, err = q.Enqueue(ctx, connector.Job{Kind: connector.KindImport, Model: "product", RecordID: "sku-4711"})
	require.NoError(t, err)
	require.NoError(t, q.Start(ctx))
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		assert.NoError(t, q.Stop(stopCtx))
	})
	select {
	case <-failed:
	case <-time.After(30 * time.Second):
		t.Fatal("the job did not fail")
	}

	ui, err := queueui.New(ctx, q.Client(), "/queue", slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/queue/", ui)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	runCtx, stop := context.WithTimeout(ctx, 60*time.Second)
	defer stop()
	out, err := exec.CommandContext(runCtx, browser, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-dev-shm-usage", "--user-data-dir="+t.TempDir(), "--virtual-time-budget=15000",
		"--dump-dom", srv.URL+"/queue/jobs?state=discarded").Output()
	require.NoError(t, err)
	dom := string(out)
	assert.True(t, strings.Contains(dom, "sku-4711"), "the failed job is not listed (its record)")
	assert.True(t, strings.Contains(dom, "qoqasync"), "the failed job is not listed (its kind)")
}

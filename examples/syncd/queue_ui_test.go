package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
)

// The status server refuses what another site's page makes an operator's
// browser send: River's web UI under /queue/ deletes, cancels and retries
// jobs with POSTs of JSON that it reads whatever their content type, which
// any page can send (fetch, no-cors, text/plain). A pending job must
// survive a cross-site delete.
func TestQueueUIRefusesCrossSiteChanges(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := config{Store: filepath.Join(t.TempDir(), "store.db"), Queue: queueRiver}
	nothing := connector.HandlerFunc(func(context.Context, connector.Job) error { return nil })
	st, err := openStorage(ctx, c, "qoqa.ch", nothing, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { st.close() })
	res, err := st.Queue.Enqueue(ctx, connector.Job{Kind: connector.KindImport, Model: "order", RecordID: "1"})
	require.NoError(t, err)
	srv := httptest.NewServer(statusServer(st.Queue, st.UI))
	t.Cleanup(srv.Close)

	body := `{"ids":["` + strconv.FormatInt(res.Job.ID, 10) + `"]}`
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/queue/api/jobs/delete", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	j, err := st.Queue.Job(ctx, res.Job.ID)
	require.NoError(t, err, "a cross-site POST deleted a pending job")
	assert.Equal(t, connector.StatePending, j.State)
}

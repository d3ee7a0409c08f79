package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/qoqa"
)

// chromium is Debian's Chromium, which the status page's test drives.
const chromium = "/usr/bin/chromium"

// The status page lists a failed job with its error; its button re-runs
// it once the data is fixed, and the page then shows it done.
func TestStatusPageReRunsAFailedJob(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("the status page's test needs Chromium at %s: %v", chromium, err)
	}
	q, _, args, env := sandbox(t, planned)
	args = recent(args)
	bad := q.Seed("address", qoqa.Address{CustomerID: 1, Kind: qoqa.AddressOther, Lastname: "Nowhere", City: "Atlantis", Country: "XX", IsActive: true})[0]
	port := freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append(slicesClone(args), "-listen", port), func(k string) string { return env[k] }, io.Discard, io.Discard)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	base := "http://" + port
	var id int64
	require.Eventually(t, func() bool {
		for _, j := range getJobs(t, base).Failed {
			if j.Model == "address" && j.Record == fmt.Sprint(bad) {
				id = j.ID
				return true
			}
		}
		return false
	}, 30*time.Second, 20*time.Millisecond, "the failed address never failed")

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU)...)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	browser, cancelTimeout := context.WithTimeout(browser, 60*time.Second)
	t.Cleanup(cancelTimeout)

	button := chromedp.CSS(fmt.Sprintf("#retry-%d", id))
	require.NoError(t, chromedp.Do(browser, chromedp.Navigate(base+"/status"), chromedp.WaitVisible(button)))
	errorText, err := chromedp.Run(browser, chromedp.Text(chromedp.CSS(fmt.Sprintf("#job-%d .err", id))))
	require.NoError(t, err)
	assert.Contains(t, errorText, "country")

	// Fixed behind the search's back (updated_at unchanged), so that only
	// the button runs the job again.
	q.Tamper("address", bad, map[string]any{"country": "CH"})
	require.NoError(t, chromedp.Do(browser, chromedp.Click(button), chromedp.WaitReady(chromedp.CSS("#models"))))
	state := chromedp.CSS(fmt.Sprintf("#rerun-%d", id))
	var text string
	shown := assert.Eventually(t, func() bool {
		page, cancel := context.WithTimeout(browser, 2*time.Second)
		defer cancel()
		if chromedp.Do(page, chromedp.Navigate(base+"/status"), chromedp.WaitReady(state)) != nil {
			return false
		}
		text, err = chromedp.Run(page, chromedp.Text(state))
		return err == nil && text == "done"
	}, 30*time.Second, 50*time.Millisecond)
	if !shown {
		t.Fatalf("the re-run job never showed done; it shows %q", text)
	}
}

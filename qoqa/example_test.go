package qoqa_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// The PIN flow, step by step, as a CLI runs it: print the URL, read the PIN
// the user types, keep the access token in a file for every later run.
func ExamplePINFlow() {
	srv := qoqatest.New(qoqatest.Options{}) // stands in for https://www.qoqa.ch
	defer srv.Close()
	ctx := context.Background()

	flow := &qoqa.PINFlow{BaseURL: srv.URL, Consumer: srv.Consumer()} // the consumer key and secret QoQa handed out
	auth, err := flow.Start(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("open the authorization URL:", strings.HasPrefix(auth.URL, srv.URL+"/oauth1.0a/authorize?oauth_token="))
	pin := userReadsPIN(auth.URL) // a CLI would prompt for it

	token, err := flow.Finish(ctx, auth, pin)
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, _ := os.MkdirTemp("", "qoqa")
	defer os.RemoveAll(dir)
	store := qoqa.FileTokenStore{Path: filepath.Join(dir, "qoqa-token.json")}
	if err := store.Save(ctx, token); err != nil {
		fmt.Println(err)
		return
	}

	saved, _ := store.Load(ctx)
	client, _ := qoqa.New(qoqa.Config{BaseURL: srv.URL, Consumer: srv.Consumer(), Token: saved})
	shops, err := client.Shops.List(ctx)
	fmt.Println("shops:", len(shops), err)
	// Output:
	// open the authorization URL: true
	// shops: 0 <nil>
}

// userReadsPIN plays the user: open the page, read the PIN on it.
func userReadsPIN(url string) string {
	resp, err := http.Get(url)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	_, rest, _ := strings.Cut(string(page), `<code id="pin">`)
	pin, _, _ := strings.Cut(rest, "</code>")
	return pin
}

// A caller's own retry loop, without the sync engine: the error says
// whether retrying may help, how long QoQa asked to wait, and whether the
// attempt counts.
func ExampleError_Temporary() {
	srv := qoqatest.New(qoqatest.Options{})
	defer srv.Close()
	client, _ := qoqa.New(srv.Config())
	ctx := context.Background()
	srv.FailStatus(2, 503) // QoQa fails twice, then answers

	budget := 5
	for attempt := 1; ; attempt++ {
		shops, err := client.Shops.List(ctx)
		var apiErr *qoqa.Error
		if errors.As(err, &apiErr) && apiErr.Temporary() && budget > 0 {
			fmt.Println("attempt", attempt, "failed, may retry:", errors.Is(err, qoqa.ErrUnavailable))
			if !apiErr.NotCounted() {
				budget--
			}
			select { // RetryAfter is zero here: QoQa asked for no delay (a real loop adds backoff)
			case <-time.After(apiErr.RetryAfter):
			case <-ctx.Done():
				return
			}
			continue
		}
		fmt.Println("shops:", len(shops), err)
		return
	}
	// Output:
	// attempt 1 failed, may retry: true
	// attempt 2 failed, may retry: true
	// shops: 0 <nil>
}

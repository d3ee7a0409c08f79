// Command qoqa-login runs QoQa's OAuth 1.0a PIN flow once and keeps the
// access token in a file (mode 0600) for every later sync run.
//
//	QOQA_CONSUMER_KEY=... QOQA_CONSUMER_SECRET=... go run ./examples/qoqa-login -qoqa-url https://www.qoqa.ch -token-file qoqa-token.json
//
// It prints the authorization URL on a line of its own; open it, log in with
// the QoQa account meant for the ERP, accept, and type the PIN the page
// shows. -qoqa-url and -token-file are the runner's flags (examples/syncd),
// and like them are also read from QOQASYNC_QOQA_URL and
// QOQASYNC_TOKEN_FILE; -url is kept for -qoqa-url.
//
// With -demo it runs against an embedded fake QoQa server and plays the user
// itself, so the whole flow can be watched on a machine with only Go:
//
//	go run ./examples/qoqa-login -demo
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdin, os.Stdout); err != nil {
		slog.Error("qoqa-login failed", "error", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("qoqa-login", flag.ContinueOnError)
	baseURL := fs.String("qoqa-url", envOr("QOQASYNC_QOQA_URL", "https://www.qoqa.ch"), "QoQa site (env QOQASYNC_QOQA_URL)")
	fs.Var(stringAlias{baseURL}, "url", "the same as -qoqa-url")
	tokenFile := fs.String("token-file", envOr("QOQASYNC_TOKEN_FILE", "qoqa-token.json"), "where the access token is kept, mode 0600 (env QOQASYNC_TOKEN_FILE)")
	demo := fs.Bool("demo", false, "run against an embedded fake QoQa server and play the user")
	if err := fs.Parse(args); err != nil {
		return err
	}
	consumer := qoqa.Credentials{Key: os.Getenv("QOQA_CONSUMER_KEY"), Secret: os.Getenv("QOQA_CONSUMER_SECRET")}
	readPIN := func(authURL string) (string, error) {
		fmt.Fprintf(stdout, "PIN: ")
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", fmt.Errorf("reading the PIN: %w", err)
		}
		return strings.TrimSpace(line), nil
	}
	if *demo {
		srv := qoqatest.New(qoqatest.Options{})
		defer srv.Close()
		*baseURL, consumer = srv.URL, srv.Consumer()
		if !flagSet(fs, "token-file") {
			dir, err := os.MkdirTemp("", "qoqa-login-demo")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			*tokenFile = filepath.Join(dir, "qoqa-token.json")
		}
		readPIN = func(authURL string) (string, error) {
			fmt.Fprintln(stdout, "(demo) opening the page as the user and reading its PIN")
			return pinOnPage(ctx, authURL)
		}
	}
	if consumer.Key == "" || consumer.Secret == "" {
		return errors.New("set QOQA_CONSUMER_KEY and QOQA_CONSUMER_SECRET (or use -demo)")
	}

	flow := &qoqa.PINFlow{BaseURL: *baseURL, Consumer: consumer}
	auth, err := flow.Start(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Open this URL, log in with the QoQa account meant for the ERP, accept, and enter the PIN it shows:\n%s\n", auth.URL)
	pin, err := readPIN(auth.URL)
	if err != nil {
		return err
	}
	token, err := flow.Finish(ctx, auth, pin)
	if err != nil {
		return err
	}
	store := qoqa.FileTokenStore{Path: *tokenFile}
	if err := store.Save(ctx, token); err != nil {
		return err
	}
	client, err := qoqa.New(qoqa.Config{BaseURL: *baseURL, Consumer: consumer, Token: token})
	if err != nil {
		return err
	}
	shops, err := client.Shops.List(ctx)
	if err != nil {
		return fmt.Errorf("the new token does not work: %w", err)
	}
	fmt.Fprintf(stdout, "Access token saved to %s; it works (%d shops visible).\n", *tokenFile, len(shops))
	return nil
}

// pinOnPage plays the user on the fake's authorization page.
func pinOnPage(ctx context.Context, authURL string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", err
	}
	_, rest, ok := strings.Cut(string(page), `<code id="pin">`)
	if !ok {
		return "", errors.New("the authorization page shows no PIN")
	}
	pin, _, _ := strings.Cut(rest, "</code>")
	return pin, nil
}

// envOr is the environment variable name, or def when unset.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// stringAlias is a second flag name for a string flag.
type stringAlias struct{ p *string }

func (a stringAlias) String() string {
	if a.p == nil {
		return ""
	}
	return *a.p
}
func (a stringAlias) Set(v string) error { *a.p = v; return nil }

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

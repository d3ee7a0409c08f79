// Command sandbox starts the fake QoQa and OpenERP servers on addresses of
// your choice, filled with the demo data, and serves until stopped, so that
// anything can be pointed at them: the runner, a Python script, a browser
// for QoQa's PIN page.
//
//	go run ./examples/sandbox -qoqa-addr 127.0.0.1:8080 -openerp-addr 127.0.0.1:8069
//
// It prints the servers' URLs, the demo consumer key and secret, and the
// OpenERP database, user and password (the fakes' own, not secrets of
// yours). Then, in another shell:
//
//	export QOQA_CONSUMER_KEY=... QOQA_CONSUMER_SECRET=... OPENERP_PASSWORD=...
//	go run ./examples/qoqa-login -qoqa-url http://127.0.0.1:8080
//	go run ./examples/syncd -qoqa-url http://127.0.0.1:8080 -openerp-url http://127.0.0.1:8069 -openerp-db sandbox -openerp-user admin -once
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/qoqasync/qoqasync/internal/demo"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		slog.Error("sandbox failed", "error", err)
		os.Exit(1)
	}
}

// The fakes' credentials, printed for the user.
const (
	consumerKey     = "sandbox-key"
	consumerSecret  = "sandbox-secret"
	openerpDatabase = "sandbox"
	openerpUser     = "admin"
	openerpPassword = "sandbox-password"
)

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	qoqaAddr := fs.String("qoqa-addr", "127.0.0.1:8080", "address of the fake QoQa server")
	openerpAddr := fs.String("openerp-addr", "127.0.0.1:8069", "address of the fake OpenERP server")
	openerpVersion := fs.Int("openerp-version", 7, "the OpenERP the fake plays: 7 (OpenERP 7.0) or 8 (Odoo 8)")
	seed := fs.Uint64("seed", 1, "the demo data's seed: the same seed, the same data")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *openerpVersion != 7 && *openerpVersion != 8 {
		return fmt.Errorf("-openerp-version: %d is neither 7 nor 8", *openerpVersion)
	}
	qln, err := net.Listen("tcp", *qoqaAddr)
	if err != nil {
		return fmt.Errorf("-qoqa-addr: %w", err)
	}
	oln, err := net.Listen("tcp", *openerpAddr)
	if err != nil {
		qln.Close()
		return fmt.Errorf("-openerp-addr: %w", err)
	}
	q := qoqatest.New(qoqatest.Options{Listener: qln, ConsumerKey: consumerKey, ConsumerSecret: consumerSecret})
	defer q.Close()
	o := openerptest.New(openerptest.Options{Listener: oln, Version: *openerpVersion, Database: openerpDatabase, User: openerpUser, Password: openerpPassword})
	defer o.Close()
	seeded := demo.Seed(q, o, demo.Size{}, *seed)

	fmt.Fprintf(out, "qoqa %s\n", q.URL)
	fmt.Fprintf(out, "openerp %s\n", o.URL)
	fmt.Fprintf(out, "QOQA_CONSUMER_KEY=%s\nQOQA_CONSUMER_SECRET=%s\n", consumerKey, consumerSecret)
	fmt.Fprintf(out, "OPENERP_PASSWORD=%s (database %s, user %s)\n", openerpPassword, openerpDatabase, openerpUser)
	fmt.Fprintf(out, "demo data: %d users, %d orders on QoQa; %d products, %d offers, %d vouchers in OpenERP\n",
		seeded.Users, seeded.Orders, seeded.Products, seeded.Offers, seeded.Vouchers)
	fmt.Fprintln(out, "serving until stopped (Ctrl-C)")
	<-ctx.Done()
	return nil
}

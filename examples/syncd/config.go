package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"time"
)

// defaultSince is where the first import search starts when -since is not
// given: before QoQa's first sale, so that everything is imported.
var defaultSince = time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)

// config is the runner's configuration: its flags, each also read from the
// environment as QOQASYNC_<NAME> (-openerp-url → QOQASYNC_OPENERP_URL), and
// the secrets, read only from the environment.
type config struct {
	QoQaURL     string
	OpenERPURL  string
	OpenERPDB   string
	OpenERPUser string
	TokenFile   string
	Store       string
	Queue       string
	Languages   []string
	Since       time.Time
	Listen      string
	// RescueAfter is how long a River job may stay running before it is
	// taken for the job of a dead runner and run again.
	RescueAfter time.Duration
	Once        bool
	Demo        bool
	// Plan, Audit, Repair and JSON are the dry run and the drift audit
	// (see plan.go and audit.go); AuditFrom and AuditTo bound the audit,
	// zero meaning -since and now.
	Plan      bool
	Audit     bool
	Repair    bool
	JSON      bool
	AuditFrom time.Time
	AuditTo   time.Time
	// TLSInsecure turns off the verification of the servers' TLS
	// certificates: for a test server with a self-signed one, never for
	// production.
	TLSInsecure bool

	// Secrets, from QOQA_CONSUMER_KEY, QOQA_CONSUMER_SECRET and
	// OPENERP_PASSWORD only: a flag would show them in the process list.
	ConsumerKey     string
	ConsumerSecret  string
	OpenERPPassword string

	// storeGiven is true when -store was set, by flag or environment: a
	// demo keeps its store then.
	storeGiven bool
}

// The queues -queue names.
const (
	queueRiver  = "river"
	queueMemory = "memory"
)

// envName is the environment variable of a flag.
func envName(flagName string) string {
	return "QOQASYNC_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// settingError names the setting that stops the start, with its variable,
// in one line.
type settingError struct {
	flag string
	msg  string
}

func (e *settingError) Error() string {
	if e.flag == "" {
		return e.msg
	}
	return fmt.Sprintf("-%s (%s): %s", e.flag, envName(e.flag), e.msg)
}

// parseConfig reads the flags in args, then, for each flag not given, its
// environment variable through getenv.
func parseConfig(args []string, getenv func(string) string, usage io.Writer) (config, error) {
	var c config
	var languages, since, auditFrom, auditTo string
	fs := flag.NewFlagSet("syncd", flag.ContinueOnError)
	fs.SetOutput(usage)
	fs.StringVar(&c.QoQaURL, "qoqa-url", "https://www.qoqa.ch", "the QoQa site")
	fs.StringVar(&c.OpenERPURL, "openerp-url", "", "the OpenERP server's base URL; the XML-RPC paths follow its version")
	fs.StringVar(&c.OpenERPDB, "openerp-db", "", "the OpenERP database")
	fs.StringVar(&c.OpenERPUser, "openerp-user", "", "the OpenERP user the sync runs as")
	fs.StringVar(&c.TokenFile, "token-file", "qoqa-token.json", "the QoQa access token, written by examples/qoqa-login")
	fs.StringVar(&c.Store, "store", "qoqasync.db", "where bindings, watermarks and jobs are kept: a SQLite file, or a postgres:// URL")
	fs.StringVar(&c.Queue, "queue", queueRiver, "the queue: river (durable, in the store's database) or memory (throw-away runs)")
	fs.StringVar(&languages, "languages", "fr_FR,de_DE,it_IT,en_US", "the OpenERP languages synced, comma-separated")
	fs.StringVar(&since, "since", defaultSince.Format(time.DateOnly), "where the first import search starts (YYYY-MM-DD); the default, "+defaultSince.Format(time.DateOnly)+", imports everything")
	fs.DurationVar(&c.RescueAfter, "rescue-after", 5*time.Minute, "how long a job may run before it is taken for the job of a runner that died, and run again; keep it above the longest job, which is cut short past it")
	fs.StringVar(&c.Listen, "listen", "127.0.0.1:8765", "the address of the status server; empty for none")
	fs.BoolVar(&c.Once, "once", false, "run every import search and export poll once, wait for the jobs, print a summary and exit (1 when a job failed)")
	fs.BoolVar(&c.Plan, "plan", false, "print what a run would do (create, update with the fields that change, delete, skip) and exit, writing nothing")
	fs.BoolVar(&c.Audit, "audit", false, "compare the bindings with both sides, print what is out of sync and exit (1 when anything drifted)")
	fs.BoolVar(&c.Repair, "repair", false, "with -audit: queue and run the jobs that bring each finding back in sync")
	fs.BoolVar(&c.JSON, "json", false, "with -plan or -audit: print JSON lines, for scripts")
	fs.StringVar(&auditFrom, "audit-from", "", "with -audit: the first day audited (YYYY-MM-DD); empty means -since")
	fs.StringVar(&auditTo, "audit-to", "", "with -audit: the day after the last one audited (YYYY-MM-DD); empty means now")
	fs.BoolVar(&c.Demo, "demo", false, "sync fake QoQa and OpenERP servers started in-process, filled with demo data")
	fs.BoolVar(&c.TLSInsecure, "tls-insecure", false, "do not verify the servers' TLS certificates (a test server's self-signed one); never in production")
	fs.Usage = func() {
		fmt.Fprintln(usage, "Usage: syncd [flags]\n\nKeeps a QoQa shop and an OpenERP database in sync. Each flag is also read from\nQOQASYNC_<NAME> (-openerp-url from QOQASYNC_OPENERP_URL); the secrets only from\nQOQA_CONSUMER_KEY, QOQA_CONSUMER_SECRET and OPENERP_PASSWORD.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, &settingError{msg: fmt.Sprintf("unexpected argument %q (flags only)", fs.Arg(0))}
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || envErr != nil {
			return
		}
		if v := getenv(envName(f.Name)); v != "" {
			if err := f.Value.Set(v); err != nil {
				envErr = &settingError{flag: f.Name, msg: fmt.Sprintf("%q: %v", v, err)}
			}
			given[f.Name] = true
		}
	})
	if envErr != nil {
		return config{}, envErr
	}
	c.storeGiven = given["store"]
	c.ConsumerKey, c.ConsumerSecret = getenv("QOQA_CONSUMER_KEY"), getenv("QOQA_CONSUMER_SECRET")
	c.OpenERPPassword = getenv("OPENERP_PASSWORD")

	for _, l := range strings.Split(languages, ",") {
		if l = strings.TrimSpace(l); l != "" {
			c.Languages = append(c.Languages, l)
		}
	}
	var err error
	if c.Since, err = time.Parse(time.DateOnly, since); err != nil {
		return config{}, &settingError{flag: "since", msg: fmt.Sprintf("%q is not a date (YYYY-MM-DD)", since)}
	}
	for _, d := range []struct {
		flag, value string
		t           *time.Time
	}{{"audit-from", auditFrom, &c.AuditFrom}, {"audit-to", auditTo, &c.AuditTo}} {
		if d.value == "" {
			continue
		}
		if *d.t, err = time.Parse(time.DateOnly, d.value); err != nil {
			return config{}, &settingError{flag: d.flag, msg: fmt.Sprintf("%q is not a date (YYYY-MM-DD)", d.value)}
		}
	}
	return c, c.validate()
}

// validate reports the first setting that cannot work. A demo brings its own
// servers and credentials, so those are not needed then.
func (c config) validate() error {
	if len(c.Languages) == 0 {
		return &settingError{flag: "languages", msg: "no language"}
	}
	for _, l := range c.Languages {
		if len(l) < 2 {
			return &settingError{flag: "languages", msg: fmt.Sprintf("%q is not a language code such as fr_FR", l)}
		}
	}
	switch c.Queue {
	case queueRiver, queueMemory:
	default:
		return &settingError{flag: "queue", msg: fmt.Sprintf("%q is neither %s nor %s", c.Queue, queueRiver, queueMemory)}
	}
	if c.Store == "" {
		return &settingError{flag: "store", msg: "empty: give a SQLite file or a postgres:// URL"}
	}
	if c.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Listen); err != nil {
			return &settingError{flag: "listen", msg: fmt.Sprintf("%q is not host:port", c.Listen)}
		}
	}
	if err := c.validateModes(); err != nil {
		return err
	}
	if c.Demo {
		return nil
	}
	for _, u := range []struct{ flag, value string }{{"qoqa-url", c.QoQaURL}, {"openerp-url", c.OpenERPURL}} {
		if u.value == "" {
			return &settingError{flag: u.flag, msg: "required"}
		}
		parsed, err := url.Parse(u.value)
		if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
			return &settingError{flag: u.flag, msg: fmt.Sprintf("%q is not an http(s) URL", redact(u.value))}
		}
	}
	for _, s := range []struct{ flag, value string }{{"openerp-db", c.OpenERPDB}, {"openerp-user", c.OpenERPUser}, {"token-file", c.TokenFile}} {
		if s.value == "" {
			return &settingError{flag: s.flag, msg: "required"}
		}
	}
	for _, s := range []struct{ name, value string }{{"QOQA_CONSUMER_KEY", c.ConsumerKey}, {"QOQA_CONSUMER_SECRET", c.ConsumerSecret}, {"OPENERP_PASSWORD", c.OpenERPPassword}} {
		if s.value == "" {
			return &settingError{msg: s.name + ": required in the environment"}
		}
	}
	return nil
}

// redact drops the user information of a URL, which may hold a password.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		if err != nil {
			return "(a URL that does not parse)"
		}
		return raw
	}
	u.User = url.User("…")
	return u.String()
}

// errUsage is the error of -h: help was asked for and printed.
var errUsage = flag.ErrHelp

// isUsage reports whether err only means help was printed.
func isUsage(err error) bool { return errors.Is(err, errUsage) }

// osGetenv is the environment of the process.
var osGetenv = os.Getenv

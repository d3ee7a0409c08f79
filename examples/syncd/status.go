package main

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/qoqasync/qoqasync/connector"
)

// statusServer answers an operator: /healthz, /jobs (counts by state and the
// failed jobs with their errors), POST /jobs/{id}/retry to re-run a failed
// job after its data was fixed, and the queue's web UI under /queue/ when it
// has one.
func statusServer(q connector.Queue, ui http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /jobs", func(w http.ResponseWriter, r *http.Request) {
		counts, err := q.Counts(r.Context())
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		failed, err := q.List(r.Context(), connector.ListFilter{State: connector.StateFailed})
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		out := jobsPage{Counts: map[string]int{}, Failed: []failedJob{}}
		for s, n := range counts {
			out.Counts[string(s)] = n
		}
		for _, j := range failed {
			out.Failed = append(out.Failed, failedJob{ID: j.ID, Kind: string(j.Kind), Model: j.Model, Record: j.RecordID,
				Error: j.LastError, Attempts: j.Attempt, FinishedAt: j.FinishedAt})
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("POST /jobs/{id}/retry", func(w http.ResponseWriter, r *http.Request) {
		if job, ok := retryJob(w, r, q); ok {
			writeJSON(w, http.StatusOK, map[string]any{"id": job.ID, "state": job.State})
		}
	})
	if ui != nil {
		// River's UI reads its POSTs' JSON whatever their content type,
		// which any site's page can send: its changes (delete, cancel,
		// retry) are refused unless they come from the server's pages.
		mux.Handle("/queue/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet && r.Method != http.MethodHead && !sameOrigin(r) {
				http.Error(w, "cross-origin request refused", http.StatusForbidden)
				return
			}
			ui.ServeHTTP(w, r)
		}))
	}
	return mux
}

// jobsPage is /jobs's answer.
type jobsPage struct {
	Counts map[string]int `json:"counts"`
	Failed []failedJob    `json:"failed"`
}

type failedJob struct {
	ID         int64     `json:"id"`
	Kind       string    `json:"kind"`
	Model      string    `json:"model"`
	Record     string    `json:"record"`
	Error      string    `json:"error"`
	Attempts   int       `json:"attempts"`
	FinishedAt time.Time `json:"finished_at"`
}

// sameOrigin refuses a browser's request sent by another site's page: a
// request without Origin (curl, a script) or from the status server's own
// pages passes. The server's own pages are those reached by an IP address
// or localhost: a page of another site whose name resolves to this machine
// (DNS rebinding) has an Origin equal to its Host, and is no page of ours.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return r.Header.Get("Sec-Fetch-Site") == "" || r.Header.Get("Sec-Fetch-Site") == "same-origin"
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host && ownName(u.Hostname())
}

// ownName reports whether host names this machine without DNS: an IP
// address, or localhost.
func ownName(host string) bool {
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	return host == "localhost" || strings.HasSuffix(host, ".localhost")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// retryJob re-runs the failed job that r's path names, for a request from
// the status server's own origin, and reports whether it did; when it did
// not, it has answered r with why.
func retryJob(w http.ResponseWriter, r *http.Request, q connector.Queue) (connector.Job, bool) {
	if !sameOrigin(r) {
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
		return connector.Job{}, false
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		http.Error(w, "job IDs are numbers", http.StatusBadRequest)
		return connector.Job{}, false
	}
	job, err := q.Retry(r.Context(), id)
	switch {
	case errors.Is(err, connector.ErrJobNotFound):
		http.Error(w, err.Error(), http.StatusNotFound)
	case errors.Is(err, connector.ErrJobState):
		http.Error(w, err.Error(), http.StatusConflict)
	case err != nil:
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
	default:
		return job, true
	}
	return connector.Job{}, false
}

// ownHosts answers only the requests whose Host names this machine without
// DNS (see ownName) or is the name the server was told to listen on: a page
// of another site whose name resolves to this machine (DNS rebinding) is
// of the same origin as the status server to the browser, which lets it
// read the pages; this refuses it any answer.
func ownHosts(listen string, next http.Handler) http.Handler {
	listenHost, _, err := net.SplitHostPort(listen)
	if err != nil {
		listenHost = listen
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		if !ownName(host) && !(listenHost != "" && strings.EqualFold(host, listenHost)) {
			http.Error(w, "unknown host name", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

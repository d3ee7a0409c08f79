package connector

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// This file holds what an audit reports: the bindings and both sides
// compared, so that a drift the flows cannot see (a record edited behind
// the connector's back, a binding lost in a restore, a job someone
// cancelled) is found before a customer finds it.

// FindingKind says how a record pair drifted.
type FindingKind string

// The kinds of finding.
const (
	// MissingLocal: the binding's local record is gone.
	MissingLocal FindingKind = "missing_local"
	// MissingRemote: the binding's remote record is gone, though no
	// deletion policy removed it.
	MissingRemote FindingKind = "missing_remote"
	// UnboundRemote: a remote record of an imported model, in the range,
	// that no binding holds and that an import would write.
	UnboundRemote FindingKind = "unbound_remote"
	// UnboundLocal: a local record of an exported model, in the range,
	// that no binding holds and that an export would write.
	UnboundLocal FindingKind = "unbound_local"
	// Drifted: both records exist, but the values a sync would write
	// differ from what the target side holds (Changes says which).
	Drifted FindingKind = "drift"
)

// Finding is one record pair out of sync.
type Finding struct {
	Model    string      `json:"model"`
	Kind     FindingKind `json:"kind"`
	RemoteID string      `json:"remote_id,omitempty"`
	LocalID  string      `json:"local_id,omitempty"`
	// Changes are, for a drift, the fields that differ: Old as the target
	// side holds it, New as the sync would write it.
	Changes []FieldChange `json:"changes,omitempty"`
	// Reason says more, when the sync would fail.
	Reason string `json:"reason,omitempty"`
	// Repair is the job that brings the pair back in sync through the
	// normal flows; nil when none can (a remote record of an imported
	// model deleted remotely).
	Repair *Job `json:"-"`
}

// AuditSummary counts, for one model, what the audit checked and found.
type AuditSummary struct {
	Model string `json:"model"`
	// Bindings counts the bindings checked (those in the range), Remote
	// and Local the records found by the searches of each side.
	Bindings int                 `json:"bindings"`
	Remote   int                 `json:"remote"`
	Local    int                 `json:"local"`
	Found    map[FindingKind]int `json:"found"`
}

// AuditReport is the result of an audit: what it found, per model.
type AuditReport struct {
	// From and To are the range audited.
	From     time.Time
	To       time.Time
	Models   []AuditSummary
	Findings []Finding
}

// Drifted reports whether anything is out of sync.
func (r *AuditReport) Drifted() bool { return len(r.Findings) > 0 }

// Repair queues on q the job of every finding that has one, and returns
// how many it queued: the normal flows bring the pairs back in sync. The
// jobs that create a missing record again go first (PriorityHigh), since
// other records may point at it; on a queue that runs jobs at once they may
// still overlap.
func (r *AuditReport) Repair(ctx context.Context, q Enqueuer) (int, error) {
	n := 0
	for _, f := range r.Findings {
		if f.Repair == nil {
			continue
		}
		job := *f.Repair
		if f.Kind == MissingLocal || f.Kind == MissingRemote {
			job.Priority = PriorityHigh
		}
		if _, err := q.Enqueue(ctx, job); err != nil {
			return n, fmt.Errorf("audit repair %s %s: %w", f.Model, f.Kind, err)
		}
		n++
	}
	return n, nil
}

// WriteText prints the findings, each with its fields for a drift, then a
// summary per model and a last line that says whether anything drifted.
func (r *AuditReport) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, f := range r.Findings {
		repair := "no repair: " + f.Reason
		if f.Repair != nil {
			repair = "repair: " + describe(*f.Repair)
		}
		fmt.Fprintf(tw, "%s\t%s\tremote %s\tlocal %s\t%s\n", f.Kind, f.Model, orDash(f.RemoteID), orDash(f.LocalID), repair)
		for _, c := range f.Changes {
			fmt.Fprintf(tw, "\t  %s\t%s → %s\t\t\n", c.Field, short(c.Old), short(c.New))
		}
	}
	tw.Flush()
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "model\tbindings\tremote\tlocal\tmissing\tunbound\tdrift\t")
	for _, s := range r.Models {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t\n", s.Model, s.Bindings, s.Remote, s.Local,
			s.Found[MissingLocal]+s.Found[MissingRemote], s.Found[UnboundRemote]+s.Found[UnboundLocal], s.Found[Drifted])
	}
	tw.Flush()
	var err error
	if r.Drifted() {
		_, err = fmt.Fprintf(w, "drift: %d record pairs out of sync\n", len(r.Findings))
	} else {
		_, err = fmt.Fprintln(w, "in sync: no drift found")
	}
	return err
}

// WriteJSON prints each finding as a JSON line, then the summary of each
// model, then {"drifted": bool}.
func (r *AuditReport) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	for _, f := range r.Findings {
		line := struct {
			Finding
			Repair string `json:"repair,omitempty"`
		}{Finding: f}
		if f.Repair != nil {
			line.Repair = describe(*f.Repair)
		}
		if err := enc.Encode(line); err != nil {
			return err
		}
	}
	for _, s := range r.Models {
		if err := enc.Encode(map[string]any{"summary": s}); err != nil {
			return err
		}
	}
	return enc.Encode(map[string]bool{"drifted": r.Drifted()})
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

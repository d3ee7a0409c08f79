package connector

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Kind says what a job does to its record. The queue treats every kind the
// same way; the kind exists so that a handler (see Mux) can route jobs and so
// that an operator can list, say, every failed export.
type Kind string

// The kinds of job the sync flows queue.
const (
	// KindImport copies one record from the remote system into the local one.
	KindImport Kind = "import"
	// KindExport copies one local record to the remote system.
	KindExport Kind = "export"
	// KindDelete applies a deletion policy to one bound record.
	KindDelete Kind = "delete"
)

// State is where a job stands in its life.
//
//	pending ──▶ running ──▶ done
//	   ▲           │
//	   └─ retry ◀──┴──▶ failed ──(Retry)──▶ pending
//	pending / failed ──(Cancel)──▶ cancelled ──(Retry)──▶ pending
type State string

// The states of a job.
const (
	StatePending   State = "pending"
	StateRunning   State = "running"
	StateDone      State = "done"
	StateFailed    State = "failed"
	StateCancelled State = "cancelled"
)

// States lists every state, in the order of a job's life, for hosts that
// print counts.
var States = []State{StatePending, StateRunning, StateDone, StateFailed, StateCancelled}

// Priorities follow River's convention: a smaller number runs first. The zero
// value of Job.Priority means PriorityNormal.
const (
	PriorityHighest = 1
	PriorityHigh    = 2
	PriorityNormal  = 3
	PriorityLow     = 4
)

// Job is one unit of sync work: bring the record RecordID of Model in sync,
// the way Kind says.
//
// A job asks for a result, not for a change: its handler reads the current
// state of the record when it runs. That is what lets a queue drop a job
// enqueued while an identical one is pending: the pending one will see the
// same state. A job holds only values that can be stored: its arguments are
// JSON, so the same job can live in memory or in a database-backed queue and
// survive a restart there.
type Job struct {
	// ID is given by the queue when the job is enqueued.
	ID int64
	// Kind, Model and RecordID say what the job does to which record.
	Kind     Kind
	Model    string
	RecordID string
	// Args are the job's arguments as JSON; nil means none. Use NewJob or
	// SetArgs to fill them and UnmarshalArgs to read them.
	Args json.RawMessage
	// Priority: PriorityHighest (1) to PriorityLow (4); zero is normal.
	Priority int
	// RunAt is the earliest time the job may start; zero means now.
	RunAt time.Time
	// Key identifies the work: a job enqueued while a pending job has the
	// same key is dropped as a duplicate. Zero means the job's DefaultKey,
	// which holds its arguments too, so that a drop loses nothing the job
	// carries; the queue stores the key it used.
	Key string
	// MaxAttempts overrides the queue's retry policy for this job; zero
	// keeps the policy's.
	MaxAttempts int

	// The fields below are kept by the queue.

	// State is where the job stands.
	State State
	// Attempt counts the attempts made so far that counted against
	// MaxAttempts (see Retryable's NotCounted).
	Attempt int
	// Uncounted counts the attempts that asked not to count; past the
	// retry policy's MaxUncounted they count all the same, so that a job
	// that is always busy ends.
	Uncounted int
	// LastError is the error of the last failed attempt, empty when none.
	LastError string
	// CreatedAt is when the job was first enqueued.
	CreatedAt time.Time
	// FinishedAt is when the job became done, failed or cancelled.
	FinishedAt time.Time
}

// NewJob builds a job of the given kind for one record, with args encoded as
// JSON. args may be nil. It fails when args cannot be encoded, which is how a
// Go value that cannot be stored (a channel, a function) is kept out of a
// queue.
func NewJob(kind Kind, model, recordID string, args any) (Job, error) {
	j := Job{Kind: kind, Model: model, RecordID: recordID}
	if err := j.SetArgs(args); err != nil {
		return Job{}, err
	}
	return j, nil
}

// SetArgs encodes v as the job's arguments.
func (j *Job) SetArgs(v any) error {
	if v == nil {
		j.Args = nil
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("connector: args of %s job for %s %q: %w", j.Kind, j.Model, j.RecordID, err)
	}
	j.Args = b
	return nil
}

// UnmarshalArgs decodes the job's arguments into v. Absent arguments leave v
// untouched.
func (j Job) UnmarshalArgs(v any) error {
	if len(j.Args) == 0 {
		return nil
	}
	if err := json.Unmarshal(j.Args, v); err != nil {
		return fmt.Errorf("connector: args of job %d (%s %s %q): %w", j.ID, j.Kind, j.Model, j.RecordID, err)
	}
	return nil
}

// DefaultKey is the identity key of a job that sets none: its kind, model,
// record and arguments, so that two imports of the same record are one work
// while an import and an export of it, or a forced import and a normal one,
// stay two jobs.
func (j Job) DefaultKey() string {
	k := string(j.Kind) + ":" + j.Model + ":" + j.RecordID
	if len(j.Args) > 0 && string(j.Args) != "null" && string(j.Args) != "{}" {
		k += ":" + string(j.Args)
	}
	return k
}

// IdentityKey is the job's key, or its DefaultKey when it sets none.
func (j Job) IdentityKey() string {
	if j.Key != "" {
		return j.Key
	}
	return j.DefaultKey()
}

// String names the job for logs: no arguments, which may be large.
func (j Job) String() string {
	return fmt.Sprintf("job %d %s %s %q", j.ID, j.Kind, j.Model, j.RecordID)
}

// ErrInvalidJob is wrapped by the error Enqueue returns for a job that can
// never run: no kind, no model, arguments that are not JSON, a priority out
// of range.
var ErrInvalidJob = errors.New("invalid job")

// Validate reports why a job cannot be enqueued, or nil.
func (j Job) Validate() error {
	switch {
	case j.Kind == "":
		return fmt.Errorf("connector: %w: no kind (model %q, record %q)", ErrInvalidJob, j.Model, j.RecordID)
	case j.Model == "":
		return fmt.Errorf("connector: %w: %s job has no model (record %q)", ErrInvalidJob, j.Kind, j.RecordID)
	case j.Priority < 0 || j.Priority > PriorityLow:
		return fmt.Errorf("connector: %w: %s job for %s %q: priority %d is not in 1..%d", ErrInvalidJob, j.Kind, j.Model, j.RecordID, j.Priority, PriorityLow)
	case j.MaxAttempts < 0:
		return fmt.Errorf("connector: %w: %s job for %s %q: negative MaxAttempts", ErrInvalidJob, j.Kind, j.Model, j.RecordID)
	case len(j.Args) > 0 && !json.Valid(j.Args):
		return fmt.Errorf("connector: %w: %s job for %s %q: args are not valid JSON", ErrInvalidJob, j.Kind, j.Model, j.RecordID)
	}
	return nil
}

// priority is the job's priority with the zero value resolved.
func (j Job) priority() int {
	if j.Priority == 0 {
		return PriorityNormal
	}
	return j.Priority
}

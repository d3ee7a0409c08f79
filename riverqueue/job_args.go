package riverqueue

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/qoqasync/qoqasync/connector"
)

// riverKind is the one River job kind of the engine's jobs: connector.Kind is
// open (a backend adds its own), so it travels in the arguments.
const riverKind = "qoqasync"

// jobArgs is a connector.Job as River stores it. Only UniqueKey enters River's
// unique hash.
type jobArgs struct {
	JobKind     connector.Kind  `json:"kind"`
	Model       string          `json:"model"`
	RecordID    string          `json:"record_id"`
	Args        json.RawMessage `json:"args,omitempty"`
	Key         string          `json:"key"`
	MaxAttempts int             `json:"max_attempts,omitempty"`
	// UniqueKey is Key, or Key with the ID of the running job it follows
	// (see Queue.Enqueue).
	UniqueKey string `json:"unique_key" river:"unique"`
}

// Kind implements river.JobArgs.
func (jobArgs) Kind() string { return riverKind }

// bookkeeping is what the queue keeps of a job beyond River's row, in the
// row's output: River counts every attempt since the job was inserted, the
// engine counts since the last re-run.
type bookkeeping struct {
	// AttemptBase and SnoozeBase are River's counts when the job was last
	// re-run (Queue.Retry).
	AttemptBase int `json:"attempt_base,omitempty"`
	SnoozeBase  int `json:"snooze_base,omitempty"`
	// LastError is the error of the last failed attempt, counted or not.
	LastError string `json:"last_error,omitempty"`
}

func readBookkeeping(row *rivertype.JobRow) bookkeeping {
	var b bookkeeping
	if out := row.Output(); len(out) > 0 {
		_ = json.Unmarshal(out, &b) // a row whose output is not ours has no bookkeeping
	}
	return b
}

func snoozes(row *rivertype.JobRow) int {
	var m struct {
		Snoozes int `json:"snoozes"`
	}
	_ = json.Unmarshal(row.Metadata, &m) // River writes it; absent means none
	return m.Snoozes
}

// errNotOurs is returned for a River job of another kind (a periodic task's).
var errNotOurs = errors.New("not a qoqasync job")

// toJob reads a River row as the engine's job.
func toJob(row *rivertype.JobRow) (connector.Job, error) {
	if row.Kind != riverKind {
		return connector.Job{}, errNotOurs
	}
	var a jobArgs
	if err := json.Unmarshal(row.EncodedArgs, &a); err != nil {
		return connector.Job{}, err
	}
	b := readBookkeeping(row)
	j := connector.Job{
		ID: row.ID, Kind: a.JobKind, Model: a.Model, RecordID: a.RecordID, Args: a.Args,
		Priority: row.Priority, RunAt: row.ScheduledAt, Key: a.Key, MaxAttempts: a.MaxAttempts,
		State:     stateOf(row.State),
		Attempt:   max(row.Attempt-b.AttemptBase, 0),
		Uncounted: max(snoozes(row)-b.SnoozeBase, 0),
		LastError: b.LastError,
		CreatedAt: row.CreatedAt,
	}
	if j.State == connector.StateRunning {
		j.Attempt = max(j.Attempt-1, 0) // River counts the attempt under way
	}
	if j.LastError == "" && len(row.Errors) > 0 {
		j.LastError = row.Errors[len(row.Errors)-1].Error
	}
	if row.FinalizedAt != nil {
		j.FinishedAt = *row.FinalizedAt
	}
	return j, nil
}

// stateOf maps River's states on the engine's.
func stateOf(s rivertype.JobState) connector.State {
	switch s {
	case rivertype.JobStateRunning:
		return connector.StateRunning
	case rivertype.JobStateCompleted:
		return connector.StateDone
	case rivertype.JobStateDiscarded:
		return connector.StateFailed
	case rivertype.JobStateCancelled:
		return connector.StateCancelled
	}
	return connector.StatePending // available, scheduled, retryable, pending
}

// riverStates are River's states of one engine state, for lists.
func riverStates(s connector.State) []rivertype.JobState {
	switch s {
	case connector.StateRunning:
		return []rivertype.JobState{rivertype.JobStateRunning}
	case connector.StateDone:
		return []rivertype.JobState{rivertype.JobStateCompleted}
	case connector.StateFailed:
		return []rivertype.JobState{rivertype.JobStateDiscarded}
	case connector.StateCancelled:
		return []rivertype.JobState{rivertype.JobStateCancelled}
	case connector.StatePending:
		return pendingStates
	}
	return nil
}

var pendingStates = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable, rivertype.JobStateScheduled}

// uniqueStates are the states in which a job blocks another with its unique
// key: the pending ones, and running, which River requires.
var uniqueStates = append([]rivertype.JobState{rivertype.JobStateRunning}, pendingStates...)

// soon is River's scheduler interval: a job due within it is inserted
// available (River then honours its time at fetch) instead of scheduled, which
// only the leader's scheduler moves, every 5 seconds.
const soon = 5 * time.Second

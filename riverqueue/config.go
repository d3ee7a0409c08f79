package riverqueue

import (
	"time"

	"github.com/qoqasync/qoqasync/connector"
)

// Config is what a Queue is built from: the engine's queue settings, and the
// few River settings a host may have to tune. Every zero value is usable.
type Config struct {
	// QueueConfig holds the handler (required), the concurrency (zero means
	// 4), the retry policy (zero means connector.DefaultRetryPolicy) and the
	// logger (nil means slog.Default()), as for every connector.Queue.
	connector.QueueConfig

	// Schema is the PostgreSQL schema that holds River's tables; empty means
	// the connection's search_path. SQLite leaves it empty.
	Schema string

	// QueueName is the River queue the jobs go to; empty means "qoqasync".
	// Hosts that share one database between backends give each its own.
	QueueName string

	// FetchCooldown is the least time between two fetches of jobs; zero
	// means River's default (100 ms). Lower it for latency, raise it to
	// spare the database.
	FetchCooldown time.Duration

	// FetchPollInterval is how often a worker looks for due jobs when no
	// notification wakes it (always on SQLite, and for jobs whose RunAt
	// comes); zero means 250 ms, which bounds how late a delayed job or a
	// short retry starts.
	FetchPollInterval time.Duration

	// ID names this process among those sharing the database (leader
	// election, attempts); empty lets River pick a unique one.
	ID string

	// RescueAfter is how long a job may stay running before River's leader
	// takes it for the job of a dead process and runs it again; zero means
	// River's default (an hour). It is also each job's timeout: keep it
	// above the longest job, for a job still running past it is cut short
	// (its context ends) and runs again.
	RescueAfter time.Duration
}

// defaultRescueAfter is RescueAfter's default, River's.
const defaultRescueAfter = time.Hour

func (c Config) rescueAfter() time.Duration {
	if c.RescueAfter > 0 {
		return c.RescueAfter
	}
	return defaultRescueAfter
}

func (c Config) queueName() string {
	if c.QueueName != "" {
		return c.QueueName
	}
	return "qoqasync"
}

func (c Config) fetchPollInterval() time.Duration {
	if c.FetchPollInterval > 0 {
		return c.FetchPollInterval
	}
	return 250 * time.Millisecond
}

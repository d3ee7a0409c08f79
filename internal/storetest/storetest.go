// Package storetest holds the checks that the SQL stores (store/sqlite and
// store/postgres) share beyond bindingtest: that opening a database applies
// the project's migrations and River's, once each, however many processes
// open it at once, and that River can insert a job through the store's
// driver.
package storetest

import (
	"context"
	"database/sql"
	"sync"
	"testing"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// OpenAtOnce calls open from n goroutines at once, as processes starting
// together do, and closes what each opened: every open must succeed.
func OpenAtOnce(t *testing.T, n int, open func() (interface{ Close() error }, error)) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			s, err := open()
			if err == nil {
				err = s.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

// ProjectVersions is what qoqasync_schema_migrations must hold once the
// project's migrations are applied: every version once, in order.
var ProjectVersions = []int{1, 2, 3}

// CheckMigrated checks that db holds every migration once: the project's in
// qoqasync_schema_migrations, River's as rivermigrate reads them.
func CheckMigrated[TTx any](t *testing.T, db *sql.DB, driver riverdriver.Driver[TTx]) {
	t.Helper()
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, `SELECT version FROM qoqasync_schema_migrations ORDER BY version`)
	require.NoError(t, err)
	defer rows.Close()
	var got []int
	for rows.Next() {
		var v int
		require.NoError(t, rows.Scan(&v))
		got = append(got, v)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, ProjectVersions, got)

	m, err := rivermigrate.New(driver, nil)
	require.NoError(t, err)
	res, err := m.Validate(ctx, nil)
	require.NoError(t, err)
	assert.True(t, res.OK, "River's migrations are not all applied: %v", res.Messages)
}

// pingArgs is the job that InsertJob inserts.
type pingArgs struct{}

func (pingArgs) Kind() string { return "qoqasync_storetest_ping" }

// InsertJob inserts a job through a River client on driver, and checks that
// it is in the database: the handle that the store shares is one River
// runs on.
func InsertJob[TTx any](t *testing.T, driver riverdriver.Driver[TTx]) {
	t.Helper()
	ctx := context.Background()
	client, err := river.NewClient(driver, &river.Config{})
	require.NoError(t, err)
	res, err := client.Insert(ctx, pingArgs{}, nil)
	require.NoError(t, err)
	job, err := client.JobGet(ctx, res.Job.ID)
	require.NoError(t, err)
	assert.Equal(t, "qoqasync_storetest_ping", job.Kind)
}

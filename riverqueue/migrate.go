package riverqueue

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivermigrate"
)

// Migrate brings River's tables in the driver's database (in schema, empty
// for the connection's default) to the version this River needs. It is
// idempotent: a store calls it each time it opens its database, so that the
// bindings, the watermarks and the jobs live in one database migrated at
// once.
func Migrate[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], schema string) error {
	// River logs each version it applies; an error is returned, and a
	// host's log has no use for the rest.
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Schema: schema, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("riverqueue: migrate: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("riverqueue: migrate: %w", err)
	}
	return nil
}

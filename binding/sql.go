package binding

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/qoqasync/qoqasync/connector"
)

// Store is a binding store: the bindings and the watermarks of one backend.
type Store interface {
	connector.Binder
	connector.WatermarkStore
	// Close releases the store's connections.
	Close() error
}

// SQL is a Store in a SQL database: SQLite (OpenSQLite) for one process,
// PostgreSQL (OpenPostgres) when several processes share the work. Both use
// the same statements; the dialect holds what differs.
//
// Times are kept to the microsecond.
type SQL struct {
	db      *sql.DB
	d       dialect
	backend string
	// The statements of every sync, prepared once: parsing them on each
	// call costs more than the look-up itself.
	byRemote, byLocal, bind *sql.Stmt
}

var _ Store = (*SQL)(nil)

// dialect is what differs between the SQL databases.
type dialect struct {
	name string
	// migrationLock is run first in the migration transaction.
	migrationLock string
	// isUnique reports a unique constraint violation.
	isUnique func(error) bool
}

func openSQL(ctx context.Context, db *sql.DB, d dialect, backend string) (*SQL, error) {
	if backend == "" {
		db.Close()
		return nil, errors.New("binding: a store needs a backend name")
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("binding: open %s: %w", d.name, err)
	}
	if err := migrate(ctx, db, d); err != nil {
		db.Close()
		return nil, err
	}
	s := &SQL{db: db, d: d, backend: backend}
	for _, p := range []struct {
		stmt  **sql.Stmt
		query string
	}{
		{&s.byRemote, `SELECT ` + bindingColumns + ` FROM qoqasync_bindings WHERE backend = $1 AND model = $2 AND remote_id = $3`},
		{&s.byLocal, `SELECT ` + bindingColumns + ` FROM qoqasync_bindings WHERE backend = $1 AND model = $2 AND local_id = $3`},
		{&s.bind, `
		INSERT INTO qoqasync_bindings (backend, model, remote_id, local_id, synced_at_us, export_hash)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (backend, model, local_id) DO UPDATE
		SET synced_at_us = excluded.synced_at_us, export_hash = excluded.export_hash
		WHERE qoqasync_bindings.remote_id = excluded.remote_id`},
	} {
		var err error
		if *p.stmt, err = db.PrepareContext(ctx, p.query); err != nil {
			db.Close()
			return nil, fmt.Errorf("binding: open %s: prepare: %w", d.name, err)
		}
	}
	return s, nil
}

// Close implements Store.
func (s *SQL) Close() error { return s.db.Close() }

const bindingColumns = `model, remote_id, local_id, synced_at_us, export_hash`

func scanBinding(row interface{ Scan(...any) error }) (connector.Binding, error) {
	var b connector.Binding
	var at int64
	err := row.Scan(&b.Model, &b.RemoteID, &b.LocalID, &at, &b.ExportHash)
	b.SyncedAt = fromMicro(at)
	return b, err
}

func (s *SQL) one(ctx context.Context, stmt *sql.Stmt, what, model, id string) (connector.Binding, error) {
	b, err := scanBinding(stmt.QueryRowContext(ctx, s.backend, model, id))
	if errors.Is(err, sql.ErrNoRows) {
		return connector.Binding{}, fmt.Errorf("%s %s %s: %w", model, what, id, connector.ErrNotBound)
	}
	if err != nil {
		return connector.Binding{}, s.fault(fmt.Errorf("binding: %s %s %s: %w", model, what, id, err))
	}
	return b, nil
}

// ByRemote implements connector.Binder.
func (s *SQL) ByRemote(ctx context.Context, model, remoteID string) (connector.Binding, error) {
	return s.one(ctx, s.byRemote, "remote", model, remoteID)
}

// ByLocal implements connector.Binder.
func (s *SQL) ByLocal(ctx context.Context, model, localID string) (connector.Binding, error) {
	return s.one(ctx, s.byLocal, "local", model, localID)
}

// Bind implements connector.Binder. One statement does it: the insert of a
// new binding, or the update of the same pair; a pair that clashes with
// another binding changes no row (the local side) or breaks the unique
// constraint (the remote side), and both are ErrBindingConflict.
func (s *SQL) Bind(ctx context.Context, b connector.Binding) error {
	if err := Validate(b); err != nil {
		return err
	}
	res, err := s.bind.ExecContext(ctx, s.backend, b.Model, b.RemoteID, b.LocalID, toMicro(b.SyncedAt), b.ExportHash)
	if err != nil && s.d.isUnique(err) {
		return s.conflict(ctx, b)
	}
	if err != nil {
		return s.fault(fmt.Errorf("binding: bind %s remote %s to local %s: %w", b.Model, b.RemoteID, b.LocalID, err))
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return s.conflict(ctx, b)
	}
	return nil
}

// conflict builds the ErrBindingConflict of b, naming the binding it clashes
// with when it can be read.
func (s *SQL) conflict(ctx context.Context, b connector.Binding) error {
	old, err := s.ByRemote(ctx, b.Model, b.RemoteID)
	if err != nil || old.LocalID == b.LocalID {
		old, err = s.ByLocal(ctx, b.Model, b.LocalID)
	}
	if err != nil {
		return fmt.Errorf("bind %s remote %s to local %s: %w", b.Model, b.RemoteID, b.LocalID, connector.ErrBindingConflict)
	}
	return conflict(b, old)
}

// Unbind implements connector.Binder.
func (s *SQL) Unbind(ctx context.Context, model, localID string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM qoqasync_bindings WHERE backend = $1 AND model = $2 AND local_id = $3`, s.backend, model, localID)
	if err != nil {
		return s.fault(fmt.Errorf("binding: unbind %s local %s: %w", model, localID, err))
	}
	return nil
}

// List implements connector.Binder.
func (s *SQL) List(ctx context.Context, model, afterLocalID string, limit int) ([]connector.Binding, error) {
	if limit <= 0 {
		limit = -1
	}
	query := `SELECT ` + bindingColumns + ` FROM qoqasync_bindings
		WHERE backend = $1 AND model = $2 AND local_id > $3 ORDER BY local_id`
	args := []any{s.backend, model, afterLocalID}
	if limit > 0 {
		query += ` LIMIT $4`
		args = append(args, limit)
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, s.fault(fmt.Errorf("binding: list %s: %w", model, err))
	}
	defer rows.Close()
	var out []connector.Binding
	for rows.Next() {
		b, err := scanBinding(rows)
		if err != nil {
			return nil, s.fault(fmt.Errorf("binding: list %s: %w", model, err))
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fault(fmt.Errorf("binding: list %s: %w", model, err))
	}
	return out, nil
}

// Watermark implements connector.WatermarkStore.
func (s *SQL) Watermark(ctx context.Context, name string) (time.Time, error) {
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT at_us FROM qoqasync_watermarks WHERE backend = $1 AND name = $2`, s.backend, name).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, s.fault(fmt.Errorf("binding: watermark %q: %w", name, err))
	}
	return fromMicro(at), nil
}

// SetWatermark implements connector.WatermarkStore.
func (s *SQL) SetWatermark(ctx context.Context, name string, t time.Time) error {
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO qoqasync_watermarks (backend, name, at_us) VALUES ($1, $2, $3)
		ON CONFLICT (backend, name) DO UPDATE SET at_us = excluded.at_us`,
		s.backend, name, toMicro(t))
	if err != nil {
		return s.fault(fmt.Errorf("binding: set watermark %q: %w", name, err))
	}
	return nil
}

// fault marks a database error as retryable: a store that cannot be reached
// or is busy now may answer on the next attempt, and a job must not fail for
// good because of it.
func (s *SQL) fault(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return connector.Retryable(err)
}

func toMicro(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicro(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

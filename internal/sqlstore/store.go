package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
)

// Store is a binding.Store in a SQL database: SQLite (package store/sqlite)
// for one process, PostgreSQL (package store/postgres) when several
// processes share the work. Both use the same statements; the Dialect holds
// what differs.
//
// Times are kept to the microsecond.
type Store struct {
	db      *sql.DB
	d       Dialect
	backend string
	// The statements of every sync, prepared once: parsing them on each
	// call costs more than the look-up itself.
	byRemote, byLocal, bind *sql.Stmt
}

var _ binding.Store = (*Store)(nil)

// Dialect is what differs between the SQL databases.
type Dialect struct {
	// Name is the dialect's name, also the directory of its migrations.
	Name string
	// MigrationLock is run first in the migration transaction, so that
	// processes migrating one database at once take turns; empty where the
	// transaction itself excludes the others (SQLite's immediate ones).
	MigrationLock string
	// IsUnique reports a unique constraint violation.
	IsUnique func(error) bool
}

// Open applies the project's migrations to db and returns the store of
// backend in it. The caller keeps db: Close releases the store's prepared
// statements and leaves db open, for the other users of the same database
// (River's jobs).
func Open(ctx context.Context, db *sql.DB, d Dialect, backend string) (*Store, error) {
	if backend == "" {
		return nil, errors.New("binding: a store needs a backend name")
	}
	if err := db.PingContext(ctx); err != nil {
		return nil, fmt.Errorf("binding: open %s: %w", d.Name, err)
	}
	if err := Migrate(ctx, db, d); err != nil {
		return nil, err
	}
	s := &Store{db: db, d: d, backend: backend}
	for _, p := range []struct {
		stmt  **sql.Stmt
		query string
	}{
		{&s.byRemote, `SELECT ` + bindingColumns + ` FROM qoqasync_bindings WHERE backend = $1 AND model = $2 AND remote_id = $3`},
		{&s.byLocal, `SELECT ` + bindingColumns + ` FROM qoqasync_bindings WHERE backend = $1 AND model = $2 AND local_id = $3`},
		{&s.bind, `
		INSERT INTO qoqasync_bindings (backend, ` + bindingColumns + `)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT (backend, model, local_id) DO UPDATE
		SET synced_at_us = excluded.synced_at_us, export_hash = excluded.export_hash,
			remote_version_us = excluded.remote_version_us, local_version_us = excluded.local_version_us,
			remote_hash = excluded.remote_hash, local_hash = excluded.local_hash,
			import_hash = excluded.import_hash, remote_state = excluded.remote_state,
			generation = excluded.generation, writing = excluded.writing
		WHERE qoqasync_bindings.remote_id = excluded.remote_id`},
	} {
		var err error
		if *p.stmt, err = db.PrepareContext(ctx, p.query); err != nil {
			s.Close()
			return nil, fmt.Errorf("binding: open %s: prepare: %w", d.Name, err)
		}
	}
	return s, nil
}

// Close implements binding.Store: it releases the prepared statements; the
// database stays open for its owner to close.
func (s *Store) Close() error {
	var errs []error
	for _, st := range []*sql.Stmt{s.byRemote, s.byLocal, s.bind} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}

const bindingColumns = `model, remote_id, local_id, synced_at_us, export_hash,
	remote_version_us, local_version_us, remote_hash, local_hash, import_hash, remote_state, generation, writing`

func scanBinding(row interface{ Scan(...any) error }) (connector.Binding, error) {
	var b connector.Binding
	var at int64
	var remoteVersion, localVersion sql.NullInt64
	var state, writing string
	err := row.Scan(&b.Model, &b.RemoteID, &b.LocalID, &at, &b.ExportHash,
		&remoteVersion, &localVersion, &b.RemoteHash, &b.LocalHash, &b.ImportHash, &state, &b.Generation, &writing)
	b.SyncedAt = fromMicro(at)
	b.RemoteVersion, b.LocalVersion = fromNullMicro(remoteVersion), fromNullMicro(localVersion)
	b.RemoteState, b.Writing = connector.RemoteState(state), connector.Direction(writing)
	return b, err
}

// bindingArgs are the values of the bind statement's parameters.
func (s *Store) bindingArgs(b connector.Binding) []any {
	return []any{s.backend, b.Model, b.RemoteID, b.LocalID, toMicro(b.SyncedAt), b.ExportHash,
		toNullMicro(b.RemoteVersion), toNullMicro(b.LocalVersion), b.RemoteHash, b.LocalHash, b.ImportHash, string(b.RemoteState), b.Generation,
		string(b.Writing)}
}

func (s *Store) one(ctx context.Context, stmt *sql.Stmt, what, model, id string) (connector.Binding, error) {
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
func (s *Store) ByRemote(ctx context.Context, model, remoteID string) (connector.Binding, error) {
	return s.one(ctx, s.byRemote, "remote", model, remoteID)
}

// ByLocal implements connector.Binder.
func (s *Store) ByLocal(ctx context.Context, model, localID string) (connector.Binding, error) {
	return s.one(ctx, s.byLocal, "local", model, localID)
}

// Bind implements connector.Binder. One statement does it: the insert of a
// new binding, or the update of the same pair; a pair that clashes with
// another binding changes no row (the local side) or breaks the unique
// constraint (the remote side), and both are ErrBindingConflict.
func (s *Store) Bind(ctx context.Context, b connector.Binding) error {
	if err := binding.Validate(b); err != nil {
		return err
	}
	return s.bindWith(ctx, s.bind, b)
}

// bindWith runs the bind statement (prepared on the store, or on a
// transaction) for b.
func (s *Store) bindWith(ctx context.Context, stmt *sql.Stmt, b connector.Binding) error {
	res, err := stmt.ExecContext(ctx, s.bindingArgs(b)...)
	if err != nil && s.d.IsUnique(err) {
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

// Rebind implements connector.Binder: the old binding is deleted and the new
// one stored in one transaction.
func (s *Store) Rebind(ctx context.Context, old, b connector.Binding) error {
	if err := binding.ValidateRebind(old, b); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.fault(fmt.Errorf("binding: rebind %s local %s: %w", b.Model, b.LocalID, err))
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM qoqasync_bindings WHERE backend = $1 AND model = $2 AND local_id = $3 AND remote_id = $4`,
		s.backend, old.Model, old.LocalID, old.RemoteID)
	if err != nil {
		return s.fault(fmt.Errorf("binding: rebind %s local %s: %w", b.Model, b.LocalID, err))
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("rebind %s remote %s to local %s: the binding of remote %s to local %s is gone: %w",
			b.Model, b.RemoteID, b.LocalID, old.RemoteID, old.LocalID, connector.ErrBindingConflict)
	}
	if err := s.bindWith(ctx, tx.StmtContext(ctx, s.bind), b); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return s.fault(fmt.Errorf("binding: rebind %s local %s: %w", b.Model, b.LocalID, err))
	}
	return nil
}

// conflict builds the ErrBindingConflict of b, naming the binding it clashes
// with when it can be read.
func (s *Store) conflict(ctx context.Context, b connector.Binding) error {
	old, err := s.ByRemote(ctx, b.Model, b.RemoteID)
	if err != nil || old.LocalID == b.LocalID {
		old, err = s.ByLocal(ctx, b.Model, b.LocalID)
	}
	if err != nil {
		return fmt.Errorf("bind %s remote %s to local %s: %w", b.Model, b.RemoteID, b.LocalID, connector.ErrBindingConflict)
	}
	return binding.Conflict(b, old)
}

// Unbind implements connector.Binder.
func (s *Store) Unbind(ctx context.Context, model, localID string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM qoqasync_bindings WHERE backend = $1 AND model = $2 AND local_id = $3`, s.backend, model, localID)
	if err != nil {
		return s.fault(fmt.Errorf("binding: unbind %s local %s: %w", model, localID, err))
	}
	return nil
}

// List implements connector.Binder.
func (s *Store) List(ctx context.Context, model, afterLocalID string, limit int) ([]connector.Binding, error) {
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
func (s *Store) Watermark(ctx context.Context, name string) (time.Time, bool, error) {
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT at_us FROM qoqasync_watermarks WHERE backend = $1 AND name = $2`, s.backend, name).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, s.fault(fmt.Errorf("binding: watermark %q: %w", name, err))
	}
	return time.UnixMicro(at).UTC(), true, nil
}

// SetWatermark implements connector.WatermarkStore.
func (s *Store) SetWatermark(ctx context.Context, name string, t time.Time) error {
	_, err := s.db.ExecContext(ctx, `
		INSERT INTO qoqasync_watermarks (backend, name, at_us) VALUES ($1, $2, $3)
		ON CONFLICT (backend, name) DO UPDATE SET at_us = excluded.at_us`,
		s.backend, name, t.UnixMicro())
	if err != nil {
		return s.fault(fmt.Errorf("binding: set watermark %q: %w", name, err))
	}
	return nil
}

// fault marks a database error as retryable: a store that cannot be reached
// or is busy now may answer on the next attempt, and a job must not fail for
// good because of it.
func (s *Store) fault(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return connector.Retryable(err)
}

// toMicro and fromMicro keep SyncedAt, where the zero time is 0.
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

// toNullMicro and fromNullMicro keep the versions, where NULL is unknown:
// a version at the epoch stays the epoch.
func toNullMicro(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: t.UnixMicro(), Valid: true}
}

func fromNullMicro(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64).UTC()
}

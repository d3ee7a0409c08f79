package sqlstore_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/connector/connectortest"
	"github.com/qoqasync/qoqasync/internal/pgtest"
	"github.com/qoqasync/qoqasync/store/postgres"
	"github.com/qoqasync/qoqasync/store/sqlite"
)

// Review of issue 9: the migration of existing rows.
//
// Before issue 9, an import kept the binding's export_hash as it was (the
// stale hash that issue 9's third case is about: export A, import B from
// QoQa, set the record back to A in OpenERP, and A is never exported).
// Migration 0002 keeps those stale hashes, and the new ExportFlow still
// trusts export_hash to mean "the remote record already has these values".
// So every binding whose last sync before the upgrade was an import carries
// the old bug across the upgrade: the OpenERP record set back to what was
// exported before is judged in sync and never exported.
func TestReviewMigratedStaleExportHashDoesNotHideAChange(t *testing.T) {
	t.Parallel()
	stores := map[string]func(t *testing.T) (db *sql.DB, open func() (binding.Store, error)){
		"sqlite": func(t *testing.T) (*sql.DB, func() (binding.Store, error)) {
			path := filepath.Join(t.TempDir(), "bindings.db")
			db, err := sql.Open("sqlite", "file:"+path)
			require.NoError(t, err)
			return db, func() (binding.Store, error) { return sqlite.Open(context.Background(), path, "shop") }
		},
		"postgres": func(t *testing.T) (*sql.DB, func() (binding.Store, error)) {
			dsn := pgtest.Schema(t)
			db, err := sql.Open("pgx", dsn)
			require.NoError(t, err)
			return db, func() (binding.Store, error) { return postgres.Open(context.Background(), dsn, "shop") }
		},
	}
	for name, mk := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			remote := &connectortest.Adapter{Name: "qoqa product", Idempotent: true}
			local := &connectortest.Adapter{Name: "product.template", PartialUpdate: true}
			exportMapping := connector.Mapping{Model: "product", Rules: []connector.Rule{
				connector.Field("name", "name"),
				connector.Field("list_price", "price", connector.AmountToCents),
			}}

			// Before the upgrade: A was exported, then B imported from QoQa;
			// the old import left export_hash at A's payload.
			localID := local.Put(connector.Record{Fields: map[string]any{"name": "B", "list_price": 1.0}})
			remoteID := remote.Put(connector.Record{Fields: map[string]any{"name": "B", "price": 100}})
			staleHash, err := connector.HashFields(map[string]any{"name": "A", "price": int64(100)})
			require.NoError(t, err)

			db, open := mk(t)
			// The schema as version 1 left it (0001_bindings.sql, unchanged
			// since), and the row the old code wrote.
			for _, stmt := range []string{
				`CREATE TABLE qoqasync_schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`,
				`INSERT INTO qoqasync_schema_migrations (version, name) VALUES (1, '0001_bindings.sql')`,
				`CREATE TABLE qoqasync_bindings (
					backend TEXT NOT NULL, model TEXT NOT NULL, remote_id TEXT NOT NULL, local_id TEXT NOT NULL,
					synced_at_us BIGINT NOT NULL DEFAULT 0, export_hash TEXT NOT NULL DEFAULT '',
					PRIMARY KEY (backend, model, local_id), UNIQUE (backend, model, remote_id))`,
				`CREATE TABLE qoqasync_watermarks (backend TEXT NOT NULL, name TEXT NOT NULL, at_us BIGINT NOT NULL, PRIMARY KEY (backend, name))`,
			} {
				_, err := db.ExecContext(ctx, stmt)
				require.NoError(t, err, stmt)
			}
			_, err = db.ExecContext(ctx, `INSERT INTO qoqasync_bindings (backend, model, remote_id, local_id, synced_at_us, export_hash) VALUES ($1, $2, $3, $4, $5, $6)`,
				"shop", "product", remoteID, localID, time.Now().UnixMicro(), staleHash)
			require.NoError(t, err)
			require.NoError(t, db.Close())

			// The upgrade.
			store, err := open()
			require.NoError(t, err)
			defer store.Close()

			// After it: the OpenERP record is set back to A.
			local.Put(connector.Record{ID: localID, Fields: map[string]any{"name": "A", "list_price": 1.0}})
			exp := &connector.ExportFlow{Model: "product", Local: local, Remote: remote, Binder: store, Mapper: exportMapping, TwoWay: true, Locker: &connector.KeyLock{}}
			err = exp.Export(ctx, localID, connector.ExportOptions{})
			rec, _ := remote.Get(remoteID)
			assert.Equal(t, "A", rec.Fields["name"], "the OpenERP change was judged in sync by a pre-upgrade export hash (export: %v)", err)
		})
	}
}

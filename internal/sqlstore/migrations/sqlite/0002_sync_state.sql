-- What each side looked like at the last sync, so that the flows tell a
-- change by its content, never by a clock: each side's own version (Unix
-- microseconds, UTC; NULL when unknown) and content hash, the hash of the
-- values last imported (export_hash holds those last exported), what the
-- deletion policy did to the remote record, and how many remote records were
-- created for the local one (the generation of the create's reference).
ALTER TABLE qoqasync_bindings ADD COLUMN remote_version_us INTEGER;
ALTER TABLE qoqasync_bindings ADD COLUMN local_version_us INTEGER;
ALTER TABLE qoqasync_bindings ADD COLUMN remote_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE qoqasync_bindings ADD COLUMN local_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE qoqasync_bindings ADD COLUMN import_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE qoqasync_bindings ADD COLUMN remote_state TEXT NOT NULL DEFAULT '';
ALTER TABLE qoqasync_bindings ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;

-- The direction of a write under way on a pair ('import', 'export' or ''):
-- set before a flow writes and cleared when it records the sync, so that the
-- other direction does not take that write for a change.
ALTER TABLE qoqasync_bindings ADD COLUMN writing TEXT NOT NULL DEFAULT '';

-- Before 0002, an import left export_hash as it was, so it may name values
-- that QoQa no longer holds, and an export that maps to them again would be
-- skipped. Forgetting them costs one idempotent update per record.
UPDATE qoqasync_bindings SET export_hash = '';

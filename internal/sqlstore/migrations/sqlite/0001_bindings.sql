-- Bindings tie a remote (QoQa) record to a local (OpenERP) one, unique both
-- ways per backend and model. Times are Unix microseconds, UTC.
CREATE TABLE qoqasync_bindings (
	backend      TEXT    NOT NULL,
	model        TEXT    NOT NULL,
	remote_id    TEXT    NOT NULL,
	local_id     TEXT    NOT NULL,
	synced_at_us INTEGER NOT NULL DEFAULT 0,
	export_hash  TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (backend, model, local_id),
	UNIQUE (backend, model, remote_id)
);

CREATE TABLE qoqasync_watermarks (
	backend TEXT    NOT NULL,
	name    TEXT    NOT NULL,
	at_us   INTEGER NOT NULL,
	PRIMARY KEY (backend, name)
);

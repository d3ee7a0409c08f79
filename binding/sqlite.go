package binding

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// OpenSQLite opens (creating it if need be) the store of backend in the
// SQLite file at path: the default store of a single process. It uses
// modernc.org/sqlite, pure Go, so that a host builds without cgo.
//
// The file runs in WAL mode, with a busy timeout, and every transaction
// takes the write lock at its start, so that two processes opening the same
// file wait for each other instead of failing.
func OpenSQLite(ctx context.Context, path, backend string) (*SQL, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "cache_size(-65536)") // 64 MiB: a million bindings stay in memory
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	// A new file's first connections switch it to WAL, which takes the
	// file's lock without waiting on the busy timeout: a process opening
	// it at the same moment is told SQLITE_BUSY, and tries again.
	for wait := 10 * time.Millisecond; ; wait *= 2 {
		err := db.PingContext(ctx)
		if err == nil || !sqliteBusy(err) || wait > 2*time.Second {
			break
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			db.Close()
			return nil, ctx.Err()
		}
	}
	return openSQL(ctx, db, dialect{name: "sqlite", isUnique: sqliteUnique}, backend)
}

func sqliteBusy(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_BUSY
}

func sqliteUnique(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

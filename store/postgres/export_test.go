package postgres

// LockID is lockID, for the tests that find a lock's holder in pg_locks.
var LockID = lockID

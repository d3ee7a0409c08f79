package connector

import (
	"context"
	"errors"
	"fmt"
)

// DeletePolicy says what a local deletion (or archiving) does to the remote
// record of a model.
type DeletePolicy string

// The deletion policies.
const (
	// DeleteRemote deletes the remote record.
	DeleteRemote DeletePolicy = "delete"
	// ArchiveRemote archives the remote record (the adapter must be an
	// Archiver).
	ArchiveRemote DeletePolicy = "archive"
	// IgnoreDelete leaves the remote record as it is.
	IgnoreDelete DeletePolicy = "ignore"
)

// DeleteFlow applies a model's deletion policy to the remote record bound to
// a local record that was deleted or archived.
//
// When the local record still exists, archived, its binding is kept, so
// that reactivating it exports it again to the same remote record; when it is
// gone, the binding goes too.
//
// It is a Handler of KindDelete jobs whose RecordID is the local ID.
type DeleteFlow struct {
	Model string
	// Local tells a deleted record from an archived or reactivated one;
	// nil takes every record as deleted.
	Local  Adapter
	Remote Adapter
	Binder Binder
	Policy DeletePolicy
}

// Work implements Handler.
func (f *DeleteFlow) Work(ctx context.Context, job Job) error {
	return f.Delete(ctx, job.RecordID)
}

// Delete applies the policy to the remote record bound to localID.
func (f *DeleteFlow) Delete(ctx context.Context, localID string) error {
	b, bound, err := lookup(f.Binder.ByLocal(ctx, f.Model, localID))
	if err != nil {
		return fmt.Errorf("delete %s %s: %w", f.Model, localID, err)
	}
	if !bound {
		return NothingToDo("%s %s is not bound to a remote record", f.Model, localID)
	}
	archived, err := f.archived(ctx, localID)
	if err != nil {
		return err
	}
	switch f.Policy {
	case DeleteRemote:
		err = f.Remote.Delete(ctx, b.RemoteID)
	case ArchiveRemote:
		archiver, ok := f.Remote.(Archiver)
		if !ok {
			return Permanent(fmt.Errorf("delete %s %s: the policy archives, but the remote adapter cannot archive", f.Model, localID))
		}
		err = archiver.Archive(ctx, b.RemoteID)
	case IgnoreDelete, "":
	default:
		return Permanent(fmt.Errorf("delete %s %s: unknown deletion policy %q", f.Model, localID, f.Policy))
	}
	if err != nil && !errors.Is(err, ErrNotFound) { // already gone is done
		return fmt.Errorf("delete %s %s: %s remote %s: %w", f.Model, localID, f.Policy, b.RemoteID, err)
	}
	if archived && f.Policy != DeleteRemote {
		return nil
	}
	if err := f.Binder.Unbind(ctx, f.Model, localID); err != nil {
		return fmt.Errorf("delete %s %s: unbind: %w", f.Model, localID, err)
	}
	return nil
}

// archived reports whether the local record still exists (archived), or
// stops the job when it is active again.
func (f *DeleteFlow) archived(ctx context.Context, localID string) (bool, error) {
	if f.Local == nil {
		return false, nil
	}
	if checker, ok := f.Local.(ActiveChecker); ok {
		active, err := checker.Active(ctx, []string{localID})
		if err != nil {
			return false, fmt.Errorf("delete %s %s: check record: %w", f.Model, localID, err)
		}
		if active[localID] {
			return false, NothingToDo("%s %s is active again", f.Model, localID)
		}
	}
	_, err := f.Local.Read(ctx, localID)
	switch {
	case errors.Is(err, ErrNotFound):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("delete %s %s: read: %w", f.Model, localID, err)
	}
	return true, nil
}

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

// Keeper names why the remote record of the pair b must be kept whatever
// the deletion policy says, or returns "" to let the policy apply. It exists
// for records the local side never owned: a product of QoQa's history, which
// an import brought into OpenERP so that past orders land complete, is not
// OpenERP's to delete or archive on QoQa when someone tidies the catalogue.
type Keeper func(b Binding) (reason string)

// DeleteFlow applies a model's deletion policy to the remote record bound to
// a local record that was deleted or archived.
//
// When the local record still exists, archived, its binding is kept and
// remembers what the policy did (Binding.RemoteState), so that the poller
// queues the deletion once and reactivating the record exports it again
// (creating the remote record anew if it was deleted); when the local record
// is gone, the binding goes too.
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
	// Keep, when set, keeps the remote records it names whatever Policy
	// says; nil applies Policy to every pair.
	Keep Keeper
	// Locker keeps the import, export and delete of one record pair from
	// running at once; nil means one lock for the whole process.
	Locker Locker
	// Tally, when set, counts what the flow did, for a host's summary.
	Tally *Tally
}

// Work implements Handler.
func (f *DeleteFlow) Work(ctx context.Context, job Job) error {
	err := f.Delete(ctx, job.RecordID)
	if err == nil {
		f.Tally.add(KindDelete, f.Model, func(c *TallyCounts) { c.Deleted++ })
	}
	return f.Tally.ended(KindDelete, f.Model, err)
}

// Delete applies the policy to the remote record bound to localID.
func (f *DeleteFlow) Delete(ctx context.Context, localID string) error {
	ctx, unlock, b, bound, err := lockLocal(ctx, f.Locker, f.Binder, f.Model, localID, "delete")
	if err != nil {
		return err
	}
	defer unlock()
	if !bound {
		return NothingToDo("%s %s is not bound to a remote record", f.Model, localID)
	}
	gone := true
	if f.Local != nil {
		rec, err := f.Local.Read(ctx, localID)
		switch {
		case errors.Is(err, ErrNotFound):
		case err != nil:
			return fmt.Errorf("delete %s %s: read: %w", f.Model, localID, err)
		case !rec.Archived:
			return NothingToDo("%s %s is active again", f.Model, localID)
		default:
			gone = false
		}
	}
	return retire(ctx, f.Remote, f.Binder, f.Policy, f.Keep, b, gone)
}

// retire applies policy to the remote record of b, whose local record is
// deleted (gone) or archived: the delete flow's work, which the export flow
// also does when it finds its record archived. The caller holds the pair's
// lock.
func retire(ctx context.Context, remote Adapter, binder Binder, policy DeletePolicy, keep Keeper, b Binding, gone bool) error {
	if !gone && b.RemoteState != RemoteLive {
		return NothingToDo("%s %s is archived and its remote record %s already %s", b.Model, b.LocalID, b.RemoteID, b.RemoteState)
	}
	if reason := keepReason(keep, b); reason != "" {
		if gone {
			// The pair is no more: a later import of the remote record
			// creates its local record again.
			if err := binder.Unbind(ctx, b.Model, b.LocalID); err != nil {
				return fmt.Errorf("delete %s %s: unbind: %w", b.Model, b.LocalID, err)
			}
		}
		return NothingToDo("%s %s is retired locally; remote %s is kept: %s", b.Model, b.LocalID, b.RemoteID, reason)
	}
	var state RemoteState
	var err error
	switch policy {
	case DeleteRemote:
		state = RemoteDeleted
		if b.RemoteState != RemoteDeleted {
			err = remote.Delete(ctx, b.RemoteID)
		}
	case ArchiveRemote:
		state = RemoteArchived
		archiver, ok := remote.(Archiver)
		if !ok {
			return Permanent(fmt.Errorf("delete %s %s: the policy archives, but the remote adapter cannot archive", b.Model, b.LocalID))
		}
		if b.RemoteState != RemoteArchived && b.RemoteState != RemoteDeleted {
			err = archiver.Archive(ctx, b.RemoteID)
		}
	case IgnoreDelete, "":
		state = RemoteKept
	default:
		return Permanent(fmt.Errorf("delete %s %s: unknown deletion policy %q", b.Model, b.LocalID, policy))
	}
	if errors.Is(err, ErrNotFound) { // already gone is done
		state, err = RemoteDeleted, nil
	}
	if err != nil {
		return fmt.Errorf("delete %s %s: %s remote %s: %w", b.Model, b.LocalID, policy, b.RemoteID, err)
	}
	if gone {
		if err := binder.Unbind(ctx, b.Model, b.LocalID); err != nil {
			return fmt.Errorf("delete %s %s: unbind: %w", b.Model, b.LocalID, err)
		}
		return nil
	}
	if state == RemoteDeleted && b.RemoteState != RemoteDeleted {
		// A record created again later must not replay this one's create.
		b.Generation++
	}
	// The policy supersedes a write left under way: reactivating the
	// record exports it in full.
	b.RemoteState, b.Writing = state, ""
	if err := binder.Bind(ctx, b); err != nil {
		return bindFailure(fmt.Errorf("delete %s %s: %w", b.Model, b.LocalID, err))
	}
	return nil
}

// keepReason is keep's reason to keep the remote record of b, "" when keep
// is nil.
func keepReason(keep Keeper, b Binding) string {
	if keep == nil {
		return ""
	}
	return keep(b)
}

package connector

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// This file holds what the import, export and delete flows share.

// Dependency is a record that must be imported (or exported) before the one
// at hand, because the latter points at it.
type Dependency struct {
	Model string
	ID    string
	// Always syncs it even when it is already bound (a customer whose
	// addresses an order needs up to date).
	Always bool
}

// MissingPolicy says what a flow does when the record a binding points at
// on the other side was deleted there.
type MissingPolicy string

// The missing-record policies.
const (
	// RecreateMissing creates the record again and binds the new one; it
	// is the default.
	RecreateMissing MissingPolicy = "recreate"
	// FailMissing fails the job, naming the model and both IDs, for an
	// operator to decide.
	FailMissing MissingPolicy = "fail"
)

// Ref is the reference under which a flow creates the record of model and
// id on the other side: stable across retries, so that a retried create
// finds the first one's result (see Adapter.Create). generation counts the
// records created for id before (see Binding.Generation): a record created
// again gets a new reference.
func Ref(model, id string, generation int) string {
	if generation > 0 {
		return model + "/" + id + "@" + strconv.Itoa(generation)
	}
	return model + "/" + id
}

// ParseRef reads a reference made by Ref; ok is false for any other text.
func ParseRef(ref string) (model, id string, generation int, ok bool) {
	model, id, ok = strings.Cut(ref, "/")
	if !ok || model == "" || id == "" {
		return "", "", 0, false
	}
	if i := strings.LastIndexByte(id, '@'); i >= 0 {
		g, err := strconv.Atoi(id[i+1:])
		if err != nil || g <= 0 {
			return "", "", 0, false
		}
		id, generation = id[:i], g
	}
	return model, id, generation, true
}

// HashFields identifies a record's content or a payload: JSON sorts map keys,
// so equal values hash alike whatever their order. The flows compare these
// hashes, not clocks, to tell whether a record changed.
func HashFields(fields map[string]any) (string, error) {
	b, err := json.Marshal(fields)
	if err != nil {
		return "", fmt.Errorf("values cannot be encoded: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16]), nil
}

// lookup turns ErrNotBound into a flag.
func lookup(b Binding, err error) (Binding, bool, error) {
	if errors.Is(err, ErrNotBound) {
		return Binding{}, false, nil
	}
	if err != nil {
		return Binding{}, false, err
	}
	return b, true, nil
}

// mapValues is where both flows map a record: it runs the mapper, then
// checks what it made (CheckText, under the cap maxText), so that a value
// no system should get fails the job, naming the model, the record and the
// field, before anything is written. job names the sync in errors.
func mapValues(ctx context.Context, m Mapper, mc *MapContext, maxText int, job string) (map[string]any, error) {
	values, err := m.Map(ctx, mc)
	if err == nil {
		err = CheckText(mc, values, maxText)
	}
	if err != nil {
		return nil, mappingFailure(job, err)
	}
	return values, nil
}

// mappingFailure fails the job for good on bad data (retrying maps it the
// same way) unless the cause is a passing one. The message starts with the
// job's own sync (what names the record the operator fixes), since the
// MappingError inside may name a child (an offer's position).
func mappingFailure(job string, err error) error {
	err = fmt.Errorf("%s: %w", job, err)
	if IsRetryable(err) || IsPermanent(err) {
		return err
	}
	return Permanent(err)
}

// bindFailure retries a job whose binding lost a race: the retry reads the
// winner's binding.
func bindFailure(err error) error {
	if errors.Is(err, ErrBindingConflict) {
		return Retryable(err)
	}
	return err
}

// settled reports whether the bound pair b needs no sync of direction dir
// as a dependency: its remote record exists, and no write of dir is still
// marked under way. A pair left half-synced by a stopped attempt is synced
// again, or nothing would finish it. dir "" ignores the write mark (an
// export's dependency under way is the caller's own chain).
func settled(b Binding, dir Direction) bool {
	return b.RemoteState != RemoteDeleted && (dir == "" || b.Writing != dir)
}

// syncDependencies syncs, one after the other, the dependencies that are not
// bound to a live record yet (or that ask to be synced always); byID is the
// binder's look-up on the dependency's side. A binding whose remote record
// the deletion policy removed counts as unbound: the dependency's sync
// creates it again before the record that points at it is sent. A pair
// whose write of direction dir is still marked under way counts as unbound
// too; the exports give no direction, as a pair they find under way is
// the one a caller up their own chain is exporting.
func syncDependencies(ctx context.Context, deps []Dependency, dir Direction,
	byID func(ctx context.Context, model, id string) (Binding, error),
	sync func(ctx context.Context, model, id string, always bool) error) error {
	for _, d := range deps {
		if !d.Always {
			b, bound, err := lookup(byID(ctx, d.Model, d.ID))
			if err != nil {
				return fmt.Errorf("dependency %s %s: %w", d.Model, d.ID, err)
			}
			if bound && settled(b, dir) {
				continue
			}
		}
		err := sync(ctx, d.Model, d.ID, d.Always)
		var nothing *NothingToDoError
		if err != nil && !errors.As(err, &nothing) {
			return fmt.Errorf("dependency %s %s: %w", d.Model, d.ID, err)
		}
	}
	return nil
}

// now reads clock, or time.Now when nil, in UTC.
func now(clock func() time.Time) time.Time {
	if clock != nil {
		return clock().UTC()
	}
	return time.Now().UTC()
}

// refused clears the write mark of b when err, the failure of the write,
// is permanent (the other side refused the values: a validation error): no
// write is under way then, and the other direction must not wait for one.
// A write that may have been made (a lost answer) keeps its mark for the
// retry. It returns err.
func refused(ctx context.Context, binder Binder, b Binding, err error) error {
	if !IsPermanent(err) || b.Writing == "" {
		return err
	}
	b.Writing = ""
	if bindErr := binder.Bind(ctx, b); bindErr != nil {
		return errors.Join(err, fmt.Errorf("clear the write mark: %w", bindErr))
	}
	return err
}

// waitForWrite is the error of a sync that finds the other direction's
// write under way on its pair (Binding.Writing): it waits, without counting
// the attempt, for that write to be recorded.
func waitForWrite(b Binding, job string) error {
	return Retryable(fmt.Errorf("%s: the %s of %s remote %s / local %s is under way: %w",
		job, b.Writing, b.Model, b.RemoteID, b.LocalID, &BusyError{Key: remoteKey(b.Model, b.RemoteID), Job: job}),
		NotCounted(), After(busyRetry))
}

// lockCreate takes, for a model synced both ways, the per-model lock under
// which the import and the export create record pairs, then checks with
// bound that the pair is still unbound: the other direction may have bound
// it while this flow waited. A model synced one way takes no lock. What it
// keeps apart is an import's create from an export's (see SharedLocker and
// lockCreates).
func lockCreate(ctx context.Context, l Locker, twoWay bool, kind Kind, model, job string, bound func(context.Context) (bool, error)) (context.Context, func(), error) {
	if !twoWay {
		return ctx, func() {}, nil
	}
	ctx, unlock, err := lockCreates(ctx, lockerOr(l), kind, model, job)
	if err != nil {
		return nil, nil, err
	}
	if bound == nil {
		return ctx, unlock, nil
	}
	isBound, err := bound(ctx)
	if err == nil && isBound {
		err = Retryable(fmt.Errorf("%s: the pair was bound while this sync waited to create it", job), NotCounted(), After(time.Millisecond))
	}
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return ctx, unlock, nil
}

// readBack reads a record just written, for the version and the hash of what
// the written side now holds: what the flow of the other direction compares
// with, so that it does not send the write back (no echo).
func readBack(ctx context.Context, a Adapter, id string) (time.Time, string, error) {
	rec, err := a.Read(ctx, id)
	if err != nil {
		return time.Time{}, "", err
	}
	h, err := HashFields(rec.Fields)
	if err != nil {
		return time.Time{}, "", err
	}
	return rec.UpdatedAt, h, nil
}

package qoqa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"time"
)

// MaxSearchWindow is the longest range one search may cover. QoQa answers a
// search without paging, and a longer range makes its server run out of
// memory, so a client cuts a range into windows of at most this size.
const MaxSearchWindow = 7 * 24 * time.Hour

// SearchTimeLayout is how a search's timestamp_from and timestamp_to are
// written, in UTC: QoQa counts updated_at to the second.
const SearchTimeLayout = "2006-01-02 15:04:05"

// Windows cuts [from, to) into consecutive windows of at most
// MaxSearchWindow, in time order, without gaps or overlaps. Both ends are
// taken in UTC and cut to the second, QoQa's resolution, so that a window
// means exactly what its search asks for; an empty range, or one whose end
// is not after its start, has no window.
//
// It is the one place where a range is cut for QoQa: Search uses it, and so
// must a caller that searches window by window (to keep a watermark per
// window, for instance).
func Windows(from, to time.Time) iter.Seq2[time.Time, time.Time] {
	from, to = from.UTC().Truncate(time.Second), to.UTC().Truncate(time.Second)
	return func(yield func(time.Time, time.Time) bool) {
		for start := from; start.Before(to); {
			end := start.Add(MaxSearchWindow)
			if end.After(to) {
				end = to
			}
			if !yield(start, end) {
				return
			}
			start = end
		}
	}
}

// Search yields the IDs of the records whose updated_at is in [from, to). A
// zero to searches up to QoQa's now: the last window is asked without an
// end, so this host's clock does not bound it. A zero from, or a to before
// from, is an error.
//
// The range is searched in the windows of Windows, one after the other, and
// each answer is decoded as it arrives: no list of IDs is gathered in
// memory. So IDs ascend within each window, and a record whose updated_at
// falls in a later window comes later even when its ID is smaller; a record
// changed while the search runs may come twice.
func (s *ReadService[T]) Search(ctx context.Context, from, to time.Time) iter.Seq2[ID, error] {
	return func(yield func(ID, error) bool) {
		r := request{method: http.MethodGet, path: s.endpoint + "/"}
		switch {
		case from.IsZero():
			// From the year 1, that would be some 100,000 searches.
			yield(0, fmt.Errorf("qoqa: %s: a search needs a start time", r.where()))
			return
		case !to.IsZero() && to.Before(from):
			yield(0, fmt.Errorf("qoqa: %s: the search's end %s is before its start %s",
				r.where(), to.UTC().Format(time.RFC3339), from.UTC().Format(time.RFC3339)))
			return
		}
		search := func(wFrom, wTo time.Time) bool {
			r.query = url.Values{"timestamp_from": {wFrom.Format(SearchTimeLayout)}}
			if !wTo.IsZero() {
				r.query.Set("timestamp_to", wTo.Format(SearchTimeLayout))
			}
			return s.c.streamIDs(ctx, r, yield)
		}
		if !to.IsZero() {
			for wFrom, wTo := range Windows(from, to) {
				if !search(wFrom, wTo) {
					return
				}
			}
			return
		}
		// Up to now: the windows up to this host's now, the last one open.
		last := from.UTC().Truncate(time.Second)
		for wFrom, wTo := range Windows(from, time.Now()) {
			if wTo.Sub(wFrom) < MaxSearchWindow {
				break // the last one: searched open below
			}
			if !search(wFrom, wTo) {
				return
			}
			last = wTo
		}
		search(last, time.Time{})
	}
}

var errNotJSON = errors.New("the answer is not the JSON the contract describes")

// streamIDs runs one search and yields its IDs as the answer is decoded. It
// returns false when the iteration must stop (an error was yielded, or the
// caller stopped).
func (c *Client) streamIDs(ctx context.Context, r request, yield func(ID, error) bool) bool {
	resp, err := c.send(ctx, r)
	if err != nil {
		yield(0, err)
		return false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, c.maxBody))
		_, err := readEnvelope(r, resp, data)
		if err == nil {
			err = fmt.Errorf("qoqa: %s: unexpected status %d", r.where(), resp.StatusCode)
		}
		yield(0, err)
		return false
	}
	limited := &io.LimitedReader{R: resp.Body, N: c.maxBody + 1}
	dec := json.NewDecoder(limited)
	fail := func(err error) bool {
		var syntax *json.SyntaxError
		var typ *json.UnmarshalTypeError
		var apiErr *Error
		switch {
		case errors.As(err, &apiErr):
		case limited.N <= 0:
			err = fmt.Errorf("qoqa: %s: %w", r.where(), ErrResponseTooLarge)
		case errors.As(err, &syntax), errors.As(err, &typ), errors.Is(err, errNotJSON):
			err = fmt.Errorf("qoqa: %s: decode: %w", r.where(), err)
		default: // the connection broke while the answer came
			err = transportError(ctx, r.method, r.urlPath(), err)
		}
		yield(0, err)
		return false
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fail(errNotJSON)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		switch tok {
		case "data":
			if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
				return fail(errNotJSON)
			}
			for dec.More() {
				var item struct {
					ID ID `json:"id"`
				}
				if err := dec.Decode(&item); err != nil {
					return fail(err)
				}
				if !yield(item.ID, nil) {
					return false
				}
			}
			if _, err := dec.Token(); err != nil {
				return fail(err)
			}
		case "errors":
			var items []ErrorItem
			if err := dec.Decode(&items); err != nil {
				return fail(err)
			}
			if len(items) > 0 {
				e := r.fail(resp.StatusCode)
				e.Errors = items
				return fail(classify(e))
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return fail(err)
			}
		}
	}
	return true
}

package qoqa

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// ServerTime returns QoQa's own clock, in UTC, to the second: the Date
// header of the answer to one cheap signed call (the list of shops).
// QoQa dates updated_at by that clock, so a caller that keeps a watermark
// (the time up to which it has searched) takes it from here, never from
// this host's clock, which may run ahead or behind.
func (c *Client) ServerTime(ctx context.Context) (time.Time, error) {
	r := request{method: http.MethodGet, path: "shop/"}
	h, err := c.call(ctx, r, nil)
	if err != nil {
		return time.Time{}, err
	}
	t, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return time.Time{}, fmt.Errorf("qoqa: %s: the answer has no readable Date header, so QoQa's time is unknown", r.where())
	}
	return t.UTC(), nil
}

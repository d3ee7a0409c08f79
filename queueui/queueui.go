package queueui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/riverqueue/river"
	"riverqueue.com/riverui"
)

// New returns River's web UI over client (riverqueue.Queue.Client), serving
// its pages and API under prefix ("/jobs" for a host that mounts it there;
// empty for the root). Its background services (the UI's caches and counts)
// run until ctx ends. logger nil means slog.Default().
//
// The handler has no authentication: a host mounts it behind its own, or on
// an address only operators reach.
func New[TTx any](ctx context.Context, client *river.Client[TTx], prefix string, logger *slog.Logger) (http.Handler, error) {
	if client == nil {
		return nil, errors.New("queueui: no River client")
	}
	if logger == nil {
		logger = slog.Default()
	}
	h, err := riverui.NewHandler(&riverui.HandlerOpts{
		Endpoints: riverui.NewEndpoints(client, nil),
		Logger:    logger,
		Prefix:    prefix,
	})
	if err != nil {
		return nil, fmt.Errorf("queueui: %w", err)
	}
	if err := h.Start(ctx); err != nil {
		return nil, fmt.Errorf("queueui: start: %w", err)
	}
	return h, nil
}

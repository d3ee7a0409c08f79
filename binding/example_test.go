package binding_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
)

// A single process keeps its bindings in a SQLite file; reopening it after
// a restart finds them all.
func ExampleOpenSQLite() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "bindings")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "qoqasync.db")

	store, err := binding.OpenSQLite(ctx, path, "qoqa.ch")
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = store.Bind(ctx, connector.Binding{Model: "order", RemoteID: "1234", LocalID: "56"})
	err = store.Bind(ctx, connector.Binding{Model: "order", RemoteID: "1234", LocalID: "57"})
	fmt.Println("second local record for the same order refused:", errors.Is(err, connector.ErrBindingConflict))
	store.Close()

	store, _ = binding.OpenSQLite(ctx, path, "qoqa.ch")
	defer store.Close()
	b, _ := store.ByRemote(ctx, "order", "1234")
	fmt.Println("order 1234 is sale.order", b.LocalID)
	// Output:
	// second local record for the same order refused: true
	// order 1234 is sale.order 56
}

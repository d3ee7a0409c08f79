package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/store/sqlite"
)

// A single process keeps its bindings, and River's jobs, in a SQLite file;
// reopening it after a restart finds them all.
func ExampleOpen() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "qoqasync")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "qoqasync.db")

	db, err := sqlite.Open(ctx, path, "qoqa.ch")
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = db.Bind(ctx, connector.Binding{Model: "order", RemoteID: "1234", LocalID: "56"})
	err = db.Bind(ctx, connector.Binding{Model: "order", RemoteID: "1234", LocalID: "57"})
	fmt.Println("second local record for the same order refused:", errors.Is(err, connector.ErrBindingConflict))
	db.Close()

	db, err = sqlite.Open(ctx, path, "qoqa.ch")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	b, _ := db.ByRemote(ctx, "order", "1234")
	fmt.Println("order 1234 is sale.order", b.LocalID)
	// River's client runs on the same file: river.NewClient(db.Driver(), ...).
	fmt.Println("River's driver:", db.Driver().DatabaseName())
	// Output:
	// second local record for the same order refused: true
	// order 1234 is sale.order 56
	// River's driver: sqlite
}

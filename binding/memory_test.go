package binding_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/binding/bindingtest"
	"github.com/qoqasync/qoqasync/connector"
)

func TestMemoryConformance(t *testing.T) {
	t.Parallel()
	bindingtest.Run(t, func(t *testing.T) bindingtest.Opener {
		m := binding.NewMemory()
		return func(t *testing.T) binding.Store { return m }
	})
}

// BenchmarkStore measures the memory store; the SQL stores have theirs in
// their packages:
//
//	go test -run '^$' -bench Store ./binding/ ./store/...
func BenchmarkStore(b *testing.B) {
	m := binding.NewMemory()
	bindingtest.Bench(b, m, func(b *testing.B, n int) {
		ctx := context.Background()
		for i := range n {
			if err := m.Bind(ctx, connector.Binding{Model: "order", RemoteID: fmt.Sprint(i), LocalID: fmt.Sprint(i + 10_000_000)}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

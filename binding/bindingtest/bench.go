package bindingtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/qoqasync/qoqasync/binding"
	"github.com/qoqasync/qoqasync/connector"
)

// Million is how many order bindings Bench looks up among: the size of a
// large shop's order history.
const Million = 1_000_000

// Bench measures a store's bind (ns/bind), and a look-up among Million
// bindings (ns/lookup), the same way for every store. seed writes n order
// bindings, remote IDs "0" to n-1 and local IDs 10,000,000 more, the
// fastest way the store has (one SQL statement, not n binds).
func Bench(b *testing.B, s binding.Store, seed func(b *testing.B, n int)) {
	ctx := context.Background()
	b.Run("Bind", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			if err := s.Bind(ctx, connector.Binding{Model: "product", RemoteID: fmt.Sprint(i), LocalID: fmt.Sprint(i), SyncedAt: time.Now()}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/bind")
	})
	seed(b, Million)
	b.Run("ByRemoteAmong1M", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i = (i + 7919) % Million
			if _, err := s.ByRemote(ctx, "order", fmt.Sprint(i)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/lookup")
	})
}

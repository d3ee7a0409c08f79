package openerp_test

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
)

// BenchmarkCallsAgainstFake measures calls per second against the fake
// server with 16 concurrent callers (a read of one partner each).
func BenchmarkCallsAgainstFake(b *testing.B) {
	s := openerptest.New(openerptest.Options{Version: 8})
	b.Cleanup(s.Close)
	c, err := openerp.New(s.Config())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	id, err := c.Create(ctx, "res.partner", openerp.Values{"name": "Ada"}, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Read(ctx, "res.partner", []int64{id}, []string{"name", "email"}, nil); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "calls/s")
}

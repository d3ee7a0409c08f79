package qoqa_test

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// BenchmarkDecodeOrder measures decoding an order with 50 items and 5
// payments, as Orders.Get does.
func BenchmarkDecodeOrder(b *testing.B) {
	order := map[string]any{"id": 1, "shop_id": 1, "deal_id": "2", "offer_id": 3, "user_id": 4, "customer_id": 5,
		"billing_address_id": 6, "shipping_address_id": "7", "status": "paid", "currency": "CHF", "total": 123450,
		"created_at": "2013-10-11T17:34:41+0200", "updated_at": "2013-10-11T17:34:41+0200"}
	var items, payments []any
	for i := range 50 {
		items = append(items, map[string]any{"id": i, "type": "product", "variation_id": fmt.Sprint(100 + i), "offer_id": 3, "quantity": 1, "unit_price": 2950, "name": "Lampe LED design"})
	}
	for i := range 5 {
		payments = append(payments, map[string]any{"id": i, "method": "visa", "amount": 24690, "status": "paid", "transaction": "tx-12345678"})
	}
	order["items"], order["payments"] = items, payments
	body, err := json.Marshal(map[string]any{"data": order, "locale": "fr"})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var env struct {
			Data qoqa.Order `json:"data"`
		}
		if err := json.Unmarshal(body, &env); err != nil || len(env.Data.Items) != 50 {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/order")
}

// BenchmarkCallsAgainstFake measures signed calls per second against the
// fake server with 16 concurrent callers (a GET of one deal each).
func BenchmarkCallsAgainstFake(b *testing.B) {
	s := qoqatest.New(qoqatest.Options{})
	b.Cleanup(s.Close)
	c, err := qoqa.New(s.Config())
	if err != nil {
		b.Fatal(err)
	}
	id := s.Seed("deal", qoqa.Deal{ShopID: 1})[0]
	ctx := context.Background()
	b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Deals.Get(ctx, id); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "calls/s")
}

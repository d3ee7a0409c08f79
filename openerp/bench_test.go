package openerp

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/qoqasync/qoqasync/openerp/internal/wire"
)

// BenchmarkDecodeRead measures decoding the answer of a read of 1,000
// partners, as the client does it: ns and allocations per record.
func BenchmarkDecodeRead(b *testing.B) {
	const records = 1000
	rows := make([]any, records)
	for i := range rows {
		rows[i] = map[string]any{
			"id": int64(i + 1), "name": fmt.Sprintf("Partner %d", i), "email": fmt.Sprintf("p%d@example.ch", i),
			"parent_id": []any{int64(7), "Acme SA"}, "child_ids": []any{int64(1), int64(2), int64(3)},
			"customer": true, "street": false, "zip": "1000", "city": "Lausanne", "country_id": []any{int64(43), "Switzerland"},
			"lang": "fr_FR", "write_date": "2026-03-01 12:00:00", "ref": false, "active": true,
		}
	}
	body, err := wire.EncodeResponse(rows)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		v, fault, err := wire.DecodeResponse(body)
		if err != nil || fault != nil {
			b.Fatal(err, fault)
		}
		vals, err := valuesList("res.partner", "read", v)
		if err != nil || len(vals) != records {
			b.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*records), "ns/record")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N*records), "allocs/record")
}

package fakeserver

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestArmedFaultsCountDown(t *testing.T) {
	var f Faults
	assert.False(t, f.Take("drop"), "nothing is armed by default")
	f.Arm("drop", 2)
	assert.True(t, f.Take("drop"))
	assert.True(t, f.Take("drop"))
	assert.False(t, f.Take("drop"), "armed for two calls only")
	f.Arm("drop", 5)
	f.Arm("drop", 0)
	assert.False(t, f.Take("drop"), "zero disarms")
}

func TestDelayStopsWithTheCaller(t *testing.T) {
	var f Faults
	assert.True(t, f.Delay(context.Background()))
	f.SetLatency(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.False(t, f.Delay(ctx), "a caller gone away is not waited for")
}

func TestRatesDrawAShareReproducibly(t *testing.T) {
	t.Parallel()
	draw := func(seed uint64) []bool {
		var f Faults
		f.Seed(seed)
		f.SetRate("drop", 0.1)
		out := make([]bool, 10000)
		for i := range out {
			out[i] = f.Take("drop")
		}
		assert.False(t, f.Take("other"), "a kind without a rate never fails")
		return out
	}
	first := draw(7)
	hits := 0
	for _, h := range first {
		if h {
			hits++
		}
	}
	assert.InDelta(t, 1000, hits, 150, "about a tenth of the calls")
	assert.Equal(t, first, draw(7), "the same seed draws the same faults")
	assert.NotEqual(t, first, draw(8), "another seed draws others")
}

func TestInjectedCountsArmedAndDrawnFaults(t *testing.T) {
	t.Parallel()
	var f Faults
	f.Arm("503", 2)
	f.SetRate("drop", 1)
	f.Take("503")
	f.Take("503")
	f.Take("503")
	f.Take("drop")
	f.SetRate("drop", 0)
	f.Take("drop")
	assert.Equal(t, map[string]int{"503": 2, "drop": 1}, f.Injected())
}

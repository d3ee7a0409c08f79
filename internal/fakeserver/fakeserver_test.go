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

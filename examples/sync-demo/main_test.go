package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDemoLosesNothingDespiteFaults(t *testing.T) {
	var out bytes.Buffer
	// The sync takes seconds; -within is generous for a loaded machine
	// running -race, where every busy lock costs its retry's delay.
	err := run(context.Background(), []string{"-users", "30", "-vouchers", "15", "-within", "10m"}, &out)
	require.NoError(t, err, out.String())
	assert.Contains(t, out.String(), "res.partner: 30 records for 30 QoQa users")
	assert.Contains(t, out.String(), "QoQa vouchers: 15 records for 15 OpenERP vouchers")
	assert.Contains(t, out.String(), "nothing lost, nothing made twice")
}

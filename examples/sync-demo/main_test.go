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
	err := run(context.Background(), []string{"-users", "30", "-vouchers", "15"}, &out)
	require.NoError(t, err, out.String())
	assert.Contains(t, out.String(), "res.partner: 30 records for 30 QoQa users")
	assert.Contains(t, out.String(), "QoQa vouchers: 15 records for 15 OpenERP vouchers")
	assert.Contains(t, out.String(), "nothing lost, nothing made twice")
}

package connector_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/qoqasync/qoqasync/connector"
)

func TestMuxRoutesByKindAndModel(t *testing.T) {
	var got string
	m := connector.NewMux()
	m.HandleFunc(connector.KindImport, "product", func(context.Context, connector.Job) error { got = "product import"; return nil })
	m.HandleFunc(connector.KindImport, "", func(context.Context, connector.Job) error { got = "any import"; return nil })
	ctx := context.Background()

	assert.NoError(t, m.Work(ctx, connector.Job{Kind: connector.KindImport, Model: "product"}))
	assert.Equal(t, "product import", got)
	assert.NoError(t, m.Work(ctx, connector.Job{Kind: connector.KindImport, Model: "order"}))
	assert.Equal(t, "any import", got)
	err := m.Work(ctx, connector.Job{Kind: connector.KindExport, Model: "order"})
	assert.True(t, connector.IsPermanent(err), "a job no handler serves cannot succeed on retry")
	assert.ErrorContains(t, err, "no handler for export jobs on model order")
}

func TestJobArgsRoundTrip(t *testing.T) {
	type args struct{ Force bool }
	j, err := connector.NewJob(connector.KindImport, "order", "12", args{Force: true})
	assert.NoError(t, err)
	var got args
	assert.NoError(t, j.UnmarshalArgs(&got))
	assert.True(t, got.Force)
	assert.Equal(t, `import:order:12:{"Force":true}`, j.IdentityKey(), "the args are part of the key: a drop loses nothing")
	plain, err := connector.NewJob(connector.KindImport, "order", "12", nil)
	assert.NoError(t, err)
	assert.Equal(t, "import:order:12", plain.IdentityKey())
	empty, err := connector.NewJob(connector.KindImport, "order", "12", struct {
		Force bool `json:"force,omitempty"`
	}{})
	assert.NoError(t, err)
	assert.Equal(t, plain.IdentityKey(), empty.IdentityKey(), "empty args are no args")
	j.Key = "custom"
	assert.Equal(t, "custom", j.IdentityKey())
}

package qoqav1

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
	"github.com/qoqasync/qoqasync/qoqa"
	"github.com/qoqasync/qoqasync/qoqa/qoqatest"
)

// recorder keeps the bodies of the requests it sends.
type recorder struct {
	mu     sync.Mutex
	bodies []string
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.bodies = append(r.bodies, string(body))
	r.mu.Unlock()
	req.Body = io.NopCloser(bytes.NewReader(body))
	return http.DefaultTransport.RoundTrip(req)
}

// calls returns the bodies of the calls of method on model.
func (r *recorder) calls(model, method string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, b := range r.bodies {
		if strings.Contains(b, "<string>"+model+"</string>") && strings.Contains(b, "<string>"+method+"</string>") {
			out = append(out, b)
		}
	}
	return out
}

// The import of a template writes its active only when the template model
// has it: OpenERP 7.0 keeps active on variants only, and would log a
// warning at each create and write that names it.
func TestTemplateActiveIsWrittenOnlyWhenTheModelHasIt(t *testing.T) {
	t.Parallel()
	for name, has := range map[string]bool{"without active (OpenERP 7.0)": false, "with active (Odoo 8+)": true} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			models := openerptest.DefaultModels()
			if !has {
				delete(models["product.template"], "active")
			}
			es := openerptest.New(openerptest.Options{Models: models})
			t.Cleanup(es.Close)
			qs := qoqatest.New(qoqatest.Options{})
			t.Cleanup(qs.Close)
			rec := &recorder{}
			cfg := es.Config()
			cfg.HTTPClient = &http.Client{Transport: rec}
			oc, err := openerp.New(cfg)
			require.NoError(t, err)
			qc, err := qoqa.New(qs.Config())
			require.NoError(t, err)
			e := newEnv(&backend.Backend{Name: "t", Languages: []string{"fr_FR"}}, Systems{QoQa: qc, OpenERP: oc})
			c, err := productExport(e)
			require.NoError(t, err)
			ctx := context.Background()

			id, err := c.Local.Create(ctx, "product/1", map[string]any{"name": "Lampe", "active": true})
			require.NoError(t, err)
			require.NoError(t, c.Local.Update(ctx, id, map[string]any{"name": "Lampe", "active": false}))

			writes := append(rec.calls("product.template", "create"), rec.calls("product.template", "write")...)
			require.Len(t, writes, 2)
			for _, body := range writes {
				assert.Equal(t, has, strings.Contains(body, "<name>active</name>"), "active is sent: %s", body)
			}
		})
	}
}

package qoqav1_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/connector"
)

// A history product's template is created, then its import stops before
// any of its variations is made (the process is killed, or the create's
// answer is lost): no variant holds a SKU of the product, so its SKUs do
// not lead to the template. The import's next attempt finds the template
// it left, by its name and its lack of variants, instead of making a second.
func TestTemplateLeftWithoutVariantsIsFoundAgain(t *testing.T) {
	t.Parallel()
	// Lost: the create's answer, or that of the write of its translations
	// that follows, which may have changed the name in the database's
	// language.
	for _, method := range []string{"create", "write"} {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			w := newHistoryWorld(t)
			c := seedCatalogue(w.qoqa, 1, 1)
			templates := w.erp.Count("product.template")
			w.erp.CommitThenDropOn("product.template", method, 1)
			err := w.flows.ImportDependency(w.ctx, "variation", c.variations[0].String(), connector.ImportOptions{})
			require.Error(t, err, "the answer of the template's %s is lost", method)
			require.Equal(t, templates+1, w.erp.Count("product.template"), "the create was committed")

			require.NoError(t, w.flows.ImportDependency(w.ctx, "variation", c.variations[0].String(), connector.ImportOptions{}))
			assert.Equal(t, templates+1, w.erp.Count("product.template"), "the template is made once")
		})
	}
}

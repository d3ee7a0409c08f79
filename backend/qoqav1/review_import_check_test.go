package qoqav1_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/backend/qoqav1"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
)

// Finding 7. CheckImports wrong: OpenERP 7.0 keeps active on variants only
// (product.product); its product.template has no such field (Odoo 8 adds
// it), as the package itself says (productExport, the catalogue's
// comment, TestProductOfATemplateModelWithoutActive). The product import
// writes it anyway, which 7.0 ignores harmlessly, and CheckImports lists it
// among the fields the database must have: on every genuine OpenERP 7.0
// database, the check a host runs before its flows fails ("product.template
// has no field active ... install the module that adds it"), and no module
// adds it.
func TestReviewImportCheckOnATemplateModelWithoutActive(t *testing.T) {
	t.Parallel()
	models := openerptest.DefaultModels()
	delete(models["product.template"], "active") // OpenERP 7.0's product.template
	erp := openerptest.New(openerptest.Options{Models: models})
	t.Cleanup(erp.Close)
	seedOpenERP(erp)
	oc, err := openerp.New(erp.Config())
	require.NoError(t, err)
	b := &backend.Backend{Name: "check", Version: qoqav1.Version, Languages: []string{"fr_FR"}}

	err = qoqav1.CheckImports(context.Background(), b, oc, qoqav1.Options{Logger: quiet})

	assert.NoError(t, err, "a stock OpenERP 7.0 database passes the check")
}

package openerptest_test

import (
	"testing"
	"time"

	"github.com/qoqasync/qoqasync/internal/pythontest"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
)

// A client nobody here wrote checks the fake: Python's standard
// xmlrpc.client, driving an OpenERP 7.0 and an Odoo 8 fake the way OpenERP 7
// scripts drive a real server (testdata/openerp7_client.py). Under CI=true
// a missing python3 fails the test.
func TestPythonClient(t *testing.T) {
	t.Parallel()
	const password = "py-s3cret"
	v7 := openerptest.New(openerptest.Options{Password: password})
	t.Cleanup(v7.Close)
	v8 := openerptest.New(openerptest.Options{Version: 8, Password: password})
	t.Cleanup(v8.Close)
	cfg := v7.Config()
	pythontest.Run(t, "testdata/openerp7_client.py", []string{
		"OPENERP7_URL=" + v7.URL,
		"OPENERP8_URL=" + v8.URL,
		"OPENERP_DB=" + cfg.Database,
		"OPENERP_USER=" + cfg.User,
		"OPENERP_PASSWORD=" + password,
	}, 2*time.Minute, "xmlrpc.client")
}

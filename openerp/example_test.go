package openerp_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/openerp/openerptest"
)

// A client against the fake server: create, search with a domain, read
// what OpenERP sends, and tell faults apart.
func ExampleClient() {
	srv := openerptest.New(openerptest.Options{})
	defer srv.Close()
	c, _ := openerp.New(srv.Config()) // URL, database, user, password
	ctx := context.Background()

	acme, _ := c.Create(ctx, "res.partner", openerp.Values{"name": "Acme SA", "is_company": true}, nil)
	_, _ = c.Create(ctx, "res.partner", openerp.Values{"name": "Ada", "parent_id": acme, "email": nil}, nil)

	rows, _ := c.SearchRead(ctx, "res.partner",
		openerp.Where("parent_id", "=", acme).Or(openerp.Where("is_company", "=", false)),
		[]string{"name", "parent_id", "email"}, openerp.SearchOptions{Order: "name"})
	for _, r := range rows {
		name, _ := r.String("name")
		_, parent, _ := r.Many2One("parent_id")
		_, hasEmail := r.String("email")
		fmt.Printf("%s (of %s), email set: %v\n", name, parent, hasEmail)
	}

	err := c.Write(ctx, "res.partner", []int64{999}, openerp.Values{"name": "x"}, nil)
	fmt.Println("missing:", errors.Is(err, openerp.ErrMissing))
	// Output:
	// Ada (of Acme SA), email set: false
	// missing: true
}

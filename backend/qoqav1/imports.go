package qoqav1

import (
	"time"

	"github.com/qoqasync/qoqasync/backend"
)

// importComponents returns, by model, the components of the imports: what
// happens on QoQa lands in OpenERP.
func importComponents(e *env) (map[string]backend.Components, error) {
	return map[string]backend.Components{
		"shop":      shopImport(e),
		"user":      userImport(e),
		"customer":  customerImport(e),
		"address":   addressImport(e),
		"deal":      dealImport(e),
		"offer":     offerImport(e),
		"product":   productImport(e),
		"variation": variationImport(e),
		"voucher":   voucherImport(e),
		"order":     orderImport(e),
	}, nil
}

// importWrites lists, by model, the OpenERP fields (by their default names)
// that the model's import writes: what CheckImports looks for in the
// database, since OpenERP 7 ignores a field it lacks without a word.
var importWrites = map[string][]string{
	"shop":      {"name"},
	"user":      {"name", "email", "lang", "active", "customer", "is_company"},
	"customer":  {"name", "lang", "customer", "is_company"},
	"address":   {"parent_id", "type", "name", "street", "street2", "zip", "city", "country_id", "phone", "active", "customer", "is_company"},
	"deal":      {"name"},
	"offer":     {"name", "description", "shop_id", "deal_id", "date_begin", "date_end", "active", "currency", "position_ids"},
	"product":   {"name", "description_sale", "active"},
	"variation": {"product_tmpl_id", "default_code", "ean13", "active"},
	"voucher":   {"name", "code", "partner_id", "amount", "remaining_amount", "currency", "date_start", "date_expire", "description", "active"},
	"order":     {"partner_id", "partner_invoice_id", "partner_shipping_id", "shop_id", "deal_id", "offer_id", "date_order", "client_order_ref", "order_line"},
}

// importOptional lists, by model, the fields of importWrites that the
// import writes only when the model has them, and that CheckImports
// therefore does not require: a template's active, which OpenERP 7.0 keeps
// on variants only (see productRecords.writable).
var importOptional = map[string][]string{
	"product": {"active"},
}

// DefaultImportIntervals returns how often each model's import search asks
// QoQa for changes when the backend's settings say nothing: orders often,
// since they are what OpenERP ships; vouchers less often; people hourly
// (an order imports its own customer and addresses at once anyway); deals
// hourly and shops daily, as they rarely change but the exports of offers
// need them bound. Products, variations and offers are authored in
// OpenERP: they are imported only when an order of the history needs
// them, so they have no search. The map is the caller's to change.
func DefaultImportIntervals() map[string]time.Duration {
	return map[string]time.Duration{
		"order":    5 * time.Minute,
		"voucher":  15 * time.Minute,
		"user":     time.Hour,
		"customer": time.Hour,
		"address":  time.Hour,
		"deal":     time.Hour,
		"shop":     24 * time.Hour,
	}
}

// UseDefaultImportIntervals gives each model of DefaultImportIntervals whose
// settings in b have no ImportInterval the default one. The first search of
// each starts at the backend's (or the model's) Since, which b must set.
func UseDefaultImportIntervals(b *backend.Backend) {
	if b.Models == nil {
		b.Models = map[string]backend.ModelSettings{}
	}
	for model, every := range DefaultImportIntervals() {
		s := b.Models[model]
		if s.ImportInterval == 0 {
			s.ImportInterval = every
			b.Models[model] = s
		}
	}
}

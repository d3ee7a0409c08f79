package openerp

import (
	"context"
	"fmt"
	"slices"
)

// SearchOptions page and order a search, and carry its context.
type SearchOptions struct {
	Offset int
	// Limit caps the IDs returned; zero means no cap.
	Limit int
	// Order is an SQL-like order: "write_date asc, id asc".
	Order   string
	Context Context
}

func (o SearchOptions) kwargs() map[string]any {
	kw := map[string]any{}
	if o.Offset > 0 {
		kw["offset"] = o.Offset
	}
	if o.Limit > 0 {
		kw["limit"] = o.Limit
	}
	if o.Order != "" {
		kw["order"] = o.Order
	}
	withContext(kw, o.Context)
	return kw
}

func withContext(kw map[string]any, c Context) map[string]any {
	if len(c) > 0 {
		kw["context"] = c
	}
	return kw
}

// Search returns the IDs of the records of model that match domain.
func (c *Client) Search(ctx context.Context, model string, domain Domain, opts SearchOptions) ([]int64, error) {
	v, err := c.ExecuteKW(ctx, model, "search", []any{domainArg(domain)}, opts.kwargs())
	if err != nil {
		return nil, err
	}
	return idList(model, "search", v)
}

// SearchCount returns how many records of model match domain.
func (c *Client) SearchCount(ctx context.Context, model string, domain Domain, oc Context) (int64, error) {
	v, err := c.ExecuteKW(ctx, model, "search_count", []any{domainArg(domain)}, withContext(map[string]any{}, oc))
	if err != nil {
		return 0, err
	}
	n, err := toInt(v)
	if err != nil {
		return 0, fmt.Errorf("openerp: %s search_count: %w", model, err)
	}
	return n, nil
}

// Read returns the fields of the records ids (every field when fields is
// empty), in the order of ids. Records that do not exist are left out, as
// OpenERP leaves them out — as long as one field asked is read from the
// table: asked only x2many fields, or fields the model lacks (which
// OpenERP 7 ignores), 7.0 answers every ID, a missing one too; ask
// "__last_update" beside them, which every model answers (OpenERP 7.0 has
// no readable write_date: it is the record's version). A list longer than
// Config.ReadBatchSize is read in several calls.
func (c *Client) Read(ctx context.Context, model string, ids []int64, fields []string, oc Context) ([]Values, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	kw := withContext(map[string]any{}, oc)
	if len(fields) > 0 {
		kw["fields"] = fields
	}
	byID := make(map[int64]Values, len(ids))
	for chunk := range slices.Chunk(ids, c.cfg.ReadBatchSize) {
		v, err := c.ExecuteKW(ctx, model, "read", []any{chunk}, kw)
		if err != nil {
			return nil, err
		}
		rows, err := valuesList(model, "read", v)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			byID[r.ID()] = r
		}
	}
	out := make([]Values, 0, len(byID))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			out = append(out, r)
			delete(byID, id) // an ID asked twice is read once
		}
	}
	return out, nil
}

// SearchRead searches and reads in one call on Odoo 8+, and in a search and
// a read on OpenERP 7, which lacks search_read (and with a forced PathV7).
func (c *Client) SearchRead(ctx context.Context, model string, domain Domain, fields []string, opts SearchOptions) ([]Values, error) {
	api, err := c.endpoints(ctx)
	if err != nil {
		return nil, err
	}
	if !api.searchRead {
		ids, err := c.Search(ctx, model, domain, opts)
		if err != nil {
			return nil, err
		}
		return c.Read(ctx, model, ids, fields, opts.Context)
	}
	kw := opts.kwargs()
	if len(fields) > 0 {
		kw["fields"] = fields
	}
	v, err := c.ExecuteKW(ctx, model, "search_read", []any{domainArg(domain)}, kw)
	if err != nil {
		return nil, err
	}
	return valuesList(model, "search_read", v)
}

// Create creates a record and returns its ID.
func (c *Client) Create(ctx context.Context, model string, vals Values, oc Context) (int64, error) {
	v, err := c.ExecuteKW(ctx, model, "create", []any{vals}, withContext(map[string]any{}, oc))
	if err != nil {
		return 0, err
	}
	id, err := toInt(v)
	if err != nil {
		return 0, fmt.Errorf("openerp: %s create: %w", model, err)
	}
	return id, nil
}

// Write writes vals to the records ids.
func (c *Client) Write(ctx context.Context, model string, ids []int64, vals Values, oc Context) error {
	_, err := c.ExecuteKW(ctx, model, "write", []any{ids, vals}, withContext(map[string]any{}, oc))
	return err
}

// Unlink deletes the records ids.
func (c *Client) Unlink(ctx context.Context, model string, ids []int64) error {
	_, err := c.ExecuteKW(ctx, model, "unlink", []any{ids}, nil)
	return err
}

// FieldsGet describes the fields of model: for each, the attributes asked
// (type, relation, translate, string...), or all when attrs is empty. It
// sends only what OpenERP 7.0's fields_get(allfields, context,
// write_access) takes, and keeps the attributes asked on this side.
func (c *Client) FieldsGet(ctx context.Context, model string, attrs []string, oc Context) (map[string]map[string]any, error) {
	v, err := c.ExecuteKW(ctx, model, "fields_get", []any{}, withContext(map[string]any{}, oc))
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("openerp: %s fields_get: want a struct, got %T: %w", model, v, ErrBadResponse)
	}
	out := make(map[string]map[string]any, len(m))
	for name, desc := range m {
		d, _ := desc.(map[string]any)
		if len(attrs) > 0 {
			kept := make(map[string]any, len(attrs))
			for _, a := range attrs {
				if x, ok := d[a]; ok {
					kept[a] = x
				}
			}
			d = kept
		}
		out[name] = d
	}
	return out, nil
}

// ReadTranslations reads fields of ids once per language: the value of a
// translatable field in each.
func (c *Client) ReadTranslations(ctx context.Context, model string, ids []int64, fields, langs []string) (map[string][]Values, error) {
	out := make(map[string][]Values, len(langs))
	for _, lang := range langs {
		vals, err := c.Read(ctx, model, ids, fields, Context{"lang": lang})
		if err != nil {
			return nil, fmt.Errorf("openerp: %s translations in %s: %w", model, lang, err)
		}
		out[lang] = vals
	}
	return out, nil
}

// WriteTranslations writes the values of each language to ids, one write
// per language, so that each translatable field gets its language's text.
func (c *Client) WriteTranslations(ctx context.Context, model string, ids []int64, byLang map[string]Values) error {
	for lang, vals := range byLang {
		if err := c.Write(ctx, model, ids, vals, Context{"lang": lang}); err != nil {
			return fmt.Errorf("openerp: %s translations in %s: %w", model, lang, err)
		}
	}
	return nil
}

func domainArg(d Domain) []any {
	if d == nil {
		return []any{}
	}
	return d
}

func idList(model, method string, v any) ([]int64, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("openerp: %s %s: want a list of IDs, got %T", model, method, v)
	}
	out := make([]int64, len(list))
	for i, e := range list {
		id, err := toInt(e)
		if err != nil {
			return nil, fmt.Errorf("openerp: %s %s: %w", model, method, err)
		}
		out[i] = id
	}
	return out, nil
}

func valuesList(model, method string, v any) ([]Values, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("openerp: %s %s: want a list of records, got %T", model, method, v)
	}
	out := make([]Values, len(list))
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("openerp: %s %s: record %d is a %T", model, method, i, e)
		}
		out[i] = m
	}
	return out, nil
}

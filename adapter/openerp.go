package adapter

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
)

// OpenERP is one OpenERP model as the connector's flows see it: a
// connector.Adapter, Finder, Archiver and ActiveChecker over an
// openerp.Client.
//
// It reads OpenERP's False as "no value" (nil) for every field but the
// booleans, so that mappers see absent values alike on both sides.
type OpenERP struct {
	// Client calls the OpenERP database; several adapters share one.
	Client *openerp.Client
	// Model is the OpenERP model this adapter is: res.partner.
	Model string
	// Fields are read by Read and ReadMany; nil means every field.
	Fields []string
	// Omit are fields Read and ReadMany leave out, when Fields is nil: a
	// one2many that its children's own syncs change (a template's
	// variants), which would otherwise make the record look changed to
	// the flows, whose hash covers what Read returns.
	Omit []string
	// RefField is a char field of Model that Create fills with the
	// record's reference and FindByRef searches, exactly, so that a create
	// whose answer was lost is found again. It must be a field that only
	// the connector writes (a person who types a reference there makes
	// the record taken for the connector's). Empty: FindByRef finds
	// nothing, unless FindRef is set.
	RefField string
	// RefModel, when set, is the connector model whose references
	// RefField keeps as bare remote IDs: connector.Ref(RefModel, id, 0)
	// is stored as id, as the qoqa_id of the connector's own models holds
	// the QoQa ID. RefOf turns a bare ID back into the reference. A
	// reference of another model or of a later generation is stored
	// whole, so that none is taken for another. It suits a field that
	// only one connector model's records fill and nobody types in; the
	// others keep whole references, which nobody types by chance.
	RefModel string
	// FindRef, when set, is a natural key: what the record holds of the
	// remote record, such as the default_code of a variant that is its
	// QoQa SKU, or a shop's name. It returns the domain of the records
	// that hold the key of a reference, or connector.ErrNotFound (wrapped)
	// when the reference has none. values are what a create under ref
	// would write, which hold the key (nil when FindByRef asks, without
	// them: the function may then read the remote record to learn it).
	//
	// Without RefField, the key is how a record is found again: the
	// mapped values hold it, so Create writes no reference. With RefField,
	// it only adopts a record made by hand: it is searched when RefField
	// finds nothing, among the records whose RefField is empty.
	FindRef func(ctx context.Context, ref string, values map[string]any) (openerp.Domain, error)
	// Context goes with every call.
	Context openerp.Context
	// Languages are the languages of translatable fields (fr_FR, de_DE);
	// the first is the one whose text is also stored as the source value.
	Languages []string
	// Translatable lists the fields Read returns as connector.Translations,
	// read once per language. Create and Update write any
	// connector.Translations value once per language, whatever this says.
	Translatable []string
	// MoreFields, when set, is asked before each read for fields to read
	// besides Fields (and, of those, the ones to read in every language as
	// Translatable's are): fields that come and go with the database's
	// data, such as the x_ fields that base_custom_attributes adds for each
	// product attribute, which no list made at start-up can name.
	MoreFields func(ctx context.Context) (fields, translatable []string, err error)
	// PageSize is how many IDs one search call returns; zero means 1000.
	PageSize int

	typesMu sync.Mutex
	types   map[string]string
}

var (
	_ connector.Adapter       = (*OpenERP)(nil)
	_ connector.KeyFinder     = (*OpenERP)(nil)
	_ connector.Archiver      = (*OpenERP)(nil)
	_ connector.ActiveChecker = (*OpenERP)(nil)
)

// Search implements connector.Adapter: the records whose write_date is in
// [from, to), archived ones included, in ascending ID order, page by page.
//
// It pages by key, not by offset: each page asks for the IDs above the
// last one yielded. A record written or deleted while the search runs
// then shifts no later page: a record that stays in the window is found
// whatever happens to the others, and one whose write_date leaves the
// window for a later time is found by the search that covers that time.
// (Offset paging over a changing result set skips a record for good each
// time an earlier one leaves it.)
func (a *OpenERP) Search(ctx context.Context, from, to time.Time) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		window := openerp.And(openerp.Where("write_date", ">=", from.UTC()), openerp.Where("write_date", "<", to.UTC()))
		size := a.PageSize
		if size <= 0 {
			size = 1000
		}
		var last int64
		for {
			ids, err := a.Client.Search(ctx, a.Model, openerp.And(window, openerp.Where("id", ">", last)), openerp.SearchOptions{
				Limit: size, Order: "id asc", Context: a.Context.WithActiveTest(false),
			})
			if err != nil {
				yield("", openerpError(err))
				return
			}
			for _, id := range ids {
				if !yield(strconv.FormatInt(id, 10), nil) {
					return
				}
				last = max(last, id)
			}
			if len(ids) < size {
				return
			}
		}
	}
}

// Read implements connector.Adapter.
func (a *OpenERP) Read(ctx context.Context, id string) (connector.Record, error) {
	n, err := parseOpenERPID(a.Model, id)
	if err != nil {
		return connector.Record{}, err
	}
	recs, err := a.read(ctx, []int64{n})
	if err != nil {
		return connector.Record{}, openerpError(fmt.Errorf("%s %d: %w", a.Model, n, err))
	}
	if len(recs) == 0 { // OpenERP's read leaves a missing record out
		return connector.Record{}, a.notFound(n)
	}
	return recs[0], nil
}

// ReadMany reads the records ids as Read does, in as few calls as a batch
// allows: one read per language (per openerp.Config.ReadBatchSize IDs) for
// the whole batch, where Read costs those calls for each record. Records
// that do not exist are left out; the others come in the order of ids.
func (a *OpenERP) ReadMany(ctx context.Context, ids []string) ([]connector.Record, error) {
	nums := make([]int64, len(ids))
	for i, id := range ids {
		n, err := parseOpenERPID(a.Model, id)
		if err != nil {
			return nil, err
		}
		nums[i] = n
	}
	recs, err := a.read(ctx, nums)
	if err != nil {
		return nil, openerpError(fmt.Errorf("%s: %w", a.Model, err))
	}
	return recs, nil
}

// The fields that carry a record's version. OpenERP 7.0 has no
// write_date field (a log-access column, which read leaves out) but
// answers __last_update on every model: COALESCE(write_date, create_date,
// now), to the microsecond. Odoo 8+ also reads write_date, to the second.
const (
	lastUpdateField = "__last_update"
	writeDateField  = "write_date"
)

// read reads the records nums with their translations; it returns the
// client's errors as they are.
//
// With translatable fields, the record is read in the first language, which
// brings its translatable fields' text in that language with the others, and
// then once in each other language: one call per language in all.
func (a *OpenERP) read(ctx context.Context, nums []int64) ([]connector.Record, error) {
	fields, translatable := a.Fields, a.Translatable
	if a.MoreFields != nil {
		more, moreTranslatable, err := a.MoreFields(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s: the fields to read: %w", a.Model, err)
		}
		if len(fields) > 0 {
			fields = append(slices.Clone(fields), more...)
		}
		translatable = append(slices.Clone(translatable), moreTranslatable...)
	}
	langs := a.Languages
	if len(translatable) == 0 {
		langs = nil
	}
	if len(fields) > 0 {
		// The first language's read brings the translatable fields too.
		fields = slices.Clone(fields)
		for _, f := range translatable {
			if len(langs) > 0 && !slices.Contains(fields, f) {
				fields = append(fields, f)
			}
		}
	}
	types, err := a.fieldTypes(ctx, fields)
	if err != nil {
		return nil, err
	}
	// Every field, when Fields is nil, is every field fields_get lists:
	// named, so that the version can be asked beside them.
	if len(fields) == 0 {
		fields = slices.Sorted(maps.Keys(types))
	}
	if !slices.Contains(fields, lastUpdateField) {
		fields = append(fields, lastUpdateField)
	}
	oc := a.Context
	if len(langs) > 0 {
		oc = oc.WithLang(langs[0])
	}
	rows, err := a.Client.Read(ctx, a.Model, nums, fields, oc)
	if err != nil {
		return nil, err
	}
	recs := make([]connector.Record, len(rows))
	index := make(map[int64]int, len(rows))
	found := make([]int64, len(rows))
	for i, v := range rows {
		rec := connector.Record{ID: strconv.FormatInt(v.ID(), 10), Fields: make(map[string]any, len(v))}
		rec.UpdatedAt = version(v)
		for k, x := range v {
			rec.Fields[k] = openerpNoValue(x, types[k])
		}
		// The version is not content: the flows hash Fields to tell a
		// change, and every write moves it.
		delete(rec.Fields, writeDateField)
		delete(rec.Fields, lastUpdateField)
		for _, f := range a.Omit {
			delete(rec.Fields, f)
		}
		rec.Archived = rec.Fields["active"] == false
		recs[i], index[v.ID()], found[i] = rec, i, v.ID()
	}
	if len(langs) == 0 || len(found) == 0 {
		return recs, nil
	}
	byLang := map[string][]openerp.Values{langs[0]: rows}
	if len(langs) > 1 {
		others, err := a.Client.ReadTranslations(ctx, a.Model, found, translatable, langs[1:])
		if err != nil {
			return nil, err
		}
		maps.Copy(byLang, others)
	}
	for _, rec := range recs {
		for _, f := range translatable {
			rec.Fields[f] = connector.Translations{}
		}
	}
	for lang, rows := range byLang {
		for _, row := range rows {
			i, ok := index[row.ID()]
			if !ok {
				continue
			}
			for _, f := range translatable {
				if x := openerpNoValue(row[f], types[f]); x != nil {
					recs[i].Fields[f].(connector.Translations)[lang] = x
				}
			}
		}
	}
	return recs, nil
}

// version is a record's write_date where the server reads it (Odoo 8+),
// else its __last_update (OpenERP 7.0), to the second as write_date reads.
func version(v openerp.Values) time.Time {
	t, ok := v.Time(writeDateField)
	if !ok {
		t, _ = v.Time(lastUpdateField)
	}
	return t.Truncate(time.Second)
}

func (a *OpenERP) firstLanguage() string {
	if len(a.Languages) == 0 {
		return ""
	}
	return a.Languages[0]
}

// noValue reads OpenERP's False as no value, but for a boolean.
func openerpNoValue(x any, typ string) any {
	if b, ok := x.(bool); ok && !b && typ != "boolean" {
		return nil
	}
	return x
}

// splitTranslations takes the connector.Translations out of values: each
// language's text goes in byLang, and the source value in vals: the text
// of the first language, or on a create (where a required field needs
// one) of any.
func (a *OpenERP) splitTranslations(values map[string]any, create bool) (openerp.Values, map[string]openerp.Values) {
	vals := openerp.Values{}
	var byLang map[string]openerp.Values
	for k, v := range values {
		tr, ok := v.(connector.Translations)
		if !ok {
			vals[k] = v
			continue
		}
		if _, first := tr[a.firstLanguage()]; first || create {
			vals[k] = tr.BaseValue(a.Languages)
		}
		for lang, text := range tr {
			if byLang == nil {
				byLang = map[string]openerp.Values{}
			}
			if byLang[lang] == nil {
				byLang[lang] = openerp.Values{}
			}
			byLang[lang][k] = text
		}
	}
	return vals, byLang
}

// Create implements connector.Adapter.
//
// Translations are written after the create, one write per language: a
// create whose translations fail is found again by its reference, and the
// retry's update writes them.
func (a *OpenERP) Create(ctx context.Context, ref string, values map[string]any) (string, error) {
	vals, byLang := a.splitTranslations(values, true)
	if a.RefField != "" && ref != "" {
		vals[a.RefField] = a.storedRef(ref)
	}
	id, err := a.Client.Create(ctx, a.Model, vals, a.Context)
	if err != nil {
		return "", openerpError(fmt.Errorf("%s for %q: %w", a.Model, ref, err))
	}
	if err := a.Client.WriteTranslations(ctx, a.Model, []int64{id}, byLang); err != nil {
		return "", openerpError(fmt.Errorf("%s %d: %w", a.Model, id, err))
	}
	return strconv.FormatInt(id, 10), nil
}

// Update implements connector.Adapter.
func (a *OpenERP) Update(ctx context.Context, id string, values map[string]any) error {
	n, err := parseOpenERPID(a.Model, id)
	if err != nil {
		return err
	}
	vals, byLang := a.splitTranslations(values, false)
	if err := a.Client.Write(ctx, a.Model, []int64{n}, vals, a.Context); err != nil {
		return openerpError(fmt.Errorf("%s %d: %w", a.Model, n, err))
	}
	if err := a.Client.WriteTranslations(ctx, a.Model, []int64{n}, byLang); err != nil {
		return openerpError(fmt.Errorf("%s %d: %w", a.Model, n, err))
	}
	return nil
}

// Delete implements connector.Adapter. OpenERP's unlink of a record that
// does not exist succeeds, so Delete looks for it first (archived ones
// included) to report it as not found.
func (a *OpenERP) Delete(ctx context.Context, id string) error {
	n, err := parseOpenERPID(a.Model, id)
	if err != nil {
		return err
	}
	found, err := a.Client.Search(ctx, a.Model, openerp.Where("id", "=", n), openerp.SearchOptions{Context: a.Context.WithActiveTest(false)})
	if err != nil {
		return openerpError(fmt.Errorf("%s %d: %w", a.Model, n, err))
	}
	if len(found) == 0 {
		return a.notFound(n)
	}
	if err := a.Client.Unlink(ctx, a.Model, []int64{n}); err != nil {
		return openerpError(fmt.Errorf("%s %d: %w", a.Model, n, err))
	}
	return nil
}

// notFound is the error of a record that does not exist.
func (a *OpenERP) notFound(id int64) error {
	return connector.Permanent(fmt.Errorf("openerp: %s %d: %w: %w", a.Model, id, openerp.ErrMissing, connector.ErrNotFound))
}

// Now returns OpenERP's own clock (openerp.Client.ServerTime), by which it
// dates write_date: the engine dates its change searches and watermarks by
// it, never by the host's clock.
func (a *OpenERP) Now(ctx context.Context) (time.Time, error) {
	t, err := a.Client.ServerTime(ctx)
	return t, openerpError(err)
}

// Archive implements connector.Archiver.
func (a *OpenERP) Archive(ctx context.Context, id string) error {
	return a.Update(ctx, id, map[string]any{"active": false})
}

// Active implements connector.ActiveChecker: one search for the records
// that exist (archived included) and one for the active ones.
func (a *OpenERP) Active(ctx context.Context, ids []string) (map[string]bool, error) {
	nums := make([]int64, 0, len(ids))
	for _, id := range ids {
		n, err := parseOpenERPID(a.Model, id)
		if err != nil {
			return nil, err
		}
		nums = append(nums, n)
	}
	exist, err := a.Client.Search(ctx, a.Model, openerp.Where("id", "in", nums), openerp.SearchOptions{Context: a.Context.WithActiveTest(false)})
	if err != nil {
		return nil, openerpError(err)
	}
	active, err := a.Client.Search(ctx, a.Model, openerp.Where("id", "in", nums), openerp.SearchOptions{Context: a.Context})
	if err != nil {
		return nil, openerpError(err)
	}
	out := make(map[string]bool, len(exist))
	for _, n := range exist {
		out[strconv.FormatInt(n, 10)] = false
	}
	for _, n := range active {
		out[strconv.FormatInt(n, 10)] = true
	}
	return out, nil
}

// RefOf implements connector.Finder: the record's RefField, which Create
// fills with the reference of the create (a bare ID made whole again, see
// RefModel).
func (a *OpenERP) RefOf(rec connector.Record) string {
	if a.RefField == "" {
		return ""
	}
	ref, _ := rec.Fields[a.RefField].(string)
	if ref == "" || a.RefModel == "" {
		return ref
	}
	if _, _, _, whole := connector.ParseRef(ref); whole {
		return ref
	}
	return connector.Ref(a.RefModel, ref, 0)
}

// storedRef is what RefField keeps for ref: its bare ID when it is a
// first-generation reference of RefModel, else ref itself.
func (a *OpenERP) storedRef(ref string) string {
	if a.RefModel == "" {
		return ref
	}
	if model, id, gen, ok := connector.ParseRef(ref); ok && model == a.RefModel && gen == 0 {
		return id
	}
	return ref
}

// FindByRef implements connector.Finder, archived records included: the
// first of FindCandidates, asked without the values of a create.
func (a *OpenERP) FindByRef(ctx context.Context, ref string) (string, error) {
	ids, err := a.find(ctx, ref, nil, 1)
	if err != nil {
		return "", err
	}
	if len(ids) == 0 {
		return "", fmt.Errorf("openerp: %s: no record for %q: %w", a.Model, ref, connector.ErrNotFound)
	}
	return ids[0], nil
}

// FindCandidates implements connector.KeyFinder, archived records
// included, oldest first: the records whose RefField holds ref (bare or
// whole, see RefModel); when none does, those FindRef's domain matches
// for values (of them, with RefField, those whose RefField is empty).
func (a *OpenERP) FindCandidates(ctx context.Context, ref string, values map[string]any) ([]string, error) {
	return a.find(ctx, ref, values, 0)
}

// find returns up to limit (0: every) records that ref finds; see
// FindCandidates.
func (a *OpenERP) find(ctx context.Context, ref string, values map[string]any, limit int) ([]string, error) {
	if a.RefField == "" && a.FindRef == nil {
		return nil, fmt.Errorf("openerp: %s has no reference field: %w", a.Model, connector.ErrNotFound)
	}
	var byRef, byKey openerp.Domain
	if a.RefField != "" {
		byRef = openerp.Where(a.RefField, "=", ref)
		if a.storedRef(ref) != ref {
			byRef = openerp.Where(a.RefField, "in", []any{a.storedRef(ref), ref})
		}
	}
	if a.FindRef != nil {
		domain, err := a.FindRef(ctx, ref, values)
		switch {
		case err == nil:
			byKey = domain
		case !errors.Is(err, connector.ErrNotFound):
			return nil, fmt.Errorf("openerp: %s: the key of %q: %w", a.Model, ref, err)
		}
	}
	switch {
	case byKey == nil && byRef == nil:
		return nil, nil
	case byKey == nil:
		return a.search(ctx, byRef, limit)
	case byRef == nil:
		return a.search(ctx, byKey, limit)
	}
	// A record that holds a reference is some import's: only a record made
	// by hand is adopted by its key. One search for both, which finds
	// nothing for most creates; the reference comes first when it finds
	// any.
	byKey = openerp.And(byKey, openerp.Where(a.RefField, "in", []any{false, ""}))
	ids, err := a.search(ctx, openerp.Or(byRef, byKey), limit)
	if err != nil || len(ids) == 0 {
		return ids, err
	}
	exact, err := a.search(ctx, byRef, limit)
	if err != nil || len(exact) > 0 {
		return exact, err
	}
	return ids, nil
}

// search returns up to limit (0: every) records of domain, archived ones
// included, oldest first.
func (a *OpenERP) search(ctx context.Context, domain openerp.Domain, limit int) ([]string, error) {
	found, err := a.Client.Search(ctx, a.Model, domain, openerp.SearchOptions{Limit: limit, Order: "id asc", Context: a.Context.WithActiveTest(false)})
	if err != nil {
		return nil, openerpError(err)
	}
	ids := make([]string, len(found))
	for i, n := range found {
		ids[i] = strconv.FormatInt(n, 10)
	}
	return ids, nil
}

// fieldTypes learns the model's field types, to tell a boolean's False from
// the False of an empty value: once, and again when a field to read is not
// among them (a field added since, such as a new attribute's).
func (a *OpenERP) fieldTypes(ctx context.Context, want []string) (map[string]string, error) {
	a.typesMu.Lock()
	defer a.typesMu.Unlock()
	if a.types != nil && !slices.ContainsFunc(want, func(f string) bool { _, ok := a.types[f]; return !ok && f != "id" }) {
		return a.types, nil
	}
	desc, err := a.Client.FieldsGet(ctx, a.Model, []string{"type"}, nil)
	if err != nil {
		return nil, err
	}
	types := make(map[string]string, len(desc))
	for name, d := range desc {
		types[name], _ = d["type"].(string)
	}
	a.types = types
	return types, nil
}

func parseOpenERPID(model, id string) (int64, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return 0, connector.Permanent(fmt.Errorf("openerp: %s: %q is not a record ID", model, id))
	}
	return n, nil
}

// OpenERPDecision is the engine's decision on an error of the OpenERP
// client (see openerpError below), for the calls a component makes beside
// an adapter: the product attributes a backend reads, a workflow method such
// as sale.order's action_cancel, a look-up of a country by its code.
func OpenERPDecision(err error) error { return openerpError(err) }

// openerpError turns the OpenERP client's error, which states facts, into
// the engine's decision:
//
//   - a missing record is permanent and wraps connector.ErrNotFound, which
//     the flows read as "gone" (OpenERP 7 words some of these as access
//     errors; the client has sorted them already);
//   - what the client calls temporary (a concurrency fault, a 5xx, 429,
//     408, a network failure or timeout) is retryable, not before the
//     server's Retry-After when it gave one;
//   - the caller's cancellation and a fault of unknown kind (most often a
//     server bug) are left to the queue's default: retried with backoff
//     until the attempts run out;
//   - anything else (access, validation, a bad call, a value XML-RPC cannot
//     carry, an answer that is not XML-RPC, a redirect, a 4xx) is
//     permanent: a retry would fail the same way.
func openerpError(err error) error {
	if err == nil {
		return nil
	}
	var f *openerp.Fault
	switch {
	case errors.Is(err, openerp.ErrMissing):
		return connector.Permanent(fmt.Errorf("%w: %w", err, connector.ErrNotFound))
	case openerp.Temporary(err):
		if d := openerp.RetryAfter(err); d > 0 {
			return connector.Retryable(err, connector.After(d))
		}
		return connector.Retryable(err)
	case errors.Is(err, context.Canceled):
		return err
	case errors.As(err, &f) && f.Kind == openerp.FaultOther:
		return err
	}
	return connector.Permanent(err)
}

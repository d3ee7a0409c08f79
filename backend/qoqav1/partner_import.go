package qoqav1

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/qoqasync/qoqasync/adapter"
	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/connector"
	"github.com/qoqasync/qoqasync/openerp"
	"github.com/qoqasync/qoqasync/qoqa"
)

// QoQa's people are three resources: a user (an account) has at most one
// customer (who buys), and a customer has addresses. OpenERP has one
// partner per user, which the customer fills in (name, language, the
// customer flag) rather than creating a second one, and the addresses are
// child partners of it.
//
// A customer imports its user first, an address its customer; a user
// imports nothing, though it names its customer: the relation is followed
// one way only, so that it never becomes a dependency cycle.

// userImport maps a QoQa user to its partner. The partner's name is the
// user's pseudo until a customer gives it a person's name: a user with a
// customer never writes it again.
func userImport(e *env) backend.Components {
	f := func(name string) string { return e.field("user", name) }
	return backend.Components{
		ImportMapper: connector.Mapping{Model: "user", Rules: []connector.Rule{
			connector.Field("email", f("email")),
			connector.Field("language_id", f("lang"), partnerLang),
			isActive(f("active")),
			connector.OnCreate(
				constant(f("customer"), false),
				constant(f("is_company"), false),
			),
		}, Finish: func(ctx context.Context, mc *connector.MapContext, out map[string]any) error {
			customer, _ := refID(mc.Record.Fields["customer_id"])
			if !mc.Create && customer != "" {
				return nil
			}
			name := text(mc.Record, "pseudo")
			if name == "" {
				name = text(mc.Record, "email")
			}
			if name == "" {
				return mc.Err("pseudo", fmt.Errorf("%w: a partner needs a name, and the user has neither pseudo nor email", errNoValue))
			}
			out[f("name")] = name
			return nil
		}},
	}
}

// userPartner is the key under which a customer's mapping carries the
// partner of its user to customerPartner, which fills it.
const userPartner = "qoqav1:user_partner"

// customerImport maps a QoQa customer onto the partner of its user. A user
// whose customer was replaced by a new one keeps its partner, which the
// new customer takes over (see takePartner).
func customerImport(e *env) backend.Components {
	f := func(name string) string { return e.field("customer", name) }
	bound := connector.Bound("user")
	users := e.remote("user")
	return backend.Components{
		Local: customerPartner{e.local("customer")},
		ImportMapper: connector.Mapping{Model: "customer", Rules: []connector.Rule{
			connector.Compute(f("name"), func(ctx context.Context, mc *connector.MapContext) (any, error) {
				if name := personName(mc.Record); name != "" {
					return name, nil
				}
				return nil, fmt.Errorf("%w: a partner needs a name, and the customer has no firstname, lastname or company", errNoValue)
			}),
			connector.Field("language_id", f("lang"), partnerLang),
			constant(f("customer"), true),
			constant(f("is_company"), false),
			connector.OnCreate(connector.Compute(userPartner, func(ctx context.Context, mc *connector.MapContext) (any, error) {
				user, err := refID(mc.Record.Fields["user_id"])
				if err == nil && user == "" {
					err = fmt.Errorf("%w: a customer has a user", errNoValue)
				}
				if err != nil {
					return nil, mc.Err("user_id", err)
				}
				v, err := bound(ctx, mc, user)
				if err != nil {
					return nil, mc.Err("user_id", err)
				}
				if err := takePartner(ctx, mc, users, user, v); err != nil {
					return nil, err
				}
				return v, nil
			})),
		}},
		ImportDependencies: dependencies("customer", dep{"user_id", "user"}),
	}
}

// takePartner readies the partner of the user for the customer at hand,
// which is not bound yet: a partner is bound to one customer, and the user's
// may be bound to its former one (QoQa replaced the user's customer by a
// new one). The user's current customer (asked of QoQa) then takes the
// partner over: the binding moves to it, so that it and its orders land.
// A former customer, imported after its successor (for an old order of the
// history), leaves the partner to it: its import ends with nothing to do,
// and its orders go to the user's partner all the same (see orderPartner).
func takePartner(ctx context.Context, mc *connector.MapContext, users connector.Adapter, user string, partner any) error {
	localID, err := connector.ID(partner)
	if err != nil {
		return mc.Err("user_id", err)
	}
	b, err := mc.Binder.ByLocal(ctx, "customer", localID)
	switch {
	case errors.Is(err, connector.ErrNotBound):
		return nil
	case err != nil:
		return err
	case b.RemoteID == mc.Record.ID:
		return nil
	}
	rec, err := users.Read(ctx, user)
	if err != nil {
		return fmt.Errorf("read user %s for its customer: %w", user, err)
	}
	current, err := refID(rec.Fields["customer_id"])
	if err != nil {
		return mc.Err("user_id", fmt.Errorf("user %s: customer_id: %w", user, err))
	}
	if current != mc.Record.ID {
		return connector.NothingToDo("customer %s is no longer the customer of user %s (customer %s is), whose partner %s is customer %s's", mc.Record.ID, user, orNone(current), localID, b.RemoteID)
	}
	next := connector.Binding{Model: "customer", RemoteID: mc.Record.ID, LocalID: localID, Writing: connector.Import}
	if err := mc.Binder.Rebind(ctx, b, next); err != nil {
		return fmt.Errorf("move partner %s from customer %s to %s: %w", localID, b.RemoteID, mc.Record.ID, bindConflict(err))
	}
	return nil
}

// orNone is id, or "none".
func orNone(id string) string {
	if id == "" {
		return "none"
	}
	return id
}

// bindConflict makes a binding conflict, the loss of a race that a retry
// reads the winner of, retryable.
func bindConflict(err error) error {
	if errors.Is(err, connector.ErrBindingConflict) {
		return connector.Retryable(err)
	}
	return err
}

// customerPartner is the OpenERP side of the customers: the partners of
// their users. A customer's create fills the partner its mapping names
// (userPartner) instead of making one, so that nothing can make a second
// partner for a person, and there is nothing to find again by reference.
type customerPartner struct{ *adapter.OpenERP }

// Create implements connector.Adapter: it writes values to the user's
// partner and returns it.
func (c customerPartner) Create(ctx context.Context, ref string, values map[string]any) (string, error) {
	id, err := connector.ID(values[userPartner])
	if err != nil {
		return "", connector.Permanent(fmt.Errorf("qoqav1: %s: the mapping names no partner of the user to fill: %w", ref, err))
	}
	if err := c.Update(ctx, id, values); err != nil {
		return "", err
	}
	return id, nil
}

// Update implements connector.Adapter.
func (c customerPartner) Update(ctx context.Context, id string, values map[string]any) error {
	vals := make(map[string]any, len(values))
	for k, v := range values {
		if k != userPartner {
			vals[k] = v
		}
	}
	return c.OpenERP.Update(ctx, id, vals)
}

// FindByRef implements connector.Finder: a customer's create makes nothing
// that could be found again.
func (c customerPartner) FindByRef(ctx context.Context, ref string) (string, error) {
	return "", fmt.Errorf("qoqav1: %s fills the partner of its user: %w", ref, connector.ErrNotFound)
}

// FindCandidates implements connector.KeyFinder, as FindByRef does: the
// adapter's own would search the partners for the customer's reference.
func (c customerPartner) FindCandidates(context.Context, string, map[string]any) ([]string, error) {
	return nil, nil
}

// RefOf implements connector.Finder: the partner keeps its user's reference,
// not the customer's.
func (c customerPartner) RefOf(connector.Record) string { return "" }

// customerPartnerOf is the Converter of a QoQa customer's ID into its
// partner: the one bound to the customer, or, for a former customer of its
// user, whose successor took the partner over (see takePartner), the user's
// partner, which it learns from the customer's user_id on QoQa.
func customerPartnerOf(customers connector.Adapter) connector.Converter {
	byCustomer, byUser := boundTo("customer"), boundTo("user")
	return func(ctx context.Context, mc *connector.MapContext, v any) (any, error) {
		partner, err := byCustomer(ctx, mc, v)
		if !errors.Is(err, connector.ErrNotBound) {
			return partner, err
		}
		id, _ := refID(v)
		rec, readErr := customers.Read(ctx, id)
		if readErr != nil {
			return nil, errors.Join(err, fmt.Errorf("read customer %s for its user: %w", id, readErr))
		}
		user, idErr := refID(rec.Fields["user_id"])
		if idErr != nil || user == "" {
			return nil, err
		}
		return byUser(ctx, mc, user)
	}
}

// addressTypes turns QoQa's address kinds into OpenERP's partner types.
var addressTypes = map[string]string{
	qoqa.AddressBilling:  "invoice",
	qoqa.AddressShipping: "delivery",
	qoqa.AddressOther:    "other",
}

// addressImport maps a QoQa address to a child partner of its customer's
// partner, the country found by its ISO code.
func addressImport(e *env) backend.Components {
	f := func(name string) string { return e.field("address", name) }
	countries := &countryCodes{oc: e.sys.OpenERP}
	return backend.Components{
		ImportMapper: connector.Mapping{Model: "address", Rules: []connector.Rule{
			connector.Field("customer_id", f("parent_id"), customerPartnerOf(e.remote("customer"))),
			connector.Field("kind", f("type"), func(ctx context.Context, mc *connector.MapContext, v any) (any, error) {
				kind, _ := v.(string)
				if t, ok := addressTypes[kind]; ok {
					return t, nil
				}
				return nil, fmt.Errorf("unknown kind %v (billing, shipping or other)", v)
			}),
			connector.Compute(f("name"), func(ctx context.Context, mc *connector.MapContext) (any, error) {
				if name := personName(mc.Record); name != "" {
					return name, nil
				}
				return nil, fmt.Errorf("%w: a partner needs a name, and the address has no firstname, lastname or company", errNoValue)
			}),
			connector.Field("street", f("street")),
			connector.Field("street2", f("street2")),
			connector.Field("zip", f("zip")),
			connector.Field("city", f("city")),
			connector.Field("country", f("country_id"), countries.convert),
			connector.Field("phone", f("phone")),
			isActive(f("active")),
			connector.OnCreate(
				constant(f("customer"), false),
				constant(f("is_company"), false),
			),
		}, Finish: func(ctx context.Context, mc *connector.MapContext, out map[string]any) error {
			if out[f("parent_id")] == nil {
				return mc.Err("customer_id", fmt.Errorf("%w: an address belongs to a customer", errNoValue))
			}
			return nil
		}},
		ImportDependencies: dependencies("address", dep{"customer_id", "customer"}),
	}
}

// partnerLang is the partner's language: the backend language of the QoQa
// language, or none for a language the backend does not sync.
func partnerLang(ctx context.Context, mc *connector.MapContext, v any) (any, error) {
	lang, err := connector.Language(qoqa.LanguageCodes)(ctx, mc, v)
	if err != nil {
		return nil, nil
	}
	return lang, nil
}

// countryCodes finds OpenERP's countries by their ISO code, asking each
// code once per process: countries do not change while a sync runs.
type countryCodes struct {
	oc  *openerp.Client
	ids lookups
}

// convert is the Converter of an ISO code into a res.country ID. An empty
// code is no country; a code OpenERP does not know is an error that names
// it, so that an operator can add the country and run the job again.
func (c *countryCodes) convert(ctx context.Context, mc *connector.MapContext, v any) (any, error) {
	code, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("want an ISO 3166 country code, got %T", v)
	}
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "" {
		return nil, nil
	}
	id, err := c.ids.get(ctx, code, func(ctx context.Context) (int64, error) {
		ids, err := c.oc.Search(ctx, "res.country", openerp.Where("code", "=", code), openerp.SearchOptions{Limit: 1})
		if err != nil {
			return 0, adapter.OpenERPDecision(err)
		}
		if len(ids) == 0 {
			return 0, fmt.Errorf("OpenERP has no country with the code %q", code)
		}
		return ids[0], nil
	})
	if err != nil {
		return nil, err
	}
	return id, nil
}

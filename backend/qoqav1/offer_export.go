package qoqav1

import (
	"context"
	"fmt"
	"maps"
	"strconv"

	"github.com/qoqasync/qoqasync/adapter"
	"github.com/qoqasync/qoqasync/backend"
	"github.com/qoqasync/qoqasync/connector"
)

// positionsKey is the field of an offer's record that holds its positions,
// read with it (see offerRecords).
const positionsKey = "positions"

// offerExport is the export of offers (qoqa.offer) as QoQa offers: title and
// content in every language, the shop and the deal by their bindings (both
// come from QoQa's imports), the dates as QoQa's datetimes, and the
// positions with their variation's QoQa ID and prices in cents. The
// variants that QoQa does not have yet, and so their templates, are
// exported first.
func offerExport(e *env) (backend.Components, error) {
	f, p := fieldNames(e, "offer"), fieldNames(e, "offer_position")
	local := &offerRecords{OpenERP: e.local("offer"), positionIDs: f("position_ids"), positions: e.local("offer_position")}
	position := connector.Mapping{Model: "offer_position", Rules: []connector.Rule{
		connector.Field(p("product_id"), "variation_id", connector.BoundRemote("variation")),
		connector.Field(p("unit_price"), "unit_price", connector.AmountToCents),
		connector.Field(p("regular_price"), "regular_price", connector.AmountToCents),
		connector.Field(p("lot_size"), "lot_size"),
		connector.Field(p("max_sellable"), "max_sellable"),
	}}
	mapping := connector.Mapping{Model: "offer", Rules: []connector.Rule{
		connector.Field(f("shop_id"), "shop_id", connector.BoundRemote("shop")),
		connector.Field(f("deal_id"), "deal_id", connector.BoundRemote("deal")),
		connector.Field(f("date_begin"), "start_at", qoqaDateTime...),
		connector.Field(f("date_end"), "stop_at", qoqaDateTime...),
		connector.Field(f("active"), "is_active"),
		connector.Field(f("currency"), "currency"),
		connector.Compute("translations", adapter.QoQaTranslationList(map[string]string{"title": f("name"), "content": f("description")})),
		connector.Children(positionsKey, "positions", position, nil),
	}}
	variant := p("product_id")
	return backend.Components{
		Local:        local,
		ExportMapper: authoredOnly{model: "offer", local: local, Mapper: mapping},
		KeepRemote:   keepHistory,
		ExportDependencies: func(ctx context.Context, rec connector.Record) ([]connector.Dependency, error) {
			positions, _ := rec.Fields[positionsKey].([]any)
			var deps []connector.Dependency
			for _, el := range positions {
				pos, _ := el.(map[string]any)
				if pos[variant] == nil {
					continue // the mapping names the position that lacks it
				}
				id, err := connector.ID(pos[variant])
				if err != nil {
					return nil, connector.Permanent(fmt.Errorf("offer %s: position %v: field %s: %w", rec.ID, pos["id"], variant, err))
				}
				deps = append(deps, connector.Dependency{Model: "variation", ID: id})
			}
			return deps, nil
		},
	}, nil
}

// offerRecords is the OpenERP adapter of offers whose records hold their
// positions (under positionsKey, each with its id): the positions are part
// of what QoQa receives, so they are part of the offer's content, whose
// hash tells the flows whether the offer changed. One more read per offer
// (or per batch) brings them.
type offerRecords struct {
	*adapter.OpenERP
	// positionIDs is the offer's one2many field of its positions.
	positionIDs string
	positions   *adapter.OpenERP
}

// Read implements connector.Adapter.
func (a *offerRecords) Read(ctx context.Context, id string) (connector.Record, error) {
	rec, err := a.OpenERP.Read(ctx, id)
	if err != nil {
		return rec, err
	}
	recs := []connector.Record{rec}
	err = a.withPositions(ctx, recs)
	return recs[0], err
}

// ReadMany reads offers as adapter.OpenERP.ReadMany does, with the
// positions of all of them in one more batch.
func (a *offerRecords) ReadMany(ctx context.Context, ids []string) ([]connector.Record, error) {
	recs, err := a.OpenERP.ReadMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	return recs, a.withPositions(ctx, recs)
}

// withPositions reads the positions of recs and puts them in each.
func (a *offerRecords) withPositions(ctx context.Context, recs []connector.Record) error {
	var ids []string
	for _, rec := range recs {
		list, _ := rec.Fields[a.positionIDs].([]any)
		for _, id := range list {
			s, err := connector.ID(id)
			if err != nil {
				return connector.Permanent(fmt.Errorf("%s %s: field %s: %w", a.Model, rec.ID, a.positionIDs, err))
			}
			ids = append(ids, s)
		}
	}
	byID := map[string]map[string]any{}
	if len(ids) > 0 {
		rows, err := a.positions.ReadMany(ctx, ids)
		if err != nil {
			return fmt.Errorf("%s: positions: %w", a.Model, err)
		}
		for _, r := range rows {
			fields := maps.Clone(r.Fields)
			n, _ := strconv.ParseInt(r.ID, 10, 64)
			fields["id"] = n
			byID[r.ID] = fields
		}
	}
	for _, rec := range recs {
		positions := []any{}
		list, _ := rec.Fields[a.positionIDs].([]any)
		for _, id := range list {
			s, _ := connector.ID(id)
			if p, ok := byID[s]; ok { // a position deleted since is left out
				positions = append(positions, p)
			}
		}
		rec.Fields[positionsKey] = positions
	}
	return nil
}

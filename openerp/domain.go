package openerp

// Domain is an OpenERP search domain: terms [field, operator, value] in
// prefix notation with "&", "|" and "!". The zero value matches every
// record.
type Domain []any

// Where is the domain of one term.
func Where(field, op string, value any) Domain { return Domain{[]any{field, op, value}} }

// And matches the records every domain matches.
func And(ds ...Domain) Domain { return join("&", ds) }

// Or matches the records any domain matches.
func Or(ds ...Domain) Domain { return join("|", ds) }

// Not matches the records d does not.
func Not(d Domain) Domain {
	if len(d) == 0 {
		return Domain{[]any{"id", "=", false}}
	}
	return append(Domain{"!"}, normalize(d)...)
}

// And adds a domain that must match too.
func (d Domain) And(other Domain) Domain { return And(d, other) }

// Or adds a domain that may match instead.
func (d Domain) Or(other Domain) Domain { return Or(d, other) }

func join(op string, ds []Domain) Domain {
	var parts []Domain
	for _, d := range ds {
		if len(d) > 0 {
			parts = append(parts, normalize(d))
		}
	}
	if len(parts) == 0 {
		return Domain{}
	}
	var out Domain
	for range len(parts) - 1 {
		out = append(out, op)
	}
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// normalize makes an implicit conjunction explicit: OpenERP reads [t1, t2]
// as [&, t1, t2], which must be spelled out before the domain is nested in
// another.
func normalize(d Domain) Domain {
	exprs := 0
	for i := 0; i < len(d); exprs++ {
		i = skipExpr(d, i)
	}
	if exprs <= 1 {
		return d
	}
	out := make(Domain, 0, len(d)+exprs-1)
	for range exprs - 1 {
		out = append(out, "&")
	}
	return append(out, d...)
}

// skipExpr returns the index after the prefix expression that starts at i.
func skipExpr(d Domain, i int) int {
	if i >= len(d) {
		return i
	}
	switch d[i] {
	case "&", "|":
		return skipExpr(d, skipExpr(d, i+1))
	case "!":
		return skipExpr(d, i+1)
	}
	return i + 1
}

package main

// validateModes reports a combination of -plan, -audit, -repair and -json
// that means nothing.
func (c config) validateModes() error {
	switch {
	case c.Plan && c.Audit:
		return &settingError{flag: "plan", msg: "one of -plan and -audit at a time"}
	case c.Repair && !c.Audit:
		return &settingError{flag: "repair", msg: "only with -audit"}
	case c.JSON && !c.Plan && !c.Audit:
		return &settingError{flag: "json", msg: "only with -plan or -audit"}
	case (!c.AuditFrom.IsZero() || !c.AuditTo.IsZero()) && !c.Audit:
		return &settingError{flag: "audit-from", msg: "-audit-from and -audit-to only with -audit"}
	case !c.AuditTo.IsZero() && !c.AuditFrom.IsZero() && !c.AuditTo.After(c.AuditFrom):
		return &settingError{flag: "audit-to", msg: "not after -audit-from"}
	}
	return nil
}

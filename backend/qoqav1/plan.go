package qoqav1

import (
	"context"
	"fmt"

	"github.com/qoqasync/qoqasync/connector"
)

var _ connector.CreatePlanner = customerPartner{}

// PlanCreate implements connector.CreatePlanner: a customer's create writes
// the partner of its user, so that a plan shows that write, not a new
// partner.
func (c customerPartner) PlanCreate(ctx context.Context, ref string, values map[string]any) (string, bool, error) {
	id, err := connector.ID(values[userPartner])
	if err != nil {
		return "", false, connector.Permanent(fmt.Errorf("qoqav1: %s: the mapping names no partner of the user to fill: %w", ref, err))
	}
	return id, false, nil
}

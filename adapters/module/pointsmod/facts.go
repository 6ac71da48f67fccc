package pointsmod

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/postgres/customersdb"
	"github.com/engagehq/engage/application/points/points"
	"github.com/engagehq/engage/domain/points/rules"
)

// customerFacts gives the earning rules what the customers module's read of its customers
// holds: birthdays, segment memberships, attributes (as text).
type customerFacts struct{ customersdb.RuleFacts }

var (
	_ points.CustomerFacts   = customerFacts{}
	_ points.PurchaseHistory = customerFacts{}
)

// Facts implements points.CustomerFacts.
func (f customerFacts) Facts(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]rules.Customer, error) {
	facts, err := f.RuleFacts.Facts(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]rules.Customer, len(facts))
	for id, fact := range facts {
		c := rules.Customer{Segments: fact.Segments}
		if fact.BirthDate != nil {
			c.BirthMonth, c.BirthDay = fact.BirthDate.Month(), fact.BirthDate.Day()
		}
		for k, v := range fact.Attributes {
			if v == nil {
				continue
			}
			if c.Attributes == nil {
				c.Attributes = map[string]string{}
			}
			c.Attributes[k] = fmt.Sprint(v)
		}
		out[id] = c
	}
	return out, nil
}

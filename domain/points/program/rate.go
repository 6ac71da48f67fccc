package program

import "fmt"

// Limits of a base rate.
const (
	MaxRatePoints   = 1_000_000
	MaxRatePerFen   = 100_000_000
	MaxMinSpendFen  = 10_000_000_000
	MaxPointsCapped = 100_000_000
)

// Rate is the base purchase rule of a wallet: Points for every whole PerFen of a purchase's
// amount, nothing for a purchase under MinSpendFen, at most MaxPerOrder (0: no cap).
type Rate struct {
	Points      int64
	PerFen      int64
	MinSpendFen int64
	MaxPerOrder int64
}

// Earn returns the points a purchase of amountFen earns.
func (r Rate) Earn(amountFen int64) int64 {
	if amountFen <= 0 || amountFen < r.MinSpendFen || r.PerFen <= 0 {
		return 0
	}
	points := amountFen / r.PerFen * r.Points
	if r.MaxPerOrder > 0 {
		points = min(points, r.MaxPerOrder)
	}
	return points
}

// Check returns the fields at fault, named after prefix.
func (r Rate) Check(prefix string) []error {
	var errs []error
	if r.Points < 0 || r.Points > MaxRatePoints {
		errs = append(errs, invalid(prefix+"points", fmt.Sprintf("between 0 and %d", MaxRatePoints)))
	}
	if r.PerFen < 1 || r.PerFen > MaxRatePerFen {
		errs = append(errs, invalid(prefix+"per_fen", fmt.Sprintf("between 1 and %d", MaxRatePerFen)))
	}
	if r.MinSpendFen < 0 || r.MinSpendFen > MaxMinSpendFen {
		errs = append(errs, invalid(prefix+"min_spend_fen", fmt.Sprintf("between 0 and %d", MaxMinSpendFen)))
	}
	if r.MaxPerOrder < 0 || r.MaxPerOrder > MaxPointsCapped {
		errs = append(errs, invalid(prefix+"max_points_per_order", fmt.Sprintf("between 0 (no cap) and %d", MaxPointsCapped)))
	}
	return errs
}

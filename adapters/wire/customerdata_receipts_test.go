package wire_test

import (
	"context"
	"crypto/sha256"
	"time"

	"github.com/google/uuid"

	"github.com/engagehq/engage/adapters/postgres/pgtest"
	"github.com/engagehq/engage/adapters/postgres/pointsdb"
	"github.com/engagehq/engage/domain/points/receipts"
)

// Receipt scanning's part of a customer, for the customer data contract: what OCR read on a
// receipt's photo may show the customer's name or card, and goes on erasure; the amount stays.
func init() {
	addCustomerDataCases(map[string]pgtest.CustomerDataPart{
		"receipts": {
			Seed: func(ctx context.Context, c uuid.UUID, personal string) error {
				id := uuid.New()
				sum := sha256.Sum256(id[:])
				r := receipts.Receipt{ID: id, Customer: c, Status: receipts.Pending, ImageKey: "receipts/test/" + id.String() + ".png",
					ImageHash: sum[:], ContentType: "image/png", ImageBytes: 100, CreatedAt: time.Now()}
				if err := (pointsdb.Receipts{}).Insert(ctx, r); err != nil {
					return err
				}
				r.Read, r.ReadAt, r.Text = true, time.Now(), "全家便利店\n会员："+personal+"\n合计：16.80"
				r.Fields = receipts.Fields{Store: "全家便利店", AmountFen: 1680, Number: "20261201031588"}
				return pointsdb.Receipts{}.Update(ctx, r)
			},
			Personal: "王小明 138****5678",
			Kept:     `"amount_fen":1680`,
		},
	})
}

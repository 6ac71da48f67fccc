-- Earning writes an operation, and per wallet a lot and an entry, for every purchase: what each
-- of those rows costs beyond the row itself (an index entry, a foreign key check) is paid
-- 69,659 times replaying one brand's history. This keeps what a query or a constraint needs and
-- drops the rest:
--
-- * points_operations referenced tenants and customers (tenant_id, id); customers references
--   tenants, so the first check proved nothing the second does not: it goes.
-- * points_entries referenced operations and customers. An entry is written with its operation,
--   in the operation's customer's account (the book makes both from the account it locked), and a
--   merge moves both to the survivor; the operation's own foreign key to customers holds for the
--   entry's customer. The entry keeps its foreign key to its operation.
-- * points_operations_purchase served finding a purchase's operations (a refund reads them). A
--   purchase's own earning is found by its key ("purchase:<event id>", unique), so the index
--   keeps the other operations about a purchase (refunds, redemptions paying for an order) and
--   no longer gets an entry per earning.
-- * points_entries_operation served a refund finding what a redemption drew (redeem entries)
--   and a data download listing an operation's entries, which now reads a customer's entries by
--   the history index: the index keeps the redeem entries only.
--
-- Kept, each for its reader: on operations the primary key, the unique key, and the customer
-- (merges, downloads, erasure); on lots the primary key (draws), the customer's lots (merges,
-- downloads, and the foreign key from lots to balances when a merge drops an account), the open
-- lots (every change), and the sweep's three partial indexes (a lot is in at most two of them,
-- and an earned lot, pending or not expiring by default, in at most one); on entries the
-- primary key (draws) and the history.

-- +goose Up
ALTER TABLE points_operations DROP CONSTRAINT points_operations_tenant_id_fkey;
ALTER TABLE points_entries DROP CONSTRAINT points_entries_tenant_id_customer_id_fkey;
DROP INDEX points_operations_purchase;
CREATE INDEX points_operations_purchase ON points_operations (tenant_id, purchase_id)
    WHERE purchase_id IS NOT NULL AND kind <> 'purchase';
DROP INDEX points_entries_operation;
CREATE INDEX points_entries_redeem ON points_entries (tenant_id, operation_id) WHERE kind = 'redeem';

-- +goose Down
DROP INDEX points_entries_redeem;
CREATE INDEX points_entries_operation ON points_entries (tenant_id, operation_id);
DROP INDEX points_operations_purchase;
CREATE INDEX points_operations_purchase ON points_operations (tenant_id, purchase_id, kind) WHERE purchase_id IS NOT NULL;
ALTER TABLE points_entries ADD FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id);
ALTER TABLE points_operations ADD FOREIGN KEY (tenant_id) REFERENCES tenants (id);

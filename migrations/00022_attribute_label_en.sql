-- A custom attribute's name in English beside the one it had (the console shows each admin the
-- name in their language, the other when one is missing).

-- +goose Up
ALTER TABLE customer_attribute_defs ADD COLUMN label_en text NOT NULL DEFAULT '' CHECK (length(label_en) <= 100);

-- +goose Down
ALTER TABLE customer_attribute_defs DROP COLUMN label_en;

-- A wallet's name in Chinese and English, for the console and reports to show instead of its
-- key ("咖啡豆" for coffee); empty for the built-in wallets, which have names of their own.

-- +goose Up
ALTER TABLE points_wallets
    ADD COLUMN label_zh text NOT NULL DEFAULT '' CHECK (length(label_zh) <= 40),
    ADD COLUMN label_en text NOT NULL DEFAULT '' CHECK (length(label_en) <= 40);

-- +goose Down
ALTER TABLE points_wallets DROP COLUMN label_zh, DROP COLUMN label_en;

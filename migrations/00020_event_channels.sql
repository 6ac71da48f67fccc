-- Events may come from China's commerce platforms and WeCom too (domain/customers/event.Channels).
-- The new set holds the old one, so the constraint is added NOT VALID and validated after, which
-- does not block writes.

-- +goose Up
ALTER TABLE customer_events DROP CONSTRAINT customer_events_channel_check;
ALTER TABLE customer_events ADD CONSTRAINT customer_events_channel_check
    CHECK (channel IN ('mini_program', 'pos', 'website', 'email', 'wechat', 'wecom', 'tmall', 'taobao', 'jd', 'pinduoduo', 'douyin', 'kuaishou', 'xiaohongshu', 'meituan', 'eleme', 'youzan', 'app', 'other')) NOT VALID;
ALTER TABLE customer_events VALIDATE CONSTRAINT customer_events_channel_check;

-- +goose Down
DELETE FROM customer_events WHERE channel NOT IN ('mini_program', 'pos', 'website', 'email', 'wechat', 'other');
ALTER TABLE customer_events DROP CONSTRAINT customer_events_channel_check;
ALTER TABLE customer_events ADD CONSTRAINT customer_events_channel_check CHECK (channel IN ('mini_program', 'pos', 'website', 'email', 'wechat', 'other'));

-- A customer's first Mini Program login is an action a rule may reward (once per customer),
-- beside joining: a member who joined at a till earns it when they first open the Mini Program.

-- +goose Up
ALTER TABLE points_action_rules DROP CONSTRAINT points_action_rules_action_check;
ALTER TABLE points_action_rules ADD CONSTRAINT points_action_rules_action_check
    CHECK (action IN ('registration', 'first_login', 'check_in', 'referral', 'survey', 'event'));

-- +goose Down
DELETE FROM points_action_rules WHERE action = 'first_login';
ALTER TABLE points_action_rules DROP CONSTRAINT points_action_rules_action_check;
ALTER TABLE points_action_rules ADD CONSTRAINT points_action_rules_action_check
    CHECK (action IN ('registration', 'check_in', 'referral', 'survey', 'event'));

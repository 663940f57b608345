-- Reason: issue 4 items 7 and 8: when the one reminder was sent and when the member was removed, so each happens
-- once. The due times themselves (reminder_due_at, removal_due_at) came with 0002; claiming one clears it and sets
-- the matching marker here in the same transaction. Times are unix seconds (UTC).
ALTER TABLE onboarding ADD COLUMN reminded_at INTEGER;
ALTER TABLE onboarding ADD COLUMN removed_at INTEGER;

CREATE INDEX onboarding_reminder_due ON onboarding (reminder_due_at) WHERE reminder_due_at IS NOT NULL;
CREATE INDEX onboarding_removal_due ON onboarding (removal_due_at) WHERE removal_due_at IS NOT NULL;

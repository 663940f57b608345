-- Reason: issue 4 items 1 and 9: a guild's unpublished agreement draft, and the grace period after a new version.
-- Times are unix seconds (UTC); Discord ids are INTEGER.

-- One draft per guild, written by /agreement edit and turned into a version by /agreement publish. updated_by is
-- 0 once that admin's data was erased.
CREATE TABLE agreement_drafts (
    guild_id   INTEGER PRIMARY KEY,
    text       TEXT NOT NULL,
    updated_by INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

-- grace_due_at: a member who accepted an older version must accept the newest by then (NULL: nothing due).
-- role_withheld_at: when the bot took the member role away for missing that deadline, so it happens once; it is
-- cleared (and the role given back) when they accept.
ALTER TABLE onboarding ADD COLUMN grace_due_at INTEGER;
ALTER TABLE onboarding ADD COLUMN role_withheld_at INTEGER;

CREATE INDEX onboarding_grace_due ON onboarding (grace_due_at) WHERE grace_due_at IS NOT NULL;

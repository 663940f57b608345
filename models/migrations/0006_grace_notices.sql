-- Reason: a member must be told about a new version before its grace period can take their access away. Publishing
-- sets the deadline; the notice is claimed here when it is sent, by the publish command or, after a crash, by the
-- periodic check, and only noticed members can have the member role withheld.

-- grace_notified_at: when the member was sent the new version (NULL: not yet; the periodic check will send it).
ALTER TABLE onboarding ADD COLUMN grace_notified_at INTEGER;

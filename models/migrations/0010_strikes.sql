-- Reason: issue 7, the strike ladder. A breach may carry a moderator's reason (a Fernet token: it may describe the
-- member), the ladder step it led to, and — after /strike remove — who took it back and when (it then no longer
-- counts, but stays as the group's record).
ALTER TABLE breaches ADD COLUMN reason BLOB;
ALTER TABLE breaches ADD COLUMN step TEXT;
ALTER TABLE breaches ADD COLUMN removed_at INTEGER;
ALTER TABLE breaches ADD COLUMN removed_by INTEGER;

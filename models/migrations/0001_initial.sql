-- Reason: the foundation: store metadata (the encryption key check), per-guild settings and the
-- append-only moderation audit log. Times are unix seconds (UTC); Discord ids are INTEGER.

CREATE TABLE store_meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;

-- settings is a JSON object of GuildSettings fields; a missing field means "use the default".
CREATE TABLE guild_settings (
    guild_id   INTEGER PRIMARY KEY,
    settings   TEXT NOT NULL CHECK (json_valid(settings) AND json_type(settings) = 'object'),
    updated_at INTEGER NOT NULL
) STRICT;

-- reason is a Fernet token (moderators may write identifying things there); actor_id/subject_id are 0
-- once the user asked for their data to be deleted. AUTOINCREMENT keeps ids from ever being reused.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id   INTEGER NOT NULL,
    actor_id   INTEGER NOT NULL,
    action     TEXT NOT NULL,
    subject_id INTEGER,
    created_at INTEGER NOT NULL,
    reason     BLOB
) STRICT;

CREATE INDEX audit_log_guild ON audit_log (guild_id);
CREATE INDEX audit_log_guild_subject ON audit_log (guild_id, subject_id);

-- The log is append-only: an UPDATE may only erase (actor/subject to 0, reason to NULL), which is how a
-- user's deletion request is honoured without losing the group's record that an action happened.
CREATE TRIGGER audit_log_append_only
BEFORE UPDATE ON audit_log
WHEN NEW.id IS NOT OLD.id
    OR NEW.guild_id IS NOT OLD.guild_id
    OR NEW.action IS NOT OLD.action
    OR NEW.created_at IS NOT OLD.created_at
    OR (NEW.actor_id IS NOT OLD.actor_id AND NEW.actor_id != 0)
    OR (NEW.subject_id IS NOT OLD.subject_id AND NEW.subject_id IS NOT 0)
    OR (NEW.reason IS NOT OLD.reason AND NEW.reason IS NOT NULL)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only; rows can only be erased');
END;

-- Reason: capability A (agreement and consent): the guild's agreement versions, the append-only consent ledger
-- and each member's onboarding state. Times are unix seconds (UTC); Discord ids are INTEGER.

-- Version 1 of a guild that never published its own text is the default agreement, written on first use.
-- published_by is NULL for that default.
CREATE TABLE agreement_versions (
    guild_id     INTEGER NOT NULL,
    version      INTEGER NOT NULL CHECK (version >= 1),
    text         TEXT NOT NULL,
    sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
    published_by INTEGER,
    published_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, version)
) STRICT;

-- The group's record of who agreed to (or declined) which text, how and where. user_id is 0 once the user's
-- data was erased where the group does not keep consents as its record.
CREATE TABLE consents (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    text_sha256 TEXT NOT NULL CHECK (length(text_sha256) = 64),
    decision    TEXT NOT NULL CHECK (decision IN ('accepted', 'declined')),
    via         TEXT NOT NULL CHECK (via IN ('dm', 'gate')),
    channel_id  INTEGER,
    created_at  INTEGER NOT NULL,
    FOREIGN KEY (guild_id, version) REFERENCES agreement_versions (guild_id, version)
) STRICT;

CREATE INDEX consents_guild_user ON consents (guild_id, user_id);

CREATE TRIGGER consents_append_only
BEFORE UPDATE ON consents
WHEN NEW.id IS NOT OLD.id
    OR NEW.guild_id IS NOT OLD.guild_id
    OR NEW.version IS NOT OLD.version
    OR NEW.text_sha256 IS NOT OLD.text_sha256
    OR NEW.decision IS NOT OLD.decision
    OR NEW.via IS NOT OLD.via
    OR NEW.channel_id IS NOT OLD.channel_id
    OR NEW.created_at IS NOT OLD.created_at
    OR (NEW.user_id IS NOT OLD.user_id AND NEW.user_id != 0)
BEGIN
    SELECT RAISE(ABORT, 'consents is append-only; rows can only be erased');
END;

CREATE TRIGGER consents_never_deleted
BEFORE DELETE ON consents
BEGIN
    SELECT RAISE(ABORT, 'consents is append-only; erase the user id instead of deleting');
END;

-- Where each member stands with the guild's agreement. role_granted_at is set when the bot claims the role grant
-- (so a double click grants once) and cleared when a grant fails or the member rejoins. channel_id is the DM
-- channel or the private gate thread the agreement was sent to. The due times are for reminders and the optional
-- removal; NULL means nothing is due.
CREATE TABLE onboarding (
    guild_id        INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    version         INTEGER NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'declined')),
    via             TEXT CHECK (via IN ('dm', 'gate')),
    channel_id      INTEGER,
    role_granted_at INTEGER,
    reminder_due_at INTEGER,
    removal_due_at  INTEGER,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id),
    FOREIGN KEY (guild_id, version) REFERENCES agreement_versions (guild_id, version)
) STRICT;

CREATE INDEX onboarding_guild_state ON onboarding (guild_id, state);

-- Reason: issue 4 items 5 and 6: the comprehension check's progress, and cases (questions to the moderators now;
-- the reports issue adds kind 'report' and builds cases out). Times are unix seconds (UTC); Discord ids INTEGER.

-- Which quiz questions a member answered correctly for one agreement version, as a bitmask (bit i = question i),
-- so a restart does not lose their progress.
CREATE TABLE quiz_progress (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    passed     INTEGER NOT NULL DEFAULT 0 CHECK (passed >= 0),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id, version)
) STRICT;

-- One case per question (later: per report). number counts per guild and is what moderators see ("case #3").
-- text and answer are Fernet tokens: members write personal things there. channel_id/message_id point at the
-- case's message in the cases channel (NULL while it was not posted). answered_by/handled ids are 0 once erased.
CREATE TABLE cases (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    number      INTEGER NOT NULL CHECK (number >= 1),
    kind        TEXT NOT NULL CHECK (kind IN ('question', 'report')),
    status      TEXT NOT NULL CHECK (status IN ('open', 'answered', 'closed')),
    member_id   INTEGER NOT NULL,
    text        BLOB NOT NULL,
    channel_id  INTEGER,
    message_id  INTEGER,
    answer      BLOB,
    answered_by INTEGER,
    answered_at INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (guild_id, number)
) STRICT;

CREATE INDEX cases_guild_status ON cases (guild_id, status);
CREATE INDEX cases_member ON cases (member_id);

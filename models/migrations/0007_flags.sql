-- Reason: issue 5, flagging. A flag is one message in which the engine found identifying details, waiting for or
-- carrying a moderator's decision. Times are unix seconds (UTC); Discord ids INTEGER; 0 marks an erased user.

-- spans is JSON: [[label, start, end, rule, subject], …] — where the details are and what kind, never the details.
-- text is a Fernet token of the original message (needed for Reveal and to give the author their text back);
-- NULL once retention purged it. message_id is NULL for a message AutoMod blocked before it was posted.
-- queue_channel_id/queue_message_id point at the flag's post in the moderators' queue (NULL until posted).
CREATE TABLE flags (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id         INTEGER NOT NULL,
    channel_id       INTEGER NOT NULL,
    message_id       INTEGER,
    author_id        INTEGER NOT NULL,
    source           TEXT NOT NULL CHECK (source IN ('message', 'forward', 'automod')),
    status           TEXT NOT NULL CHECK (status IN ('open', 'held', 'dismissed', 'removed', 'warned',
                                                     'edit_asked', 'case_opened', 'restored', 'gone', 'edited')),
    risk             REAL NOT NULL CHECK (risk >= 0 AND risk <= 1),
    spans            TEXT NOT NULL,
    text             BLOB,
    queue_channel_id INTEGER,
    queue_message_id INTEGER,
    author_answer    TEXT CHECK (author_answer IN ('editing', 'keep', 'ask')),
    nudged_at        INTEGER,
    decided_by       INTEGER,
    decided_at       INTEGER,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (guild_id, message_id)
) STRICT;

CREATE INDEX flags_guild_status ON flags (guild_id, status);
CREATE INDEX flags_author ON flags (author_id, guild_id);

-- Who revealed a flag's original text, and when (also in the audit log; kept here to show on the flag).
CREATE TABLE flag_reveals (
    flag_id      INTEGER NOT NULL REFERENCES flags (id) ON DELETE CASCADE,
    moderator_id INTEGER NOT NULL,
    revealed_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX flag_reveals_flag ON flag_reveals (flag_id);

-- Breaches a moderator confirmed (Remove + warn on a flag, a case's resolution, /strike add): what the strike
-- ladder counts. source says where the confirmation came from; ref is the flag id or case number there.
CREATE TABLE breaches (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id     INTEGER NOT NULL,
    member_id    INTEGER NOT NULL,
    source       TEXT NOT NULL CHECK (source IN ('flag', 'case', 'command')),
    ref          INTEGER,
    confirmed_by INTEGER NOT NULL,
    created_at   INTEGER NOT NULL
) STRICT;

CREATE INDEX breaches_member ON breaches (guild_id, member_id);

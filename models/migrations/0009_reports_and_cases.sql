-- Reason: issue 5 (flags opened as cases) and issue 6 (breach reports): cases get the report's category and the
-- reporter's choice to share their name, a thread, a persistent outbox (delivered_at, attempts, next_attempt_at),
-- a resolution (subject, action, outcome, note to the reporter), retention (purged_at), a timeline, evidence and
-- blocked reporters. SQLite cannot change a CHECK in place, so `cases` is rebuilt with the same rows.
-- Times are unix seconds (UTC); Discord ids INTEGER; 0 marks an erased user. BLOB columns are Fernet tokens.

CREATE TABLE cases_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id        INTEGER NOT NULL,
    number          INTEGER NOT NULL CHECK (number >= 1),
    kind            TEXT NOT NULL CHECK (kind IN ('question', 'report', 'flag')),
    status          TEXT NOT NULL CHECK (status IN ('open', 'answered', 'acknowledged', 'awaiting', 'resolved',
                                                    'dismissed', 'closed')),
    member_id       INTEGER NOT NULL,
    text            BLOB NOT NULL,
    channel_id      INTEGER,
    message_id      INTEGER,
    answer          BLOB,
    answered_by     INTEGER,
    answered_at     INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    flag_id         INTEGER REFERENCES flags (id) ON DELETE SET NULL,
    category        TEXT CHECK (category IN ('shared_outside', 'recording', 'outed', 'contacted', 'other')),
    share_name      INTEGER NOT NULL DEFAULT 0 CHECK (share_name IN (0, 1)),
    thread_id       INTEGER,
    delivered_at    INTEGER,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    subject_id      INTEGER,
    action          TEXT CHECK (action IN ('none', 'warning', 'timeout', 'removal')),
    outcome         BLOB,
    reporter_note   BLOB,
    closed_by       INTEGER,
    closed_at       INTEGER,
    purged_at       INTEGER,
    UNIQUE (guild_id, number)
) STRICT;

-- Cases posted before the outbox existed count as delivered when they have a message.
INSERT INTO cases_new (id, guild_id, number, kind, status, member_id, text, channel_id, message_id, answer,
                       answered_by, answered_at, created_at, updated_at, delivered_at)
SELECT id, guild_id, number, kind, status, member_id, text, channel_id, message_id, answer,
       answered_by, answered_at, created_at, updated_at, CASE WHEN message_id IS NULL THEN NULL ELSE updated_at END
FROM cases;

DROP TABLE cases;
ALTER TABLE cases_new RENAME TO cases;
CREATE INDEX cases_guild_status ON cases (guild_id, status);
CREATE INDEX cases_member ON cases (member_id);
CREATE INDEX cases_outbox ON cases (next_attempt_at) WHERE delivered_at IS NULL;

-- A case's timeline: notes, relayed questions and replies, status changes, unmasks, blocks.
CREATE TABLE case_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id    INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    actor_id   INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('note', 'asked', 'reply', 'status', 'unmasked', 'blocked')),
    text       BLOB,
    created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX case_events_case ON case_events (case_id);

-- Messages snapshotted as evidence when a report was filed. readable = 0: a link the bot could not read, kept as
-- a link. content and attachments (a JSON list of file names) are Fernet tokens.
CREATE TABLE evidence (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    link        TEXT NOT NULL,
    readable    INTEGER NOT NULL CHECK (readable IN (0, 1)),
    channel_id  INTEGER,
    message_id  INTEGER,
    author_id   INTEGER,
    content     BLOB,
    attachments BLOB,
    posted_at   INTEGER,
    captured_at INTEGER NOT NULL
) STRICT;

CREATE INDEX evidence_case ON evidence (case_id);

-- Members who may no longer file reports in a guild (blocked from a case, without unmasking them).
CREATE TABLE report_blocks (
    guild_id   INTEGER NOT NULL,
    member_id  INTEGER NOT NULL,
    blocked_by INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, member_id)
) STRICT;

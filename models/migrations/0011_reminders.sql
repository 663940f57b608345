-- Reason: issue 7 item 3, scheduled confidentiality reminders per channel: every N hours, or every N days at a
-- local time of day (minutes after midnight, in the guild's time zone from its settings). Times are unix seconds
-- (UTC); Discord ids INTEGER; 0 marks an erased user.

-- next_at is the slot the reminder runs at next. The bot claims a due reminder by moving next_at on with
-- `UPDATE … WHERE id = ? AND next_at = <the slot it read>`, and only the claimer posts, so two ticks (or two
-- processes) never post one slot twice. posts counts claims, to rotate the default texts. text is the
-- moderator's own text (not secret: it is posted to the channel), or NULL for the rotating defaults.
CREATE TABLE reminders (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id       INTEGER NOT NULL,
    channel_id     INTEGER NOT NULL,
    every          INTEGER NOT NULL CHECK (every >= 1),
    unit           TEXT NOT NULL CHECK (unit IN ('hours', 'days')),
    at_minute      INTEGER CHECK (at_minute BETWEEN 0 AND 1439),
    text           TEXT,
    next_at        INTEGER NOT NULL,
    last_posted_at INTEGER,
    posts          INTEGER NOT NULL DEFAULT 0,
    created_by     INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    CHECK ((unit = 'hours' AND at_minute IS NULL) OR (unit = 'days' AND at_minute IS NOT NULL))
) STRICT;

CREATE INDEX reminders_by_due ON reminders (next_at);
CREATE INDEX reminders_by_guild ON reminders (guild_id, id);

-- Reason: a member whose DMs are closed is written to in a private thread of the gate channel. One thread per member
-- and guild, reused for every later note (nudges, strike notices, answers), instead of a new thread each time.
CREATE TABLE private_threads (
    guild_id  INTEGER NOT NULL,
    user_id   INTEGER NOT NULL,
    thread_id INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) STRICT;

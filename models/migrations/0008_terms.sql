-- Reason: issue 5 items 5 and 6: each guild's allowlist and denylist, and members' protected terms ("Protect my
-- identity"). Times are unix seconds (UTC); Discord ids INTEGER; 0 marks an erased user.

-- term is a Fernet token of the term as a moderator typed it (a deny term such as the meeting venue identifies
-- the group). term_hash is a keyed HMAC-SHA256 of the term's normalised form (models/terms.py), so the same term
-- is not listed twice without the database holding it in the clear. label is the kind of detail a deny term
-- flags as (LOCATION, …); allow terms have none.
CREATE TABLE guild_terms (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id  INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('allow', 'deny')),
    term      BLOB NOT NULL,
    term_hash BLOB NOT NULL,
    label     TEXT CHECK ((kind = 'allow' AND label IS NULL) OR (kind = 'deny' AND label IS NOT NULL)),
    added_by  INTEGER NOT NULL,
    added_at  INTEGER NOT NULL,
    UNIQUE (guild_id, kind, term_hash)
) STRICT;

-- A member's protected terms, only as the digests rules.detection.policy.ProtectedTerms computes with the
-- process-wide salt (kept encrypted in store_meta): the text a member registered is never stored.
CREATE TABLE protected_terms (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL,
    digest     BLOB NOT NULL,
    label      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, digest)
) STRICT;

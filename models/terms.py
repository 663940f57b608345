"""The Store's queries for words a guild or a member taught Confidant: allow/deny terms and protected terms.

Guild terms are stored encrypted (a deny term such as the meeting venue identifies the group). To keep a list free
of repeats without holding terms in the clear, each row also carries a keyed hash (HMAC-SHA256 under a random
secret kept encrypted in `store_meta`) of the term's *normalised* form: NFKC, case-folded, its words joined by
single spaces. A word is what `rules.detection.policy.term_key` counts as one (letters and digits, joined by
apostrophes, dots or hyphens), so two terms are the same here exactly when the engine matches them alike; models
may not import rules, so the rule is repeated below and a test keeps the two in step.

Protected terms arrive already hashed (`ProtectedTerms.digest`, under `protection_salt()`); their text never
reaches the database.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import sqlite3
import unicodedata
from datetime import UTC, datetime

import aiosqlite

from models._queries import Queries
from models.records import ERASED_USER_ID, GuildTerm, ProtectedTerm, TermKind, require_id

__all__ = [
    "MAX_GUILD_TERMS",
    "MAX_PROTECTED_TERMS",
    "MAX_TERM_LENGTH",
    "MAX_TERM_WORDS",
    "TermQueries",
    "normalise_term",
]

MAX_GUILD_TERMS = 200  # per guild and list
MAX_PROTECTED_TERMS = 25  # per member
MAX_TERM_LENGTH = 100  # characters, as typed
MAX_TERM_WORDS = 4  # rules.detection.policy.MAX_TERM_WORDS: a longer deny term would never match
SALT_BYTES = 32

# rules.detection.policy._WORD: keep the two identical (tests/models/test_terms.py compares them).
_WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")
_LABEL = re.compile(r"[A-Z]{2,16}")
_PROTECTION_SALT = "protection_salt"
_TERM_INDEX_KEY = "term_index_key"


def normalise_term(text: str) -> str:
    """The form in which terms are compared: NFKC, case-folded, words joined by single spaces ('' if no words)."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


class TermQueries(Queries):
    """Allowlist and denylist terms per guild; members' protected terms, as salted hashes only."""

    ENCRYPTED = (("guild_terms", "term"),)

    # -- secrets -------------------------------------------------------------------------------------------

    async def _secret(self, conn: aiosqlite.Connection, name: str) -> bytes:
        """The random secret `name` from store_meta, created on first use; stored encrypted, never in the clear."""
        await conn.execute(
            "INSERT INTO store_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
            (name, self._cipher.encrypt(os.urandom(SALT_BYTES).hex())),
        )
        rows = await conn.execute_fetchall("SELECT value FROM store_meta WHERE key = ?", (name,))
        return bytes.fromhex(self._cipher.decrypt(next(iter(rows))["value"], field=name.replace("_", " ")))

    async def protection_salt(self) -> bytes:
        """The process-wide salt of protected terms' digests (32 random bytes, created on first use)."""

        async def work(conn: aiosqlite.Connection) -> bytes:
            return await self._secret(conn, _PROTECTION_SALT)

        return await self._write("read the protection salt", work)

    # -- guild terms ---------------------------------------------------------------------------------------

    async def add_guild_term(
        self, guild_id: int, kind: TermKind, term: str, added_by: int, label: str | None = None
    ) -> GuildTerm | None:
        """Put `term` on the guild's `kind` list; None if it is there already (compared by `normalise_term`).

        Deny terms need the label they flag as (e.g. "LOCATION"); allow terms take none. A list holds at most
        MAX_GUILD_TERMS. Errors never quote the term, since they may be logged.
        """
        require_id("guild_id", guild_id)
        require_id("added_by", added_by)
        kind = TermKind(kind)
        text = term.strip()
        key = normalise_term(text)
        if not key:
            raise ValueError("a term needs at least one letter or digit")
        if len(text) > MAX_TERM_LENGTH:
            raise ValueError(f"a term is at most {MAX_TERM_LENGTH} characters long, this one has {len(text)}")
        if kind is TermKind.DENY:
            if label is None or not _LABEL.fullmatch(label):
                raise ValueError(f"a deny term needs a label such as 'LOCATION', got {label!r}")
            if len(key.split()) > MAX_TERM_WORDS:
                raise ValueError(f"a deny term has at most {MAX_TERM_WORDS} words (longer ones never match)")
        elif label is not None:
            raise ValueError(f"an allow term takes no label, got {label!r}")
        now = self._now()
        token = self._cipher.encrypt(text)

        async def work(conn: aiosqlite.Connection) -> sqlite3.Row | None:
            rows = await conn.execute_fetchall(
                "SELECT count(*) FROM guild_terms WHERE guild_id = ? AND kind = ?", (guild_id, kind.value)
            )
            if int(next(iter(rows))[0]) >= MAX_GUILD_TERMS:
                raise ValueError(f"the guild's {kind.value} list is full ({MAX_GUILD_TERMS} terms); remove one first")
            index_key = await self._secret(conn, _TERM_INDEX_KEY)
            term_hash = hmac.new(index_key, key.encode("utf-8"), hashlib.sha256).digest()
            rows = await conn.execute_fetchall(
                "INSERT INTO guild_terms (guild_id, kind, term, term_hash, label, added_by, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, kind, term_hash) DO NOTHING RETURNING *",
                (guild_id, kind.value, token, term_hash, label, added_by, now),
            )
            return next(iter(rows), None)

        row = await self._write("add a guild term", work)
        return None if row is None else self._guild_term(row)

    async def guild_terms(self, guild_id: int, kind: TermKind | None = None) -> list[GuildTerm]:
        """The guild's terms (of one list, or both), oldest first, decrypted."""
        require_id("guild_id", guild_id)
        if kind is None:
            rows = await self._read(
                "read guild terms", "SELECT * FROM guild_terms WHERE guild_id = ? ORDER BY id", (guild_id,)
            )
        else:
            rows = await self._read(
                "read guild terms",
                "SELECT * FROM guild_terms WHERE guild_id = ? AND kind = ? ORDER BY id",
                (guild_id, TermKind(kind).value),
            )
        return [self._guild_term(row) for row in rows]

    async def remove_guild_term(self, guild_id: int, term_id: int) -> GuildTerm | None:
        """Take one term off the guild's lists; None if the guild has no term `term_id`."""
        require_id("guild_id", guild_id)

        async def work(conn: aiosqlite.Connection) -> sqlite3.Row | None:
            rows = await conn.execute_fetchall(
                "DELETE FROM guild_terms WHERE guild_id = ? AND id = ? RETURNING *", (guild_id, term_id)
            )
            return next(iter(rows), None)

        row = await self._write("remove a guild term", work)
        return None if row is None else self._guild_term(row)

    def _guild_term(self, row: sqlite3.Row) -> GuildTerm:
        """Build a GuildTerm from a guild_terms row, decrypting the term."""
        return GuildTerm(
            id=row["id"],
            guild_id=row["guild_id"],
            kind=TermKind(row["kind"]),
            term=self._cipher.decrypt(row["term"], field="guild term"),
            label=row["label"],
            added_by=row["added_by"],
            added_at=datetime.fromtimestamp(row["added_at"], UTC),
        )

    # -- protected terms -----------------------------------------------------------------------------------

    async def add_protected_term(self, user_id: int, digest: bytes, label: str) -> ProtectedTerm | None:
        """Register a member's protected term by its digest; None if they registered it already.

        A member has at most MAX_PROTECTED_TERMS; the next one raises ValueError.
        """
        require_id("user_id", user_id)
        if not isinstance(digest, bytes) or not 16 <= len(digest) <= 64:
            raise ValueError("a protected term's digest must be 16 to 64 bytes (ProtectedTerms.digest)")
        if not _LABEL.fullmatch(label):
            raise ValueError(f"a protected term's label must be a label such as 'PERSON', got {label!r}")
        now = self._now()

        async def work(conn: aiosqlite.Connection) -> sqlite3.Row | None:
            rows = await conn.execute_fetchall("SELECT count(*) FROM protected_terms WHERE user_id = ?", (user_id,))
            existing = await conn.execute_fetchall(
                "SELECT 1 FROM protected_terms WHERE user_id = ? AND digest = ?", (user_id, digest)
            )
            if list(existing):
                return None
            if int(next(iter(rows))[0]) >= MAX_PROTECTED_TERMS:
                raise ValueError(f"a member can protect at most {MAX_PROTECTED_TERMS} terms; remove one first")
            rows = await conn.execute_fetchall(
                "INSERT INTO protected_terms (user_id, digest, label, created_at) VALUES (?, ?, ?, ?) RETURNING *",
                (user_id, digest, label, now),
            )
            return next(iter(rows))

        row = await self._write("add a protected term", work)
        return None if row is None else _protected_term(row)

    async def protected_terms(self, user_id: int | None = None) -> list[ProtectedTerm]:
        """One member's protected terms, or everyone's when `user_id` is None, oldest first."""
        if user_id is None:
            rows = await self._read("read protected terms", "SELECT * FROM protected_terms ORDER BY id")
        else:
            require_id("user_id", user_id)
            rows = await self._read(
                "read protected terms", "SELECT * FROM protected_terms WHERE user_id = ? ORDER BY id", (user_id,)
            )
        return [_protected_term(row) for row in rows]

    async def remove_protected_term(self, user_id: int, term_id: int) -> bool:
        """Remove one of the member's own protected terms; False if they have none with that id."""
        require_id("user_id", user_id)

        async def work(conn: aiosqlite.Connection) -> bool:
            cursor = await conn.execute("DELETE FROM protected_terms WHERE user_id = ? AND id = ?", (user_id, term_id))
            return cursor.rowcount > 0

        return await self._write("remove a protected term", work)

    # -- deletion ------------------------------------------------------------------------------------------

    async def _erase_user(self, conn: aiosqlite.Connection, user_id: int) -> int:
        """Delete the user's protected terms; terms they put on a guild's lists stay, without their id."""
        cursor = await conn.execute("DELETE FROM protected_terms WHERE user_id = ?", (user_id,))
        changed = cursor.rowcount
        cursor = await conn.execute("UPDATE guild_terms SET added_by = ? WHERE added_by = ?", (ERASED_USER_ID, user_id))
        changed += cursor.rowcount
        return changed + await super()._erase_user(conn, user_id)


def _protected_term(row: sqlite3.Row) -> ProtectedTerm:
    return ProtectedTerm(
        id=row["id"],
        user_id=row["user_id"],
        digest=bytes(row["digest"]),
        label=row["label"],
        created_at=datetime.fromtimestamp(row["created_at"], UTC),
    )

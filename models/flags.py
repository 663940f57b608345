"""The Store's queries for flags: messages in which the detection engine found identifying details.

A flag keeps where the details are (`spans`: labels and offsets, never the details) in the clear, and the original
text only as a Fernet token, for a moderator's logged Reveal and to give the author their words back.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from models._queries import Queries, from_unix
from models.records import (
    ERASED_USER_ID,
    AuthorAnswer,
    Flag,
    FlagSource,
    FlagSpan,
    FlagStatus,
    LabelStats,
    require_id,
)

__all__ = ["FlagQueries"]

_WAITING = tuple(status.value for status in FlagStatus if status.waiting)


class FlagQueries(Queries):
    """Flags, their moderator decisions and author answers, and the statistics drawn from them."""

    ENCRYPTED = (("flags", "text"),)

    async def record_flag(
        self,
        *,
        guild_id: int,
        channel_id: int,
        message_id: int | None,
        author_id: int,
        source: FlagSource,
        risk: float,
        spans: Sequence[FlagSpan],
        text: str,
        status: FlagStatus = FlagStatus.OPEN,
    ) -> tuple[Flag, bool]:
        """Store a flag, or update the one the same message already has (it was edited); return it and whether new.

        An update keeps the flag's decision unless the flag had been closed by the author's own edit, which the
        new details reopen.
        """
        require_id("guild_id", guild_id)
        require_id("author_id", author_id)
        now = self._now()
        encoded = _spans_json(spans)
        token = self._cipher.encrypt(text)

        async def work(conn: aiosqlite.Connection) -> tuple[sqlite3.Row, bool]:
            if message_id is not None:
                rows = await conn.execute_fetchall(
                    "UPDATE flags SET risk = ?, spans = ?, text = ?, updated_at = ?, "
                    "status = CASE WHEN status = 'edited' THEN 'open' ELSE status END "
                    "WHERE guild_id = ? AND message_id = ? RETURNING *",
                    (risk, encoded, token, now, guild_id, message_id),
                )
                if rows:
                    return next(iter(rows)), False
            rows = await conn.execute_fetchall(
                "INSERT INTO flags (guild_id, channel_id, message_id, author_id, source, status, risk, spans, text, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
                (guild_id, channel_id, message_id, author_id, FlagSource(source).value, FlagStatus(status).value,
                 risk, encoded, token, now, now),
            )  # fmt: skip
            return next(iter(rows)), True

        row, created = await self._write("record a flag", work)
        return await self._flag_with_reveals(row), created

    async def flag(self, flag_id: int) -> Flag | None:
        """Return a flag by its id."""
        rows = await self._read("read a flag", "SELECT * FROM flags WHERE id = ?", (flag_id,))
        return await self._flag_with_reveals(rows[0]) if rows else None

    async def flag_for_message(self, guild_id: int, message_id: int) -> Flag | None:
        """Return the flag a message has, if any."""
        rows = await self._read(
            "read a message's flag",
            "SELECT * FROM flags WHERE guild_id = ? AND message_id = ?",
            (guild_id, message_id),
        )
        return await self._flag_with_reveals(rows[0]) if rows else None

    async def set_flag_post(self, flag_id: int, channel_id: int, message_id: int) -> None:
        """Remember where the flag was posted in the moderators' queue."""
        await self._execute(
            "record a flag's queue post",
            "UPDATE flags SET queue_channel_id = ?, queue_message_id = ?, updated_at = ? WHERE id = ?",
            (channel_id, message_id, self._now(), flag_id),
        )

    async def decide_flag(
        self, flag_id: int, status: FlagStatus, decided_by: int, *, only_from: Sequence[FlagStatus] | None = None
    ) -> Flag | None:
        """Set the flag's outcome if it is still waiting (or in one of `only_from`); None if someone else acted.

        `decided_by` is the moderator, or the author for outcomes of their own (an edit, a deletion).
        """
        allowed = _WAITING if only_from is None else tuple(FlagStatus(s).value for s in only_from)
        now = self._now()
        marks = ", ".join("?" * len(allowed))
        params = (FlagStatus(status).value, decided_by, now, now, flag_id, *allowed)
        # Only placeholders are formatted in.
        sql = f"UPDATE flags SET status = ?, decided_by = ?, decided_at = ?, updated_at = ? WHERE id = ? AND status IN ({marks}) RETURNING *"  # noqa: E501, S608

        async def work(conn: aiosqlite.Connection) -> sqlite3.Row | None:
            rows = await conn.execute_fetchall(sql, params)
            return next(iter(rows), None)

        row = await self._write("decide a flag", work)
        return None if row is None else await self._flag_with_reveals(row)

    async def record_reveal(self, flag_id: int, moderator_id: int) -> Flag | None:
        """Record that a moderator revealed the flag's original text; return the flag (None if it is gone)."""
        require_id("moderator_id", moderator_id)
        now = self._now()

        async def work(conn: aiosqlite.Connection) -> None:
            await conn.execute(
                "INSERT INTO flag_reveals (flag_id, moderator_id, revealed_at) "
                "SELECT id, ?, ? FROM flags WHERE id = ? AND text IS NOT NULL",
                (moderator_id, now, flag_id),
            )

        await self._write("record a reveal", work)
        return await self.flag(flag_id)

    async def flag_reveals(self, flag_id: int) -> list[tuple[int, datetime]]:
        """Who revealed the flag's text and when, oldest first."""
        rows = await self._read(
            "read a flag's reveals",
            "SELECT moderator_id, revealed_at FROM flag_reveals WHERE flag_id = ? ORDER BY rowid",
            (flag_id,),
        )
        return [(row["moderator_id"], from_unix(row["revealed_at"])) for row in rows]  # type: ignore[misc]

    async def set_author_answer(self, flag_id: int, author_id: int, answer: AuthorAnswer) -> Flag | None:
        """Record the author's answer to the nudge; None unless `author_id` wrote the flagged message."""
        params = (AuthorAnswer(answer).value, self._now(), flag_id, author_id)

        async def work(conn: aiosqlite.Connection) -> sqlite3.Row | None:
            rows = await conn.execute_fetchall(
                "UPDATE flags SET author_answer = ?, updated_at = ? WHERE id = ? AND author_id = ? RETURNING *",
                params,
            )
            return next(iter(rows), None)

        row = await self._write("record an author's answer", work)
        return None if row is None else await self._flag_with_reveals(row)

    async def claim_nudge(self, flag_id: int, cooldown_seconds: int) -> bool:
        """Mark the flag's author nudged, unless they were nudged in this guild within `cooldown_seconds`."""
        now = self._now()

        async def work(conn: aiosqlite.Connection) -> bool:
            cursor = await conn.execute(
                "UPDATE flags SET nudged_at = ?1 WHERE id = ?2 AND nudged_at IS NULL AND NOT EXISTS ("
                "SELECT 1 FROM flags AS other JOIN flags AS this ON this.id = ?2 "
                "WHERE other.guild_id = this.guild_id AND other.author_id = this.author_id "
                "AND other.nudged_at > ?1 - ?3)",
                (now, flag_id, cooldown_seconds),
            )
            return cursor.rowcount == 1

        return await self._write("claim a nudge", work)

    async def waiting_flags(self, guild_id: int, *, limit: int = 25) -> list[Flag]:
        """The guild's flags that wait for a moderator, oldest first."""
        marks = ", ".join("?" * len(_WAITING))
        rows = await self._read(
            "read waiting flags",
            f"SELECT * FROM flags WHERE guild_id = ? AND status IN ({marks}) ORDER BY id LIMIT ?",  # noqa: S608
            (guild_id, *_WAITING, limit),
        )
        return [await self._flag_with_reveals(row) for row in rows]

    async def unposted_flags(self, *, limit: int = 50) -> list[Flag]:
        """Flags waiting for a moderator that never reached the queue (it was missing or failing), oldest first."""
        marks = ", ".join("?" * len(_WAITING))
        sql = f"SELECT * FROM flags WHERE queue_message_id IS NULL AND status IN ({marks}) ORDER BY id LIMIT ?"  # noqa: S608
        rows = await self._read("read unposted flags", sql, (*_WAITING, limit))
        return [await self._flag_with_reveals(row) for row in rows]

    async def flags_by_author(self, author_id: int) -> list[Flag]:
        """Every flag on the user's own messages, in any guild, oldest first."""
        rows = await self._read(
            "read a member's flags", "SELECT * FROM flags WHERE author_id = ? ORDER BY id", (author_id,)
        )
        return [await self._flag_with_reveals(row) for row in rows]

    async def label_stats(self, guild_id: int) -> list[LabelStats]:
        """Per label: how many flags carried it, and how many moderators confirmed or dismissed."""
        rows = await self._read(
            "read flag statistics", "SELECT status, spans FROM flags WHERE guild_id = ?", (guild_id,)
        )
        flags: Counter[str] = Counter()
        confirmed: Counter[str] = Counter()
        dismissed: Counter[str] = Counter()
        for row in rows:
            verdict = FlagStatus(row["status"]).confirmed
            for label in dict.fromkeys(span.label for span in _spans_from_json(row["spans"])):
                flags[label] += 1
                if verdict is True:
                    confirmed[label] += 1
                elif verdict is False:
                    dismissed[label] += 1
        return [LabelStats(label, flags[label], confirmed[label], dismissed[label]) for label in sorted(flags)]

    async def purge_flag_texts(self, decided_before: datetime, *, guild_id: int | None = None) -> int:
        """Forget the original text of flags decided before `decided_before` (in one guild, or all)."""
        marks = ", ".join("?" * len(_WAITING))
        params = (int(decided_before.timestamp()), guild_id, guild_id, *_WAITING)
        # Only placeholders are formatted in.
        sql = f"UPDATE flags SET text = NULL WHERE text IS NOT NULL AND decided_at < ? AND (? IS NULL OR guild_id = ?) AND status NOT IN ({marks})"  # noqa: E501, S608

        async def work(conn: aiosqlite.Connection) -> int:
            cursor = await conn.execute(sql, params)
            return cursor.rowcount

        return await self._write("purge flag texts", work)

    async def _erase_user(self, conn: aiosqlite.Connection, user_id: int) -> int:
        """A member's flagged messages are theirs: their flags go. A moderator's id on a decision is erased."""
        cursor = await conn.execute("DELETE FROM flags WHERE author_id = ?", (user_id,))
        changed = cursor.rowcount
        cursor = await conn.execute("UPDATE flags SET decided_by = ? WHERE decided_by = ?", (ERASED_USER_ID, user_id))
        changed += cursor.rowcount
        cursor = await conn.execute(
            "UPDATE flag_reveals SET moderator_id = ? WHERE moderator_id = ?", (ERASED_USER_ID, user_id)
        )
        changed += cursor.rowcount
        return changed + await super()._erase_user(conn, user_id)

    async def _flag_with_reveals(self, row: sqlite3.Row) -> Flag:
        rows = await self._read(
            "count a flag's reveals", "SELECT count(*) FROM flag_reveals WHERE flag_id = ?", (row["id"],)
        )
        text = row["text"]
        answer = row["author_answer"]
        return Flag(
            id=row["id"],
            guild_id=row["guild_id"],
            channel_id=row["channel_id"],
            message_id=row["message_id"],
            author_id=row["author_id"],
            source=FlagSource(row["source"]),
            status=FlagStatus(row["status"]),
            risk=row["risk"],
            spans=_spans_from_json(row["spans"]),
            text=None if text is None else self._cipher.decrypt(text, field="flag text"),
            created_at=from_unix(row["created_at"]),  # type: ignore[arg-type]
            updated_at=from_unix(row["updated_at"]),  # type: ignore[arg-type]
            queue_channel_id=row["queue_channel_id"],
            queue_message_id=row["queue_message_id"],
            author_answer=None if answer is None else AuthorAnswer(answer),
            nudged_at=from_unix(row["nudged_at"]),
            decided_by=row["decided_by"],
            decided_at=from_unix(row["decided_at"]),
            reveals=int(rows[0][0]),
        )


def _spans_json(spans: Sequence[FlagSpan]) -> str:
    return json.dumps([[s.label, s.start, s.end, s.rule, s.subject] for s in spans], separators=(",", ":"))


def _spans_from_json(text: str) -> tuple[FlagSpan, ...]:
    return tuple(FlagSpan(*item) for item in json.loads(text))

"""The Store's queries for scheduled confidentiality reminders, and the `ChannelReminder` record.

When a reminder runs is `rules.schedule`'s business (models never import rules): the caller computes each next
slot and hands it in. What the Store guarantees is that a slot is posted at most once: `claim_channel_reminder` moves
`next_at` on only if it still holds the slot the caller read, in one statement, and only the caller it returns
True to may post. Due reminders are whatever has `next_at <= now`, so a restart picks them up where it left off.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from models._queries import Queries, from_unix
from models.records import ERASED_USER_ID, require_id

__all__ = ["MAX_REMINDERS", "REMINDER_UNITS", "ChannelReminder", "ReminderQueries"]

MAX_REMINDERS = 25  # per guild
REMINDER_UNITS = ("hours", "days")
MINUTES_A_DAY = 1440


@dataclass(frozen=True, slots=True)
class ChannelReminder:
    """A channel's scheduled reminder: every `every` hours, or every `every` days at `at_minute` local time."""

    id: int
    guild_id: int
    channel_id: int
    every: int
    unit: str  # "hours" or "days"
    at_minute: int | None  # minutes after local midnight, for day schedules
    text: str | None  # the moderator's own text; None for the rotating defaults
    next_at: datetime
    created_by: int
    created_at: datetime
    last_posted_at: datetime | None = None
    posts: int = 0  # how many slots have been claimed so far

    def __post_init__(self) -> None:
        """Validate ids and the schedule's shape."""
        require_id("guild_id", self.guild_id)
        require_id("channel_id", self.channel_id)
        if self.unit not in REMINDER_UNITS:
            raise ValueError(f"unit must be one of {REMINDER_UNITS}, got {self.unit!r}")
        if not isinstance(self.every, int) or isinstance(self.every, bool) or self.every < 1:
            raise ValueError(f"every must be a positive whole number, got {self.every!r}")
        if (self.unit == "days") != (self.at_minute is not None):
            raise ValueError("a time of day goes with day schedules, and only with them")
        if self.at_minute is not None and not 0 <= self.at_minute < MINUTES_A_DAY:
            raise ValueError(f"at_minute must be from 0 to {MINUTES_A_DAY - 1}, got {self.at_minute!r}")
        if self.next_at.tzinfo is None:
            raise ValueError("next_at must be timezone-aware")


class ReminderQueries(Queries):
    """Reminders per guild and channel; claiming a due slot is atomic, so each slot is posted at most once."""

    async def add_channel_reminder(
        self,
        guild_id: int,
        channel_id: int,
        *,
        every: int,
        unit: str,
        at_minute: int | None,
        text: str | None,
        next_at: datetime,
        created_by: int,
    ) -> ChannelReminder:
        """Add a reminder that first runs at `next_at`; raise ValueError if the guild already has the most."""
        require_id("created_by", created_by)
        if next_at.tzinfo is None:
            raise ValueError("next_at must be timezone-aware")
        # Validate the shape before writing (the table checks it too, with a less helpful message).
        draft = ChannelReminder(
            id=1, guild_id=guild_id, channel_id=channel_id, every=every, unit=unit, at_minute=at_minute, text=text,
            next_at=next_at, created_by=created_by, created_at=next_at,
        )  # fmt: skip
        params = (
            draft.guild_id, draft.channel_id, every, unit, at_minute, text or None, int(next_at.timestamp()),
            created_by, self._now(),
        )  # fmt: skip

        async def work(conn: aiosqlite.Connection) -> sqlite3.Row:
            rows = await conn.execute_fetchall("SELECT COUNT(*) FROM reminders WHERE guild_id = ?", (guild_id,))
            if next(iter(rows))[0] >= MAX_REMINDERS:
                raise ValueError(f"a server may have at most {MAX_REMINDERS} reminders")
            rows = await conn.execute_fetchall(
                "INSERT INTO reminders (guild_id, channel_id, every, unit, at_minute, text, next_at, created_by, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
                params,
            )
            return next(iter(rows))

        return self._channel_reminder(await self._write("add a reminder", work))

    async def channel_reminders(self, guild_id: int) -> list[ChannelReminder]:
        """The guild's reminders, oldest first."""
        rows = await self._read("read reminders", "SELECT * FROM reminders WHERE guild_id = ? ORDER BY id", (guild_id,))
        return [self._channel_reminder(row) for row in rows]

    async def remove_channel_reminder(self, guild_id: int, reminder_id: int) -> ChannelReminder | None:
        """Delete one of the guild's reminders; None if it has no such reminder."""

        async def work(conn: aiosqlite.Connection) -> sqlite3.Row | None:
            rows = await conn.execute_fetchall(
                "DELETE FROM reminders WHERE guild_id = ? AND id = ? RETURNING *", (guild_id, reminder_id)
            )
            return next(iter(rows), None)

        row = await self._write("remove a reminder", work)
        return None if row is None else self._channel_reminder(row)

    async def due_channel_reminders(self, now: datetime | None = None) -> list[ChannelReminder]:
        """Every reminder whose slot is at or before `now` (default: the Store's clock), earliest first."""
        at = self._now() if now is None else int(now.timestamp())
        rows = await self._read(
            "read due reminders", "SELECT * FROM reminders WHERE next_at <= ? ORDER BY next_at, id", (at,)
        )
        return [self._channel_reminder(row) for row in rows]

    async def claim_channel_reminder(self, reminder: ChannelReminder, next_at: datetime) -> bool:
        """Move `reminder` from the slot it was read with to `next_at`; True only for the one caller that did.

        The caller posts the slot only when this returns True: a second tick, or a second process, that read the
        same slot finds `next_at` moved on and gets False.
        """
        if next_at <= reminder.next_at:
            raise ValueError("a reminder's next slot must come after the one being claimed")
        params = (int(next_at.timestamp()), reminder.id, int(reminder.next_at.timestamp()))

        async def work(conn: aiosqlite.Connection) -> bool:
            cursor = await conn.execute(
                "UPDATE reminders SET next_at = ?, posts = posts + 1 WHERE id = ? AND next_at = ?", params
            )
            return cursor.rowcount == 1

        return await self._write("claim a reminder", work)

    async def mark_channel_reminder_posted(self, reminder_id: int, when: datetime | None = None) -> None:
        """Record when the reminder was last posted (default: now)."""
        at = self._now() if when is None else int(when.timestamp())
        await self._execute(
            "record a reminder posted", "UPDATE reminders SET last_posted_at = ? WHERE id = ?", (at, reminder_id)
        )

    async def reschedule_channel_reminder(self, reminder_id: int, next_at: datetime) -> None:
        """Set the reminder's next slot outright (its guild's time zone changed)."""
        await self._execute(
            "reschedule a reminder",
            "UPDATE reminders SET next_at = ? WHERE id = ?",
            (int(next_at.timestamp()), reminder_id),
        )

    async def _erase_user(self, conn: aiosqlite.Connection, user_id: int) -> int:
        """A reminder stays with its channel; the id of the moderator who added it is erased."""
        cursor = await conn.execute(
            "UPDATE reminders SET created_by = ? WHERE created_by = ?", (ERASED_USER_ID, user_id)
        )
        return cursor.rowcount + await super()._erase_user(conn, user_id)

    def _channel_reminder(self, row: sqlite3.Row) -> ChannelReminder:
        return ChannelReminder(
            id=row["id"],
            guild_id=row["guild_id"],
            channel_id=row["channel_id"],
            every=row["every"],
            unit=row["unit"],
            at_minute=row["at_minute"],
            text=row["text"],
            next_at=from_unix(row["next_at"]),  # type: ignore[arg-type]
            created_by=row["created_by"],
            created_at=from_unix(row["created_at"]),  # type: ignore[arg-type]
            last_posted_at=from_unix(row["last_posted_at"]),
            posts=row["posts"],
        )

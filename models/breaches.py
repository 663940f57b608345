"""The Store's queries for confirmed breaches: what the strike ladder counts."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import aiosqlite

from models._queries import Queries, from_unix
from models.records import ERASED_USER_ID, Breach, BreachSource, require_id

__all__ = ["BreachQueries"]


class BreachQueries(Queries):
    """Breaches a moderator confirmed, per guild and member; a removed breach stays on record but no longer counts."""

    ENCRYPTED = (("breaches", "reason"),)

    async def record_breach(
        self,
        guild_id: int,
        member_id: int,
        source: BreachSource,
        ref: int | None,
        confirmed_by: int,
        *,
        reason: str | None = None,
    ) -> Breach:
        """Record a confirmed breach and return it; `reason` is encrypted."""
        require_id("guild_id", guild_id)
        require_id("member_id", member_id)
        require_id("confirmed_by", confirmed_by)
        token = None if reason is None else self._cipher.encrypt(reason)
        params = (guild_id, member_id, BreachSource(source).value, ref, confirmed_by, self._now(), token)

        async def work(conn: aiosqlite.Connection) -> sqlite3.Row:
            rows = await conn.execute_fetchall(
                "INSERT INTO breaches (guild_id, member_id, source, ref, confirmed_by, created_at, reason) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *",
                params,
            )
            return next(iter(rows))

        return self._breach(await self._write("record a breach", work))

    async def breaches(
        self, guild_id: int, member_id: int, *, since: datetime | None = None, include_removed: bool = False
    ) -> list[Breach]:
        """The member's confirmed breaches in the guild (since `since`, when given), oldest first."""
        after = None if since is None else int(since.timestamp())
        rows = await self._read(
            "read breaches",
            "SELECT * FROM breaches WHERE guild_id = ? AND member_id = ? AND (? IS NULL OR created_at >= ?) "
            "AND (? OR removed_at IS NULL) ORDER BY id",
            (guild_id, member_id, after, after, int(include_removed)),
        )
        return [self._breach(row) for row in rows]

    async def breach(self, guild_id: int, breach_id: int) -> Breach | None:
        """One of the guild's breaches by id."""
        rows = await self._read(
            "read a breach", "SELECT * FROM breaches WHERE guild_id = ? AND id = ?", (guild_id, breach_id)
        )
        return self._breach(rows[0]) if rows else None

    async def set_breach_step(self, breach_id: int, step: str) -> None:
        """Record the ladder step a breach led to."""
        await self._execute("record a strike step", "UPDATE breaches SET step = ? WHERE id = ?", (step, breach_id))

    async def remove_breach(self, guild_id: int, breach_id: int, removed_by: int) -> Breach | None:
        """Take a breach back (it stops counting); None if there is no such breach or it was already removed."""
        require_id("removed_by", removed_by)
        params = (self._now(), removed_by, guild_id, breach_id)

        async def work(conn: aiosqlite.Connection) -> sqlite3.Row | None:
            rows = await conn.execute_fetchall(
                "UPDATE breaches SET removed_at = ?, removed_by = ? WHERE guild_id = ? AND id = ? "
                "AND removed_at IS NULL RETURNING *",
                params,
            )
            return next(iter(rows), None)

        row = await self._write("remove a breach", work)
        return None if row is None else self._breach(row)

    async def breaches_of_member(self, member_id: int) -> list[Breach]:
        """Every breach recorded against the member, in any guild (their own data), oldest first."""
        rows = await self._read(
            "read a member's breaches", "SELECT * FROM breaches WHERE member_id = ? ORDER BY id", (member_id,)
        )
        return [self._breach(row) for row in rows]

    async def _erase_user(self, conn: aiosqlite.Connection, user_id: int) -> int:
        """The group's record that a breach happened stays; the ids of those involved are erased."""
        changed = 0
        for column in ("member_id", "confirmed_by", "removed_by"):
            cursor = await conn.execute(
                f"UPDATE breaches SET {column} = ? WHERE {column} = ?",  # noqa: S608 - a fixed column name
                (ERASED_USER_ID, user_id),
            )
            changed += cursor.rowcount
        return changed + await super()._erase_user(conn, user_id)

    def _breach(self, row: sqlite3.Row) -> Breach:
        reason = row["reason"]
        return Breach(
            id=row["id"],
            guild_id=row["guild_id"],
            member_id=row["member_id"],
            source=BreachSource(row["source"]),
            ref=row["ref"],
            confirmed_by=row["confirmed_by"],
            created_at=from_unix(row["created_at"]),  # type: ignore[arg-type]
            reason=None if reason is None else self._cipher.decrypt(reason, field="breach reason"),
            step=row["step"],
            removed_at=from_unix(row["removed_at"]),
            removed_by=row["removed_by"],
        )

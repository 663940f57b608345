"""The Store's queries for confirmed breaches: what the strike ladder counts."""

from __future__ import annotations

import sqlite3

import aiosqlite

from models._queries import Queries, from_unix
from models.records import ERASED_USER_ID, Breach, BreachSource, require_id

__all__ = ["BreachQueries"]


class BreachQueries(Queries):
    """Breaches a moderator confirmed, per guild and member."""

    async def record_breach(
        self, guild_id: int, member_id: int, source: BreachSource, ref: int | None, confirmed_by: int
    ) -> Breach:
        """Record a confirmed breach and return it."""
        require_id("guild_id", guild_id)
        require_id("member_id", member_id)
        require_id("confirmed_by", confirmed_by)
        params = (guild_id, member_id, BreachSource(source).value, ref, confirmed_by, self._now())

        async def work(conn: aiosqlite.Connection) -> sqlite3.Row:
            rows = await conn.execute_fetchall(
                "INSERT INTO breaches (guild_id, member_id, source, ref, confirmed_by, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
                params,
            )
            return next(iter(rows))

        return _breach(await self._write("record a breach", work))

    async def breaches(self, guild_id: int, member_id: int) -> list[Breach]:
        """The member's confirmed breaches in the guild, oldest first."""
        rows = await self._read(
            "read breaches",
            "SELECT * FROM breaches WHERE guild_id = ? AND member_id = ? ORDER BY id",
            (guild_id, member_id),
        )
        return [_breach(row) for row in rows]

    async def _erase_user(self, conn: aiosqlite.Connection, user_id: int) -> int:
        """The group's record that a breach happened stays; the ids of those involved are erased."""
        changed = 0
        for column in ("member_id", "confirmed_by"):
            cursor = await conn.execute(
                f"UPDATE breaches SET {column} = ? WHERE {column} = ?",  # noqa: S608 - a fixed column name
                (ERASED_USER_ID, user_id),
            )
            changed += cursor.rowcount
        return changed + await super()._erase_user(conn, user_id)


def _breach(row: sqlite3.Row) -> Breach:
    return Breach(
        id=row["id"],
        guild_id=row["guild_id"],
        member_id=row["member_id"],
        source=BreachSource(row["source"]),
        ref=row["ref"],
        confirmed_by=row["confirmed_by"],
        created_at=from_unix(row["created_at"]),  # type: ignore[arg-type]
    )

"""The Store's queries for members' private threads: where to write to someone whose DMs are closed."""

from __future__ import annotations

import aiosqlite

from models._queries import Queries
from models.records import require_id

__all__ = ["ThreadQueries"]


class ThreadQueries(Queries):
    """One private gate-channel thread per member and guild, remembered so it is reused."""

    async def private_thread(self, guild_id: int, user_id: int) -> int | None:
        """The id of the member's private thread in the guild, if one was opened."""
        rows = await self._read(
            "read a private thread",
            "SELECT thread_id FROM private_threads WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return int(rows[0][0]) if rows else None

    async def remember_private_thread(self, guild_id: int, user_id: int, thread_id: int) -> None:
        """Remember (or replace) the member's private thread in the guild."""
        require_id("thread_id", thread_id)
        await self._execute(
            "remember a private thread",
            "INSERT INTO private_threads (guild_id, user_id, thread_id) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id, user_id) DO UPDATE SET thread_id = excluded.thread_id",
            (guild_id, user_id, thread_id),
        )

    async def _erase_user(self, conn: aiosqlite.Connection, user_id: int) -> int:
        cursor = await conn.execute("DELETE FROM private_threads WHERE user_id = ?", (user_id,))
        return cursor.rowcount + await super()._erase_user(conn, user_id)

"""The ground the Store's query mixins stand on: the plumbing that `Store` itself provides.

`Store` owns all SQL, but not all in one file: each capability's queries live in a mixin (`models/flags.py`,
`models/terms.py`, …) that subclasses `Queries` and uses only what it declares here. `Store` implements these
members, and lists the mixins as its bases.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

import aiosqlite

from models.crypto import FieldCipher

__all__ = ["Queries", "from_unix"]

T = TypeVar("T")


class Queries:
    """What a query mixin may use: one connection, transactions, the field cipher and the clock."""

    _cipher: FieldCipher
    # (table, column) pairs holding Fernet tokens, re-encrypted by `Store.rotate_key`; each mixin lists its own.
    ENCRYPTED: tuple[tuple[str, str], ...] = ()

    def _now(self) -> int:
        """The clock's time as unix seconds."""
        raise NotImplementedError

    async def _read(self, operation: str, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        """Run one query and return all its rows."""
        raise NotImplementedError

    async def _write(self, operation: str, work: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
        """Run `work` in one IMMEDIATE transaction that finishes even if the caller is cancelled."""
        raise NotImplementedError

    async def _execute(self, operation: str, sql: str, params: tuple[object, ...] = ()) -> None:
        """Run one statement as a write."""
        raise NotImplementedError

    async def _erase_user(self, conn: aiosqlite.Connection, user_id: int) -> int:
        """Erase `user_id` from this mixin's tables inside `delete_user_data`'s transaction; return rows changed.

        Each mixin that keeps per-user rows overrides this, does its part and adds `await super()._erase_user(…)`.
        """
        return 0


def from_unix(seconds: int | None) -> datetime | None:
    """A stored unix time as an aware UTC datetime (None stays None)."""
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)

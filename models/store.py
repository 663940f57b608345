"""The Store: the only place that holds SQL, over one long-lived aiosqlite connection in WAL mode.

This module holds the plumbing (connection, transactions, migrations, backup, key rotation), guild settings, the
audit log and erasure; each capability's queries live in a mixin the Store lists as a base: `models/agreements.py`,
`cases.py`, `flags.py`, `breaches.py`, `terms.py`, `reminders.py`, `threads.py`. Mixins use only what
`models/_queries.py` declares.

Open it the way aiosqlite opens a connection::

    async with Store.open(path, cipher) as store:      # the composition root: closed when the block ends
        settings = await store.get_guild_settings(guild_id)

``store = await Store.open(path, cipher)`` is the same call for code whose store outlives a block (the bot opens
it in ``setup_hook`` and closes it in ``close()``); it must then ``await store.close()``, which is idempotent.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import os
import re
import sqlite3
from collections.abc import Awaitable, Callable, Collection, Coroutine, Generator
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import aiosqlite

from models._queries import Queries
from models.agreements import AgreementQueries
from models.breaches import BreachQueries
from models.cases import CaseQueries
from models.crypto import FieldCipher
from models.errors import (
    BackupFailed,
    DatabaseNewer,
    DatabaseUnusable,
    DecryptionFailed,
    Errors,
    KeyMismatch,
    MigrationFailed,
    MigrationsInvalid,
    StoreClosed,
)
from models.flags import FlagQueries
from models.records import (
    ERASED_USER_ID,
    AuditAction,
    AuditEntry,
    GuildSettings,
    require_id,
)
from models.reminders import ReminderQueries
from models.terms import TermQueries
from models.threads import ThreadQueries

__all__ = [
    "MIGRATIONS_DIR",
    "Clock",
    "Migration",
    "Store",
    "StoreOpener",
    "backup",
    "latest_version",
    "load_migrations",
    "migrate",
    "split_statements",
]

log = logging.getLogger(__name__)

T = TypeVar("T")
Clock = Callable[[], datetime]
StrPath = str | os.PathLike[str]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Long enough to ride out a backup or a `confidant db migrate` in another process holding the write lock.
BUSY_TIMEOUT_MS = 5000

_MIGRATION_NAME = re.compile(r"^(?P<number>\d{4})_(?P<description>[a-z0-9_]+)\.sql$")
# Migrations run inside the Store's own transaction, so a file must not open, end or break out of one.
_TRANSACTION_CONTROL = re.compile(r"(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE|VACUUM)\b", re.IGNORECASE)
_LEADING_COMMENTS = re.compile(r"(?:\s|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.DOTALL)

_KEY_CHECK = "key_check"
_KEY_CHECK_PLAINTEXT = "confidant key check v1"


def _utc_now() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


# ---------------------------------------------------------------------------------------------------------
# Migrations


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered migration file, split into the statements it runs."""

    version: int
    path: Path
    statements: tuple[str, ...]

    @property
    def name(self) -> str:
        """Return the file name, e.g. `0001_initial.sql`."""
        return self.path.name


def _strip_leading_comments(sql: str) -> str:
    """Return `sql` without the whitespace and comments in front of its first keyword."""
    match = _LEADING_COMMENTS.match(sql)
    return sql if match is None else sql[match.end() :]


def split_statements(script: str) -> list[str]:
    """Split an SQL script into single statements, keeping trigger bodies whole."""
    # sqlite3's executescript() would COMMIT any open transaction first, so migrations run statement by
    # statement; sqlite3.complete_statement knows about strings, comments and CREATE TRIGGER ... END;.
    statements = []
    start = 0
    for index, char in enumerate(script):
        if char == ";" and sqlite3.complete_statement(script[start : index + 1]):
            statements.append(script[start : index + 1].strip())
            start = index + 1
    statements.append(script[start:].strip())  # a last statement may lack its semicolon
    return [statement for statement in statements if _strip_leading_comments(statement) not in ("", ";")]


def load_migrations(directory: StrPath | None = None) -> tuple[Migration, ...]:
    """Read and check the `NNNN_description.sql` files in `directory` (default: the shipped ones), in order."""
    folder = MIGRATIONS_DIR if directory is None else Path(directory)

    def invalid(problem: str) -> MigrationsInvalid:
        return MigrationsInvalid(Errors.S007.format(directory=folder, problem=problem))

    if not folder.is_dir():
        raise invalid("the directory does not exist")
    migrations = []
    for path in sorted(folder.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match is None:
            raise invalid(f"{path.name} is not named NNNN_description.sql (four digits, lower-case words and _)")
        text = path.read_text(encoding="utf-8")
        if not text.startswith("-- Reason:"):
            raise invalid(f"{path.name} does not start with a `-- Reason:` line saying why it exists")
        statements = split_statements(text)
        for statement in statements:
            if _TRANSACTION_CONTROL.match(_strip_leading_comments(statement)):
                raise invalid(f"{path.name} controls the transaction itself; every migration runs in one")
        migrations.append(Migration(int(match["number"]), path, tuple(statements)))
    numbers = [migration.version for migration in migrations]
    if not numbers:
        raise invalid("there are no NNNN_description.sql files")
    if numbers != list(range(1, len(numbers) + 1)):
        found = ", ".join(f"{number:04d}" for number in numbers)
        raise invalid(f"the numbers must run 0001, 0002, … without gaps or repeats; found {found}")
    return tuple(migrations)


def latest_version(migrations_dir: StrPath | None = None) -> int:
    """Return the schema version the migrations in `migrations_dir` upgrade a database to."""
    return load_migrations(migrations_dir)[-1].version


async def _user_version(conn: aiosqlite.Connection) -> int:
    """Return the database's `PRAGMA user_version`."""
    rows = await conn.execute_fetchall("PRAGMA user_version")
    return int(next(iter(rows))[0])


async def _connect(path: Path) -> aiosqlite.Connection:
    """Open `path` with the connection settings every Store and backup relies on."""
    try:
        # isolation_level=None: sqlite3 issues no implicit BEGIN/COMMIT; every transaction here is explicit.
        conn = await aiosqlite.connect(path, isolation_level=None)
    except sqlite3.Error as error:
        raise DatabaseUnusable(Errors.S008.format(path=path, problem=f"SQLite cannot open it ({error})")) from error
    try:
        conn.row_factory = aiosqlite.Row
        # PRAGMA takes no ? parameters; the values are constants of this module.
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
        await conn.execute("PRAGMA foreign_keys = ON")
        # Erased rows (delete_user_data, retention) are overwritten with zeros instead of lingering in free pages.
        await conn.execute("PRAGMA secure_delete = ON")
        rows = await conn.execute_fetchall("PRAGMA journal_mode = WAL")
        # synchronous stays FULL (the default): a report the member saw as "received" must survive power loss.
    except sqlite3.DatabaseError as error:
        await conn.close()
        raise DatabaseUnusable(Errors.S008.format(path=path, problem=f"SQLite cannot read it ({error})")) from error
    except BaseException:
        await conn.close()
        raise
    mode = next(iter(rows))[0]
    if mode != "wal":
        log.warning("Database %s uses journal mode %s, not WAL; readers may block the bot", path, mode)
    return conn


async def _verify_key(conn: aiosqlite.Connection, path: Path, cipher: FieldCipher) -> None:
    """Raise KeyMismatch unless `cipher` decrypts the database's key check value; store one if absent."""
    rows = list(await conn.execute_fetchall("SELECT value FROM store_meta WHERE key = ?", (_KEY_CHECK,)))
    if not rows:
        log.warning("Database %s had no key check value; storing one for the current key", path)
        await conn.execute(
            "INSERT INTO store_meta (key, value) VALUES (?, ?)", (_KEY_CHECK, cipher.encrypt(_KEY_CHECK_PLAINTEXT))
        )
        return
    try:
        plaintext = cipher.decrypt(rows[0]["value"], field="key check value")
    except DecryptionFailed:
        raise KeyMismatch(Errors.S003.format(source=cipher.source, path=path)) from None
    if plaintext != _KEY_CHECK_PLAINTEXT:
        raise KeyMismatch(Errors.S003.format(source=cipher.source, path=path))


async def _migrate(
    conn: aiosqlite.Connection, path: Path, cipher: FieldCipher, migrations: tuple[Migration, ...]
) -> int:
    """Check the key and apply pending migrations in one transaction; return the version found at open."""
    latest = migrations[-1].version
    # IMMEDIATE takes the write lock up front, so two processes cannot both decide to migrate.
    await conn.execute("BEGIN IMMEDIATE")
    try:
        found = await _user_version(conn)
        if found > latest:
            raise DatabaseNewer(Errors.S005.format(path=path, found=found, latest=latest))
        if found == 0:
            tables = await conn.execute_fetchall("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
            if list(tables):
                problem = "it holds another application's tables (schema version 0); choose another path"
                raise DatabaseUnusable(Errors.S008.format(path=path, problem=problem))
        else:
            # Before migrating, so a wrong key changes nothing.
            await _verify_key(conn, path, cipher)
        for migration in migrations[found:]:
            await _apply(conn, migration, found)
        if found < latest:
            await conn.execute(f"PRAGMA user_version = {latest:d}")  # no ? parameters for PRAGMA
        if found == 0:
            await conn.execute(
                "INSERT INTO store_meta (key, value) VALUES (?, ?)",
                (_KEY_CHECK, cipher.encrypt(_KEY_CHECK_PLAINTEXT)),
            )
        await conn.execute("COMMIT")
    except BaseException:
        await conn.rollback()  # a no-op if SQLite already rolled back
        raise
    if found < latest:
        log.info("Migrated database %s from schema version %d to %d", path, found, latest)
    return found


async def _apply(conn: aiosqlite.Connection, migration: Migration, found: int) -> None:
    """Run one migration's statements inside the caller's transaction."""
    for number, statement in enumerate(migration.statements, start=1):
        try:
            await conn.execute(statement)
        except sqlite3.Error as error:
            message = Errors.S004.format(file=migration.name, statement=number, error=error, version=found)
            raise MigrationFailed(message) from error
        if not conn.in_transaction:
            # Defence in depth behind the BEGIN/COMMIT check in load_migrations.
            message = Errors.S004.format(
                file=migration.name, statement=number, error="it ended the transaction", version=found
            )
            raise MigrationFailed(message)
    log.debug("Ran migration %s", migration.name)


# ---------------------------------------------------------------------------------------------------------
# Backup


async def _backup_connection(conn: aiosqlite.Connection, source: Path, dest: Path, *, overwrite: bool) -> Path:
    """Copy the database behind `conn` to `dest` with SQLite's online backup API and check the copy."""

    def failed(problem: str) -> BackupFailed:
        return BackupFailed(Errors.S009.format(dest=dest, problem=problem))

    if dest.exists():
        if dest.samefile(source):
            raise failed("it is the database being backed up")
        if not overwrite:
            raise failed("the file already exists; choose a new name, or ask to overwrite it")
    if not dest.parent.is_dir():
        raise failed(f"the directory {dest.parent} does not exist")
    # Written beside the destination and renamed over it at the end, so an interrupted backup never looks
    # complete and an overwritten backup is replaced in one step.
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        async with aiosqlite.connect(partial, check_same_thread=False) as target:
            # One step copies a consistent snapshot; in WAL mode writers in other processes carry on meanwhile.
            await conn.backup(target)
            rows = list(await target.execute_fetchall("PRAGMA quick_check"))
        if [tuple(row) for row in rows] != [("ok",)]:
            raise failed("the copy failed SQLite's quick_check; the source database may be damaged")
        partial.replace(dest)
    except sqlite3.Error as error:
        raise failed(f"SQLite says: {error}") from error
    finally:
        partial.unlink(missing_ok=True)
    log.info("Backed up database %s to %s", source, dest)
    return dest


async def backup(path: StrPath, dest: StrPath, *, overwrite: bool = False) -> Path:
    """Copy the database at `path` to `dest` without migrating it; safe while the bot runs, needs no key."""
    source = Path(path)
    if not source.is_file():
        raise DatabaseUnusable(Errors.S008.format(path=source, problem="there is no such file"))
    conn = await _connect(source)
    try:
        return await _backup_connection(conn, source, Path(dest), overwrite=overwrite)
    finally:
        await conn.close()


async def migrate(path: StrPath, cipher: FieldCipher, *, migrations_dir: StrPath | None = None) -> tuple[int, int]:
    """Apply pending migrations to the database at `path`; return (version before, version after)."""
    async with Store.open(path, cipher, migrations_dir=migrations_dir) as store:
        return store.version_at_open, await store.schema_version()


# ---------------------------------------------------------------------------------------------------------
# Guild settings <-> JSON


def _settings_to_json(settings: GuildSettings) -> str:
    """Serialise the fields of `settings` that differ from the defaults."""
    defaults = GuildSettings()
    changed = {
        field.name: getattr(settings, field.name)
        for field in fields(GuildSettings)
        if getattr(settings, field.name) != getattr(defaults, field.name)
    }
    return json.dumps(changed, sort_keys=True)


def _settings_from_json(guild_id: int, text: str) -> GuildSettings:
    """Build settings from stored JSON; missing, unknown or invalid fields fall back to the defaults."""
    settings = GuildSettings()
    known = {field.name for field in fields(GuildSettings)}
    for name, value in json.loads(text).items():
        if name not in known:
            log.debug("Guild %d settings: ignoring unknown field %s", guild_id, name)
            continue
        try:
            settings = replace(settings, **{name: value})
        except ValueError:
            log.warning("Guild %d settings: field %s holds an invalid value; using the default", guild_id, name)
    return settings


# ---------------------------------------------------------------------------------------------------------
# The Store


class StoreOpener:
    """What `Store.open` returns: use it with `async with`, or await it and close the store yourself."""

    __slots__ = ("_open", "_store")

    def __init__(self, open_: Callable[[], Coroutine[Any, Any, Store]]) -> None:
        """Remember how to open the store; nothing happens until it is awaited or entered."""
        self._open = open_
        self._store: Store | None = None

    def __await__(self) -> Generator[Any, None, Store]:
        """Open the store and return it; the caller must `await store.close()`."""
        return self._open().__await__()

    async def __aenter__(self) -> Store:
        """Open the store for the `async with` block."""
        self._store = await self._open()
        return self._store

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Close the store, waiting for writes in flight."""
        if self._store is not None:
            await self._store.close()


class Store(
    AgreementQueries, CaseQueries, FlagQueries, BreachQueries, TermQueries, ReminderQueries, ThreadQueries, Queries
):
    """Owns all SQL (here and in its query mixins): typed methods take and return records, never rows.

    Every write is one transaction that runs to its end even if its caller is cancelled, and `close()` waits
    for those writes before closing the connection, so a SIGTERM never leaves half a write behind.
    """

    def __init__(
        self, conn: aiosqlite.Connection, cipher: FieldCipher, path: Path, clock: Clock, version_at_open: int
    ) -> None:
        """Wrap an open, migrated connection; use `Store.open`, which does the opening and migrating."""
        self._conn = conn
        self._cipher = cipher
        self._path = path
        self._clock = clock
        self._version_at_open = version_at_open
        # One connection serves every task: the lock keeps one transaction (or read) on it at a time, so no
        # read sees another task's uncommitted write.
        self._lock = asyncio.Lock()
        self._writes: set[asyncio.Task[Any]] = set()
        self._closing: asyncio.Task[None] | None = None
        # Guild settings are read for every message scanned; this process is their only writer, so they are kept
        # here after the first read and replaced on every save.
        self._settings: dict[int, GuildSettings] = {}
        self._audit_listeners: list[Callable[[AuditEntry], None]] = []

    @classmethod
    def open(
        cls,
        path: StrPath,
        cipher: FieldCipher,
        *,
        migrations_dir: StrPath | None = None,
        clock: Clock | None = None,
    ) -> StoreOpener:
        """Open (creating if needed) and migrate the database at `path`; see the module docstring for use."""
        return StoreOpener(
            functools.partial(cls._open, Path(path), cipher, migrations_dir, _utc_now if clock is None else clock)
        )

    @classmethod
    async def _open(cls, path: Path, cipher: FieldCipher, migrations_dir: StrPath | None, clock: Clock) -> Store:
        """Connect, check the key, migrate, and return the ready store."""
        migrations = load_migrations(migrations_dir)
        conn = await _connect(path)
        try:
            found = await _migrate(conn, path, cipher, migrations)
        except BaseException:
            await conn.close()
            raise
        log.info("Opened database %s at schema version %d", path, migrations[-1].version)
        return cls(conn, cipher, path, clock, found)

    @property
    def path(self) -> Path:
        """Return the database file's path."""
        return self._path

    @property
    def version_at_open(self) -> int:
        """Return the schema version the database had before this store migrated it."""
        return self._version_at_open

    @property
    def closed(self) -> bool:
        """Return whether `close()` has begun."""
        return self._closing is not None

    # -- plumbing ------------------------------------------------------------------------------------------

    def _connection(self, operation: str) -> aiosqlite.Connection:
        """Return the connection, or raise StoreClosed saying which `operation` was refused."""
        if self._closing is not None:
            raise StoreClosed(Errors.S006.format(operation=operation))
        return self._conn

    def _now(self) -> int:
        """Return the clock's time as unix seconds, the unit every timestamp column uses."""
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError(f"the Store's clock must return timezone-aware datetimes, got {now!r}")
        return int(now.timestamp())

    async def _read(self, operation: str, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        """Run one query and return all its rows."""
        conn = self._connection(operation)
        async with self._lock:
            return list(await conn.execute_fetchall(sql, params))

    async def _write(self, operation: str, work: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
        """Run `work` in one IMMEDIATE transaction that finishes even if the caller is cancelled."""
        conn = self._connection(operation)
        task = asyncio.get_running_loop().create_task(self._transaction(conn, work))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)
        try:
            # shield: cancelling the caller (e.g. at shutdown) must not abort a write already accepted; it
            # commits or rolls back as a whole, and close() waits for it.
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            task.add_done_callback(functools.partial(_report_orphaned_write, operation))
            raise

    async def _execute(self, operation: str, sql: str, params: tuple[object, ...] = ()) -> None:
        """Run one statement as a write (see `_write`)."""

        async def work(conn: aiosqlite.Connection) -> None:
            await conn.execute(sql, params)

        await self._write(operation, work)

    async def _transaction(self, conn: aiosqlite.Connection, work: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
        """Run `work` between BEGIN IMMEDIATE and COMMIT, rolling back on any error."""
        async with self._lock:
            await conn.execute("BEGIN IMMEDIATE")
            try:
                result = await work(conn)
                await conn.execute("COMMIT")
            except BaseException:
                await conn.rollback()
                raise
            return result

    async def close(self) -> None:
        """Wait for writes in flight, then close the connection; later calls raise StoreClosed."""
        if self._closing is None:
            self._closing = asyncio.get_running_loop().create_task(self._close())
        # shield: a cancelled caller (a second signal) must not leave the connection half closed.
        await asyncio.shield(self._closing)

    async def _close(self) -> None:
        """Drain writes, then close the connection once nothing else is using it."""
        if self._writes:
            log.info("Waiting for %d database write(s) to finish before closing", len(self._writes))
            await asyncio.gather(*self._writes, return_exceptions=True)
        async with self._lock:
            await self._conn.close()
        log.info("Closed database %s", self._path)

    # -- schema and maintenance ----------------------------------------------------------------------------

    async def schema_version(self) -> int:
        """Return the database's schema version (`PRAGMA user_version`)."""
        rows = await self._read("read the schema version", "PRAGMA user_version")
        return int(rows[0][0])

    async def backup(self, dest: StrPath, *, overwrite: bool = False) -> Path:
        """Copy the database to `dest` with SQLite's online backup API and return the path of the copy."""
        conn = self._connection("back up the database")
        async with self._lock:
            return await _backup_connection(conn, self._path, Path(dest), overwrite=overwrite)

    def encrypted_columns(self) -> list[tuple[str, str]]:
        """Every (table, column) that holds Fernet tokens, from the Store and all its query mixins."""
        found = [("store_meta", "value"), ("audit_log", "reason")]
        for cls in type(self).__mro__:
            for pair in vars(cls).get("ENCRYPTED", ()):
                if pair not in found:
                    found.append(pair)
        return found

    async def rotate_key(self) -> dict[str, int]:
        """Re-encrypt every encrypted field with the current (first) key, in one transaction.

        Afterwards the older keys can be dropped from the key list. Returns how many values were re-encrypted per
        "table.column". The audit log's append-only trigger is lifted for the pass and put back in the same
        transaction: the entries' content does not change, only the key it is encrypted under.
        """
        columns = self.encrypted_columns()

        async def work(conn: aiosqlite.Connection) -> dict[str, int]:
            triggers = await conn.execute_fetchall(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
            )
            for trigger in triggers:
                await conn.execute(f'DROP TRIGGER "{trigger["name"]}"')
            counts = {}
            for table, column in columns:
                rows = await conn.execute_fetchall(
                    f'SELECT rowid, "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'  # noqa: S608 - fixed names
                )
                for rowid, token in rows:
                    await conn.execute(
                        f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = ?',  # noqa: S608 - fixed names
                        (self._cipher.rotate(token), rowid),
                    )
                counts[f"{table}.{column}"] = len(rows)
            for trigger in triggers:
                await conn.execute(trigger["sql"])
            return counts

        counts = await self._write("rotate the encryption key", work)
        log.info("Re-encrypted %d values under the current key", sum(counts.values()))
        return counts

    # -- guild settings ------------------------------------------------------------------------------------

    async def get_guild_settings(self, guild_id: int) -> GuildSettings:
        """Return the guild's settings, with defaults for anything it never set."""
        require_id("guild_id", guild_id)
        cached = self._settings.get(guild_id)
        if cached is not None:
            return cached
        rows = await self._read(
            "read guild settings", "SELECT settings FROM guild_settings WHERE guild_id = ?", (guild_id,)
        )
        settings = _settings_from_json(guild_id, rows[0]["settings"]) if rows else GuildSettings()
        self._settings.setdefault(guild_id, settings)
        return self._settings[guild_id]

    async def save_guild_settings(self, guild_id: int, settings: GuildSettings) -> None:
        """Replace the guild's settings (only values that differ from the defaults are stored)."""
        require_id("guild_id", guild_id)
        params = (guild_id, _settings_to_json(settings), self._now())

        await self._execute(
            "save guild settings",
            "INSERT INTO guild_settings (guild_id, settings, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at",
            params,
        )
        self._settings[guild_id] = settings

    # -- audit log -----------------------------------------------------------------------------------------

    async def append_audit(self, entry: AuditEntry) -> AuditEntry:
        """Append `entry` to the audit log and return it with its `id` and `created_at`."""
        if entry.id is not None or entry.created_at is not None:
            raise ValueError(f"append_audit assigns id and created_at; got id={entry.id!r} on an entry to append")
        created_at = self._now()
        reason = None if entry.reason is None else self._cipher.encrypt(entry.reason)
        params = (entry.guild_id, entry.actor_id, entry.action.value, entry.subject_id, created_at, reason)

        async def work(conn: aiosqlite.Connection) -> int:
            rows = await conn.execute_fetchall(
                "INSERT INTO audit_log (guild_id, actor_id, action, subject_id, created_at, reason) "
                "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                params,
            )
            return int(next(iter(rows))[0])

        entry_id = await self._write("append to the audit log", work)
        saved = replace(entry, id=entry_id, created_at=datetime.fromtimestamp(created_at, UTC))
        for listener in self._audit_listeners:
            listener(saved)
        return saved

    def add_audit_listener(self, listener: Callable[[AuditEntry], None]) -> None:
        """Call `listener` with every entry appended from now on (after it is committed); it must not block."""
        self._audit_listeners.append(listener)

    def remove_audit_listener(self, listener: Callable[[AuditEntry], None]) -> None:
        """Stop calling `listener` (no error if it was not added)."""
        if listener in self._audit_listeners:
            self._audit_listeners.remove(listener)

    async def audit_entries(self, guild_id: int, *, limit: int = 50, subject_id: int | None = None) -> list[AuditEntry]:
        """Return the guild's newest audit entries first, optionally only those about `subject_id`."""
        require_id("guild_id", guild_id)
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit!r}")
        if subject_id is None:
            rows = await self._read(
                "read the audit log",
                "SELECT id, guild_id, actor_id, action, subject_id, created_at, reason FROM audit_log "
                "WHERE guild_id = ? ORDER BY id DESC LIMIT ?",
                (guild_id, limit),
            )
        else:
            require_id("subject_id", subject_id)
            rows = await self._read(
                "read the audit log",
                "SELECT id, guild_id, actor_id, action, subject_id, created_at, reason FROM audit_log "
                "WHERE guild_id = ? AND subject_id = ? ORDER BY id DESC LIMIT ?",
                (guild_id, subject_id, limit),
            )
        return [self._audit_entry(row) for row in rows]

    def _audit_entry(self, row: sqlite3.Row) -> AuditEntry:
        """Build an AuditEntry from an audit_log row, decrypting its reason."""
        token = row["reason"]
        return AuditEntry(
            id=row["id"],
            guild_id=row["guild_id"],
            actor_id=row["actor_id"],
            action=AuditAction(row["action"]),
            subject_id=row["subject_id"],
            created_at=datetime.fromtimestamp(row["created_at"], UTC),
            reason=None if token is None else self._cipher.decrypt(token, field="audit reason"),
        )

    # -- deletion ------------------------------------------------------------------------------------------

    async def delete_user_data(self, user_id: int, *, erase_consents_in: Collection[int] = ()) -> int:
        """Erase `user_id` from every table keyed by a user; return how many rows changed.

        The audit log is the group's record that an action happened, so its rows are kept but erased:
        the user's id becomes ERASED_USER_ID wherever they were actor or subject, and the row's encrypted
        reason (free text that may identify them) is removed. Onboarding rows, quiz progress and the user's own
        questions (cases of kind question) are deleted; where they answered a case, their id is erased. Consents
        are the group's record of who agreed to what, so they are kept unless the guild is in `erase_consents_in`,
        where the row stays but its user id is erased.
        """
        require_id("user_id", user_id)
        guilds = tuple(erase_consents_in)

        async def work(conn: aiosqlite.Connection) -> int:
            cursor = await conn.execute(
                "UPDATE audit_log SET "
                "actor_id = CASE WHEN actor_id = ? THEN ? ELSE actor_id END, "
                "subject_id = CASE WHEN subject_id = ? THEN ? ELSE subject_id END, "
                "reason = NULL "
                "WHERE actor_id = ? OR subject_id = ?",
                (user_id, ERASED_USER_ID, user_id, ERASED_USER_ID, user_id, user_id),
            )
            changed = cursor.rowcount
            changed += await self._erase_user(conn, user_id)
            for guild_id in guilds:
                cursor = await conn.execute(
                    "UPDATE consents SET user_id = ? WHERE guild_id = ? AND user_id = ?",
                    (ERASED_USER_ID, guild_id, user_id),
                )
                changed += cursor.rowcount
            return changed

        changed = await self._write("delete a user's data", work)
        log.info("Erased a user's data from %d row(s)", changed)
        return changed


def _report_orphaned_write(operation: str, task: asyncio.Task[Any]) -> None:
    """Log a write that failed after its caller had been cancelled, since no one else will see it."""
    if not task.cancelled() and (error := task.exception()) is not None:
        log.error("Could not %s after its caller was cancelled: %s: %s", operation, type(error).__name__, error)

"""Backups: SQLite's online backup API, safe while the bot writes."""

import asyncio
import sqlite3

import pytest

from models.errors import BackupFailed, DatabaseUnusable
from models.records import GuildSettings
from models.store import Store, backup
from tests.models.helpers import GUILD


def integrity(path):
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()


async def test_backup_is_consistent_while_a_writer_is_writing(tmp_path, cipher, make_entry):
    """A backup taken from another connection during a stream of writes is an intact prefix of them."""
    live = tmp_path / "live.db"
    padding = "x" * 2000  # some bulk, so the copy takes a moment
    written = 0
    stop = asyncio.Event()
    async with Store.open(live, cipher) as store:

        async def writer() -> None:
            nonlocal written
            while not stop.is_set():
                await store.append_audit(make_entry(reason=f"{written} {padding}"))
                written += 1

        task = asyncio.create_task(writer())
        while written < 300:
            await asyncio.sleep(0.001)
        started = written
        copy = await backup(live, tmp_path / "copy.db")
        finished = written
        while written < finished + 20:
            await asyncio.sleep(0.001)
        stop.set()
        await task

    assert integrity(copy) == [("ok",)]
    async with Store.open(copy, cipher) as restored:
        entries = await restored.audit_entries(GUILD, limit=10_000)
    count = len(entries)
    assert started <= count <= finished + 1
    assert [entry.id for entry in entries] == list(range(count, 0, -1))
    assert [entry.reason for entry in entries] == [f"{n} {padding}" for n in range(count - 1, -1, -1)]
    assert written > count  # the writer kept going after the snapshot


async def test_store_backup_copies_the_open_database(store, cipher, tmp_path, make_entry):
    """Store.backup writes a copy that opens with the same key and holds the same data."""
    await store.save_guild_settings(GUILD, GuildSettings(log_channel=9))
    appended = await store.append_audit(make_entry())
    copy = await store.backup(tmp_path / "copy.db")
    async with Store.open(copy, cipher) as restored:
        assert await restored.get_guild_settings(GUILD) == GuildSettings(log_channel=9)
        assert await restored.audit_entries(GUILD) == [appended]
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith("copy")) == ["copy.db"]


async def test_backup_never_overwrites_unless_asked(store, tmp_path, make_entry):
    """An existing destination raises BackupFailed and is untouched; overwrite=True replaces it."""
    dest = tmp_path / "copy.db"
    dest.write_bytes(b"an older backup")
    with pytest.raises(BackupFailed, match="already exists"):
        await store.backup(dest)
    assert dest.read_bytes() == b"an older backup"
    await store.append_audit(make_entry())
    await store.backup(dest, overwrite=True)
    assert integrity(dest) == [("ok",)]


async def test_backup_refuses_to_overwrite_the_database_itself(store, db_path):
    """Backing up onto the live database file raises BackupFailed even with overwrite=True."""
    with pytest.raises(BackupFailed, match="is the database being backed up"):
        await store.backup(db_path, overwrite=True)
    with pytest.raises(BackupFailed, match="is the database being backed up"):
        await backup(db_path, db_path, overwrite=True)


async def test_backup_reports_missing_source_and_directory(tmp_path, store, db_path):
    """A missing source database or destination directory is a clear error, and no file is left behind."""
    with pytest.raises(DatabaseUnusable, match="there is no such file"):
        await backup(tmp_path / "nope.db", tmp_path / "copy.db")
    with pytest.raises(BackupFailed, match="does not exist"):
        await backup(db_path, tmp_path / "no-dir" / "copy.db")
    assert not (tmp_path / "copy.db").exists()
    assert not (tmp_path / "nope.db").exists()

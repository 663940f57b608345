"""Migrations: numbered files applied in one transaction, tracked in PRAGMA user_version."""

import sqlite3
from pathlib import Path

import pytest

from models.crypto import FieldCipher, generate_key
from models.errors import DatabaseNewer, DatabaseUnusable, KeyMismatch, MigrationFailed, MigrationsInvalid
from models.store import Store, latest_version, load_migrations, migrate, split_statements

# The shipped schema version; test migrations are numbered after it.
SHIPPED = latest_version()


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def schema_of(path: Path) -> tuple[int, list[tuple[str, str, str]]]:
    """Return user_version and every schema object of the database at path."""
    conn = raw(path)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        objects = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    finally:
        conn.close()
    return version, objects


def write(folder: Path, name: str, body: str) -> None:
    (folder / name).write_text(f"-- Reason: test migration {name}.\n{body}", encoding="utf-8")


async def test_fresh_database_migrates_to_latest_in_wal_mode(db_path, cipher):
    """A new database is created at the newest schema version, in WAL mode, with the initial tables."""
    async with Store.open(db_path, cipher) as store:
        assert store.version_at_open == 0
        assert await store.schema_version() == latest_version() >= 1
        conn = raw(db_path)
        try:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    assert {"store_meta", "guild_settings", "audit_log"} <= tables


async def test_migrate_reports_versions_and_reopening_applies_nothing(db_path, cipher, migrations_dir):
    """`migrate` returns (before, after); a second run applies no migration again."""
    write(
        migrations_dir,
        f"{SHIPPED + 1:04d}_counter.sql",
        "CREATE TABLE counter (n INTEGER);\nINSERT INTO counter VALUES (1);\n",
    )
    assert await migrate(db_path, cipher, migrations_dir=migrations_dir) == (0, SHIPPED + 1)
    assert await migrate(db_path, cipher, migrations_dir=migrations_dir) == (SHIPPED + 1, SHIPPED + 1)
    async with Store.open(db_path, cipher, migrations_dir=migrations_dir) as store:
        assert store.version_at_open == SHIPPED + 1
    conn = raw(db_path)
    try:
        assert conn.execute("SELECT count(*) FROM counter").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM store_meta").fetchone()[0] == 1
    finally:
        conn.close()


async def test_failed_migration_leaves_database_as_it_was(db_path, cipher, migrations_dir):
    """A migration that fails rolls back every pending migration; file bytes, schema and version are unchanged."""
    await migrate(db_path, cipher, migrations_dir=migrations_dir)
    write(
        migrations_dir, f"{SHIPPED + 1:04d}_good.sql", "CREATE TABLE good (x INTEGER);\nINSERT INTO good VALUES (1);\n"
    )
    write(migrations_dir, f"{SHIPPED + 2:04d}_also_good.sql", "ALTER TABLE audit_log ADD COLUMN extra TEXT;\n")
    write(
        migrations_dir,
        f"{SHIPPED + 3:04d}_broken.sql",
        "CREATE TABLE fine (x);\nINSERT INTO no_such_table VALUES (1);\n",
    )
    schema_before = schema_of(db_path)
    bytes_before = db_path.read_bytes()

    with pytest.raises(MigrationFailed) as caught:
        await Store.open(db_path, cipher, migrations_dir=migrations_dir)

    message = str(caught.value)
    assert f"{SHIPPED + 3:04d}_broken.sql" in message
    assert "statement 2" in message
    assert "no such table: no_such_table" in message
    assert f"still at schema version {SHIPPED}" in message
    assert schema_of(db_path) == schema_before
    assert schema_before[0] == SHIPPED
    assert db_path.read_bytes() == bytes_before
    assert sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith(db_path.name)) == [db_path.name]


async def test_failed_migration_on_a_new_database_leaves_it_empty(db_path, cipher, migrations_dir):
    """When the very first upgrade fails, the database has no tables and version 0, and a fixed run succeeds."""
    write(migrations_dir, f"{SHIPPED + 1:04d}_broken.sql", "CREATE TABLE t (x);\nTHIS IS NOT SQL;\n")
    with pytest.raises(MigrationFailed, match=f"{SHIPPED + 1:04d}_broken.sql"):
        await Store.open(db_path, cipher, migrations_dir=migrations_dir)
    assert schema_of(db_path) == (0, [])

    write(migrations_dir, f"{SHIPPED + 1:04d}_broken.sql", "CREATE TABLE t (x);\n")
    assert await migrate(db_path, cipher, migrations_dir=migrations_dir) == (0, SHIPPED + 1)


async def test_database_newer_than_the_code_is_refused(db_path, cipher, migrations_dir):
    """A database at a version above the newest migration raises DatabaseNewer naming both versions."""
    write(migrations_dir, f"{SHIPPED + 1:04d}_future.sql", "CREATE TABLE future (x);\n")
    await migrate(db_path, cipher, migrations_dir=migrations_dir)
    with pytest.raises(
        DatabaseNewer, match=rf"\[S005\] .* schema version {SHIPPED + 1}, .* up to version {SHIPPED}\. Upgrade"
    ):
        await Store.open(db_path, cipher)
    assert schema_of(db_path)[0] == SHIPPED + 1


async def test_wrong_key_is_detected_at_open_before_migrating(db_path, cipher, migrations_dir):
    """Opening with a different key raises KeyMismatch naming the key's source, and applies no migration."""
    await migrate(db_path, cipher)
    write(migrations_dir, f"{SHIPPED + 1:04d}_more.sql", "CREATE TABLE more (x);\n")
    wrong = FieldCipher.from_env("CONFIDANT_KEY", environ={"CONFIDANT_KEY": generate_key()})
    with pytest.raises(KeyMismatch) as caught:
        await Store.open(db_path, wrong, migrations_dir=migrations_dir)
    message = str(caught.value)
    assert message.startswith("[S003] The key from the environment variable CONFIDANT_KEY does not match")
    assert str(db_path) in message
    assert schema_of(db_path)[0] == SHIPPED


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        ({"1_initial.sql": "CREATE TABLE a (x);"}, "is not named NNNN_description.sql"),
        ({"0001-initial.sql": "CREATE TABLE a (x);"}, "is not named NNNN_description.sql"),
        ({"0001_a.sql": "CREATE TABLE a (x);", "0003_c.sql": "CREATE TABLE c (x);"}, "found 0001, 0003"),
        ({"0001_a.sql": "CREATE TABLE a (x);", "0001_b.sql": "CREATE TABLE b (x);"}, "found 0001, 0001"),
        ({"0001_a.sql": "CREATE TABLE a (x);\nCOMMIT;"}, "controls the transaction itself"),
        ({"0001_a.sql": "BEGIN TRANSACTION;\nCREATE TABLE a (x);"}, "controls the transaction itself"),
        ({"0001_a.sql": "/* c */ VACUUM;"}, "controls the transaction itself"),
    ],
)
def test_malformed_migration_files_are_rejected(tmp_path, files, problem):
    """Badly named, gapped, duplicated or transaction-controlling migrations raise MigrationsInvalid."""
    for name, body in files.items():
        write(tmp_path, name, body)
    with pytest.raises(MigrationsInvalid, match=problem):
        load_migrations(tmp_path)


def test_migration_without_a_reason_line_is_rejected(tmp_path):
    """A migration file must start with `-- Reason:`."""
    (tmp_path / "0001_initial.sql").write_text("CREATE TABLE a (x);\n", encoding="utf-8")
    with pytest.raises(MigrationsInvalid, match="does not start with a `-- Reason:` line"):
        load_migrations(tmp_path)


def test_empty_or_missing_migrations_directory_is_rejected(tmp_path):
    """No migration files, or no directory, raises MigrationsInvalid."""
    with pytest.raises(MigrationsInvalid, match="no NNNN_description.sql files"):
        load_migrations(tmp_path)
    with pytest.raises(MigrationsInvalid, match="does not exist"):
        load_migrations(tmp_path / "missing")


def test_shipped_migrations_are_valid():
    """Every shipped migration loads and starts with its reason."""
    migrations = load_migrations()
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    assert migrations[0].name == "0001_initial.sql"


def test_split_statements_keeps_strings_comments_and_trigger_bodies_whole():
    """Semicolons inside strings, comments and trigger bodies do not split a statement."""
    script = (
        "-- Reason: splitting.\n"
        "CREATE TABLE a (x TEXT DEFAULT 'semi;colon'); -- a comment; with a semicolon\n"
        "/* block; comment */ CREATE TABLE b (y);\n"
        "CREATE TRIGGER t AFTER INSERT ON a BEGIN INSERT INTO b VALUES (1); INSERT INTO b VALUES (2); END;\n"
        "INSERT INTO a VALUES ('x')\n"
        "-- trailing comment only\n"
    )
    statements = split_statements(script)
    assert len(statements) == 4
    assert statements[0].endswith("DEFAULT 'semi;colon');")
    assert statements[2].startswith("CREATE TRIGGER")
    assert statements[2].endswith("END;")
    assert statements[3].startswith("INSERT INTO a VALUES ('x')")


async def test_another_applications_database_is_refused(db_path, cipher):
    """A database with foreign tables at version 0 raises DatabaseUnusable and is left alone."""
    conn = raw(db_path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.close()
    with pytest.raises(DatabaseUnusable, match="another application's tables"):
        await Store.open(db_path, cipher)
    assert schema_of(db_path) == (0, [("table", "recipes", "CREATE TABLE recipes (name TEXT)")])


async def test_a_file_that_is_not_a_database_is_refused(db_path, cipher):
    """A non-SQLite file raises DatabaseUnusable saying SQLite cannot read it."""
    db_path.write_bytes(b"this is a text file, not a database\n" * 200)
    with pytest.raises(DatabaseUnusable, match="SQLite cannot read it"):
        await Store.open(db_path, cipher)


async def test_audit_log_refuses_updates_other_than_erasure(db_path, cipher):
    """The database itself rejects changing an audit row, and allows only erasing its people and reason."""
    await migrate(db_path, cipher)
    conn = raw(db_path)
    try:
        conn.execute(
            "INSERT INTO audit_log (guild_id, actor_id, action, subject_id, created_at, reason) "
            "VALUES (1, 2, 'strike', 3, 100, x'00')"
        )
        for change in ("action = 'reveal'", "created_at = 5", "actor_id = 9", "subject_id = 9", "reason = x'01'"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(f"UPDATE audit_log SET {change}")  # noqa: S608
        conn.execute("UPDATE audit_log SET actor_id = 0, subject_id = 0, reason = NULL")
        assert conn.execute("SELECT actor_id, subject_id, reason FROM audit_log").fetchall() == [(0, 0, None)]
    finally:
        conn.close()

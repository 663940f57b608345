"""Store: guild settings, the audit log, encryption at rest, deletion and clean shutdown."""

import asyncio
import inspect
import logging
import sqlite3
from datetime import UTC, datetime

import pytest

from models.crypto import FieldCipher, generate_key
from models.errors import KeyMismatch, StoreClosed
from models.records import (
    ERASED_USER_ID,
    AuditAction,
    AuditEntry,
    BreachSource,
    CaseKind,
    FlagSource,
    FlagSpan,
    GuildSettings,
    TermKind,
)
from models.store import Store
from tests.models.helpers import GUILD, MEMBER, MODERATOR, OTHER_GUILD, OTHER_MEMBER

SECRET = "Maria Lopez, the nurse at St Jude's on Elm Street, 555-0142"


def raw_rows(path, sql, params=()):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


# -- guild settings ------------------------------------------------------------------------------------------


async def test_unknown_guild_gets_the_declared_defaults(store):
    """A guild that never saved settings reads the GuildSettings defaults."""
    assert await store.get_guild_settings(GUILD) == GuildSettings()
    assert GuildSettings().monitored_channels == ()
    assert GuildSettings().log_channel is None


async def test_guild_settings_round_trip_per_guild(store, db_path, clock):
    """Saved settings read back equal, stay per guild, and record the clock's time."""
    settings = GuildSettings(member_role=10, moderator_role=11, log_channel=12, monitored_channels=(13, 14))
    await store.save_guild_settings(GUILD, settings)
    clock.advance(60)
    await store.save_guild_settings(GUILD, GuildSettings(member_role=20, monitored_channels=[21]))

    assert await store.get_guild_settings(GUILD) == GuildSettings(member_role=20, monitored_channels=(21,))
    assert await store.get_guild_settings(OTHER_GUILD) == GuildSettings()
    stored = raw_rows(db_path, "SELECT settings, updated_at FROM guild_settings")
    assert stored == [('{"member_role": 20, "monitored_channels": [21]}', int(clock.now.timestamp()))]


async def test_stored_settings_fall_back_to_defaults_field_by_field(store, db_path, caplog):
    """Missing, unknown and invalid stored fields read as the defaults; only the invalid one is warned about."""
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO guild_settings VALUES (?, ?, 0)",
        (GUILD, '{"log_channel": 5, "from_the_future": true, "gate_channel": "welcome"}'),
    )
    conn.commit()
    conn.close()
    with caplog.at_level(logging.WARNING, logger="models.store"):
        settings = await store.get_guild_settings(GUILD)
    assert settings == GuildSettings(log_channel=5)
    assert [record.getMessage() for record in caplog.records] == [
        f"Guild {GUILD} settings: field gate_channel holds an invalid value; using the default"
    ]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"log_channel": "mod-log"}, "log_channel"),
        ({"member_role": 0}, "member_role"),
        ({"moderator_role": True}, "moderator_role"),
        ({"monitored_channels": "general"}, "monitored_channels"),
        ({"monitored_channels": (1, -2)}, "monitored_channels item"),
    ],
)
def test_guild_settings_reject_invalid_values_naming_the_field(kwargs, field):
    """Constructing GuildSettings with a bad id raises ValueError naming the field."""
    with pytest.raises(ValueError, match=field):
        GuildSettings(**kwargs)


# -- audit log -----------------------------------------------------------------------------------------------


async def test_append_audit_assigns_id_and_clock_time(store, make_entry, clock):
    """Appending returns the entry with a new id and the store clock's time."""
    first = await store.append_audit(make_entry())
    clock.advance(90)
    second = await store.append_audit(make_entry(action=AuditAction.STRIKE, reason=None))
    assert first.id is not None and second.id == first.id + 1
    assert first.created_at == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert second.created_at == datetime(2025, 1, 2, 3, 5, 35, tzinfo=UTC)
    assert second.reason is None


async def test_audit_entries_are_newest_first_limited_and_per_guild(store, make_entry):
    """Listing returns one guild's entries newest first, up to the limit, optionally about one subject."""
    appended = [
        await store.append_audit(make_entry(action=action, subject_id=subject))
        for action, subject in [
            (AuditAction.CONSENT, MEMBER),
            (AuditAction.FLAG_DECISION, OTHER_MEMBER),
            (AuditAction.STRIKE, MEMBER),
            (AuditAction.SETTING_CHANGED, None),
        ]
    ]
    await store.append_audit(make_entry(guild_id=OTHER_GUILD))

    assert await store.audit_entries(GUILD) == appended[::-1]
    assert await store.audit_entries(GUILD, limit=2) == appended[:1:-1]
    assert await store.audit_entries(GUILD, subject_id=MEMBER) == [appended[2], appended[0]]
    assert [entry.guild_id for entry in await store.audit_entries(OTHER_GUILD)] == [OTHER_GUILD]
    with pytest.raises(ValueError, match="limit"):
        await store.audit_entries(GUILD, limit=0)


async def test_action_is_stored_as_the_enum_value(store, db_path, make_entry):
    """The database holds the AuditAction's value, and reads turn it back into the enum."""
    await store.append_audit(make_entry(action=AuditAction.CASE_STATUS))
    assert raw_rows(db_path, "SELECT action FROM audit_log") == [("case_status",)]
    assert (await store.audit_entries(GUILD))[0].action is AuditAction.CASE_STATUS


async def test_append_audit_rejects_an_entry_that_already_has_an_id(store, make_entry):
    """An entry read back from the log cannot be appended again."""
    stored = await store.append_audit(make_entry())
    with pytest.raises(ValueError, match="assigns id and created_at"):
        await store.append_audit(stored)


def test_only_the_deletion_path_updates_or_deletes_audit_rows():
    """Only delete_user_data (erasure) and rotate_key (same content, new key) issue UPDATE or DELETE on audit_log."""
    changers = set()
    for name, member in inspect.getmembers(Store, inspect.isfunction):
        source = inspect.getsource(member)
        if not name.startswith("_") and "audit_log" in source and ("UPDATE" in source or "DELETE" in source):
            changers.add(name)
    assert changers == {"delete_user_data", "rotate_key"}
    assert {name for name, _ in inspect.getmembers(Store) if "audit" in name and not name.startswith("_")} == {
        "add_audit_listener",
        "append_audit",
        "audit_entries",
        "remove_audit_listener",
    }


# -- encryption at rest --------------------------------------------------------------------------------------


async def test_sensitive_text_is_ciphertext_on_disk_but_reads_back(db_path, cipher, make_entry):
    """Audit reasons are encrypted in the database file and its WAL, and the store returns the plaintext."""
    async with Store.open(db_path, cipher) as store:
        for _ in range(3):
            await store.append_audit(make_entry(reason=SECRET))
        assert [entry.reason for entry in await store.audit_entries(GUILD)] == [SECRET] * 3
        files = {path.name: path.read_bytes() for path in db_path.parent.iterdir()}
        wal = files[f"{db_path.name}-wal"]
        assert b"reveal" in wal  # the scan does see clear-text columns, so it would see a clear-text reason
        for name, data in files.items():
            for needle in (SECRET, "Maria Lopez", "555-0142"):
                assert needle.encode("utf-8") not in data, name
                assert needle.encode("utf-16-le") not in data, name
    after_close = db_path.read_bytes()
    assert b"reveal" in after_close
    assert b"Maria Lopez" not in after_close


async def test_a_new_then_old_key_list_reads_data_written_with_the_old_key(db_path, make_entry):
    """After rotating to `new, old`, old reasons decrypt and new ones use the new key; `new` alone is refused."""
    old, new = generate_key(), generate_key()
    async with Store.open(db_path, FieldCipher([old])) as store:
        await store.append_audit(make_entry(reason="written with the old key"))
    async with Store.open(db_path, FieldCipher([new, old])) as store:
        await store.append_audit(make_entry(reason="written with the new key"))
        reasons = [entry.reason for entry in await store.audit_entries(GUILD)]
    assert reasons == ["written with the new key", "written with the old key"]
    newest_token = raw_rows(db_path, "SELECT reason FROM audit_log ORDER BY id DESC LIMIT 1")[0][0]
    assert FieldCipher([new]).decrypt(newest_token) == "written with the new key"
    # Old rows (and the key check) are still under the old key until a re-encryption pass exists.
    with pytest.raises(KeyMismatch):
        await Store.open(db_path, FieldCipher([new]))


# -- deletion ------------------------------------------------------------------------------------------------


async def test_delete_user_data_erases_the_user_from_the_audit_log(store, db_path, make_entry):
    """The user's id and those rows' reasons are erased; other users' rows and the actions themselves remain."""
    await store.append_audit(make_entry(subject_id=MEMBER, reason=SECRET))
    await store.append_audit(make_entry(actor_id=MEMBER, subject_id=OTHER_MEMBER, action=AuditAction.CONSENT))
    untouched = await store.append_audit(make_entry(subject_id=OTHER_MEMBER, reason="about someone else"))

    assert await store.delete_user_data(MEMBER) == 2
    assert await store.delete_user_data(MEMBER) == 0

    mentions = raw_rows(
        db_path, "SELECT count(*) FROM audit_log WHERE actor_id = ? OR subject_id = ?", (MEMBER, MEMBER)
    )
    assert mentions == [(0,)]
    entries = await store.audit_entries(GUILD)
    assert entries[0] == untouched
    assert (entries[1].actor_id, entries[1].subject_id, entries[1].reason) == (ERASED_USER_ID, OTHER_MEMBER, None)
    assert (entries[2].actor_id, entries[2].subject_id, entries[2].reason) == (MODERATOR, ERASED_USER_ID, None)
    assert [entry.action for entry in entries] == [AuditAction.REVEAL, AuditAction.CONSENT, AuditAction.REVEAL]


async def test_erased_ciphertext_does_not_linger_in_the_file(db_path, cipher, make_entry):
    """With secure_delete on, erased reasons' ciphertext is gone from the file, not left in free space."""
    async with Store.open(db_path, cipher) as store:
        for n in range(40):
            subject = MEMBER if n % 2 else OTHER_MEMBER
            await store.append_audit(make_entry(subject_id=subject, reason=f"reason {n} {'y' * 300}"))
    erased = [row[0] for row in raw_rows(db_path, "SELECT reason FROM audit_log WHERE subject_id = ?", (MEMBER,))]
    kept = [row[0] for row in raw_rows(db_path, "SELECT reason FROM audit_log WHERE subject_id != ?", (MEMBER,))]
    async with Store.open(db_path, cipher) as store:
        assert await store.delete_user_data(MEMBER) == 20
    data = db_path.read_bytes()
    assert all(token in data for token in kept)
    assert [token for token in erased if token in data] == []


async def test_delete_user_data_rejects_a_non_id(store):
    """Deleting data for 0 (the erased marker) or a non-integer raises ValueError."""
    for bad in (ERASED_USER_ID, "444", None):
        with pytest.raises(ValueError, match="user_id"):
            await store.delete_user_data(bad)


# -- clean shutdown ------------------------------------------------------------------------------------------


async def test_close_waits_for_writes_in_flight(db_path, cipher, make_entry):
    """Writes started before close() are committed before the connection closes."""
    store = await Store.open(db_path, cipher)
    writes = [asyncio.create_task(store.append_audit(make_entry(reason=f"write {n}"))) for n in range(20)]
    await asyncio.sleep(0)  # let every write start
    await store.close()
    assert all(write.done() and write.result().id is not None for write in writes)
    async with Store.open(db_path, cipher) as reopened:
        reasons = {entry.reason for entry in await reopened.audit_entries(GUILD, limit=100)}
    assert reasons == {f"write {n}" for n in range(20)}


async def test_a_started_write_commits_even_if_its_caller_is_cancelled(db_path, cipher, make_entry):
    """Cancelling the task that asked for a write (as shutdown does) does not lose the write."""
    store = await Store.open(db_path, cipher)
    write = asyncio.create_task(store.append_audit(make_entry(reason="accepted report")))
    await asyncio.sleep(0)
    write.cancel()
    with pytest.raises(asyncio.CancelledError):
        await write
    await store.close()
    async with Store.open(db_path, cipher) as reopened:
        assert [entry.reason for entry in await reopened.audit_entries(GUILD)] == ["accepted report"]


async def test_a_closed_store_refuses_every_call(db_path, cipher, make_entry, tmp_path):
    """After close(), every method raises StoreClosed saying what was refused; closing again is fine."""
    store = await Store.open(db_path, cipher)
    await asyncio.gather(store.close(), store.close())
    await store.close()
    assert store.closed
    calls = [
        store.schema_version(),
        store.get_guild_settings(GUILD),
        store.save_guild_settings(GUILD, GuildSettings()),
        store.append_audit(make_entry()),
        store.audit_entries(GUILD),
        store.delete_user_data(MEMBER),
        store.backup(tmp_path / "copy.db"),
    ]
    for call in calls:
        with pytest.raises(StoreClosed, match=r"\[S006\] The store is closed, so it cannot "):
            await call


async def test_a_naive_clock_is_rejected(db_path, cipher, make_entry):
    """A clock returning naive datetimes raises ValueError instead of storing local time as UTC."""
    async with Store.open(db_path, cipher, clock=datetime.now) as store:
        with pytest.raises(ValueError, match="timezone-aware"):
            await store.append_audit(make_entry())


def test_audit_entry_validates_its_values():
    """AuditEntry rejects unknown actions and bad ids, and accepts an action's stored value."""
    assert AuditEntry(guild_id=GUILD, actor_id=MODERATOR, action="strike").action is AuditAction.STRIKE
    with pytest.raises(ValueError, match="action must be one of"):
        AuditEntry(guild_id=GUILD, actor_id=MODERATOR, action="ban")
    with pytest.raises(ValueError, match="guild_id"):
        AuditEntry(guild_id=0, actor_id=MODERATOR, action=AuditAction.STRIKE)
    with pytest.raises(ValueError, match="actor_id"):
        AuditEntry(guild_id=GUILD, actor_id=None, action=AuditAction.STRIKE)


async def test_rotate_key_re_encrypts_everything_so_the_old_key_can_go(db_path, clock) -> None:
    """After rotating, every encrypted value opens with the new key alone; content and the audit log are unchanged."""
    old, new = generate_key(), generate_key()
    async with Store.open(db_path, FieldCipher([old]), clock=clock) as store:
        await store.append_audit(AuditEntry(guild_id=1, actor_id=2, action=AuditAction.REVEAL, reason="flag 1"))
        await store.open_case(1, CaseKind.QUESTION, 2, "a private question")
        await store.record_flag(
            guild_id=1, channel_id=3, message_id=4, author_id=2, source=FlagSource.MESSAGE, risk=0.9,
            spans=(FlagSpan("PHONE", 0, 5, "phone"),), text="07700 900123",
        )  # fmt: skip
        await store.record_breach(1, 2, BreachSource.COMMAND, None, 5, reason="why")
        await store.add_guild_term(1, TermKind.DENY, "Elm Hall", 5, "LOCATION")
        salt = await store.protection_salt()
    async with Store.open(db_path, FieldCipher([new, old]), clock=clock) as store:
        counts = await store.rotate_key()
        assert counts["audit_log.reason"] == 1 and counts["flags.text"] == 1 and counts["store_meta.value"] >= 2
    async with Store.open(db_path, FieldCipher([new]), clock=clock) as store:  # the old key is gone
        assert (await store.audit_entries(1))[0].reason == "flag 1"
        assert (await store.case(1, 1)).text == "a private question"
        assert (await store.flag_for_message(1, 4)).text == "07700 900123"
        assert (await store.breaches(1, 2))[0].reason == "why"
        assert [t.term for t in await store.guild_terms(1)] == ["Elm Hall"]
        assert await store.protection_salt() == salt
        with pytest.raises(Exception, match="append-only"):  # the trigger is back
            await store._execute("tamper", "UPDATE audit_log SET reason = x'00'")


async def test_private_threads_are_remembered_replaced_and_erased(store: Store) -> None:
    """One private thread per member and guild; a new one replaces it; erasure forgets it."""
    assert await store.private_thread(1, 2) is None
    await store.remember_private_thread(1, 2, 30)
    await store.remember_private_thread(1, 2, 31)
    await store.remember_private_thread(5, 2, 40)
    assert (await store.private_thread(1, 2), await store.private_thread(5, 2)) == (31, 40)
    await store.delete_user_data(2)
    assert await store.private_thread(1, 2) is None and await store.private_thread(5, 2) is None

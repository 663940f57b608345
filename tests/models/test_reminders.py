"""Scheduled reminders in the Store: adding, listing, removing, and claiming each due slot exactly once."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from models.crypto import FieldCipher
from models.records import ERASED_USER_ID, GuildSettings
from models.reminders import MAX_REMINDERS
from models.store import Store
from tests.models.helpers import GUILD, MODERATOR, OTHER_GUILD

CHANNEL = 666666666666666666


async def add(store: Store, *, next_at: datetime, guild: int = GUILD, **overrides: object):
    values: dict[str, object] = {"every": 6, "unit": "hours", "at_minute": None, "text": None}
    values.update(overrides)
    return await store.add_channel_reminder(guild, CHANNEL, next_at=next_at, created_by=MODERATOR, **values)  # type: ignore[arg-type]


async def test_a_reminder_is_added_listed_and_removed_per_guild(store, clock):
    """Reminders belong to their guild: listed there only, and removable there only."""
    due = clock.now + timedelta(hours=6)
    first = await add(store, next_at=due, text="Be kind: what's said here stays here.")
    daily = await add(store, next_at=due, unit="days", every=1, at_minute=9 * 60)
    elsewhere = await add(store, next_at=due, guild=OTHER_GUILD)
    assert [r.id for r in await store.channel_reminders(GUILD)] == [first.id, daily.id]
    assert first.text == "Be kind: what's said here stays here." and first.next_at == due and first.posts == 0
    assert daily.at_minute == 540 and daily.unit == "days" and daily.text is None
    assert await store.remove_channel_reminder(GUILD, elsewhere.id) is None
    assert (await store.remove_channel_reminder(GUILD, first.id)).id == first.id
    assert [r.id for r in await store.channel_reminders(GUILD)] == [daily.id]
    assert [r.id for r in await store.channel_reminders(OTHER_GUILD)] == [elsewhere.id]


async def test_a_guild_has_at_most_so_many_reminders(store, clock):
    """The reminder past the limit is refused with ValueError, and not stored."""
    for _ in range(MAX_REMINDERS):
        await add(store, next_at=clock.now)
    with pytest.raises(ValueError, match="at most"):
        await add(store, next_at=clock.now)
    assert len(await store.channel_reminders(GUILD)) == MAX_REMINDERS


@pytest.mark.parametrize(
    "overrides",
    [{"unit": "weeks"}, {"unit": "days", "at_minute": None}, {"at_minute": 60}, {"every": 0},
     {"unit": "days", "at_minute": 1440}],
)  # fmt: skip
async def test_malformed_reminders_are_refused(store, clock, overrides):
    """A schedule of the wrong shape raises ValueError before anything is written."""
    with pytest.raises(ValueError):
        await add(store, next_at=clock.now, **overrides)
    assert await store.channel_reminders(GUILD) == []


async def test_only_reminders_at_or_before_now_are_due(store, clock):
    """due_channel_reminders lists what is due by the Store's clock (or a given time), earliest first."""
    later = await add(store, next_at=clock.now + timedelta(minutes=1))
    now = await add(store, next_at=clock.now)
    earlier = await add(store, next_at=clock.now - timedelta(hours=1))
    assert [r.id for r in await store.due_channel_reminders()] == [earlier.id, now.id]
    assert [r.id for r in await store.due_channel_reminders(clock.now + timedelta(minutes=1))] == [
        earlier.id, now.id, later.id,
    ]  # fmt: skip


async def test_a_slot_is_claimed_once_however_many_claim_it(store, clock):
    """Of several claims of one due slot, racing, exactly one succeeds; the slot moves on and posts count one."""
    reminder = await add(store, next_at=clock.now)
    (due,) = await store.due_channel_reminders()
    following = due.next_at + timedelta(hours=6)
    results = await asyncio.gather(*(store.claim_channel_reminder(due, following) for _ in range(5)))
    assert sorted(results) == [False, False, False, False, True]
    (after,) = await store.channel_reminders(GUILD)
    assert after.id == reminder.id and after.next_at == following and after.posts == 1
    assert await store.due_channel_reminders() == []
    assert not await store.claim_channel_reminder(due, following + timedelta(hours=6))  # a stale read claims nothing


async def test_a_claim_must_move_the_slot_forward(store, clock):
    """Claiming with a next slot not after the current one is a caller's bug: ValueError."""
    reminder = await add(store, next_at=clock.now)
    with pytest.raises(ValueError):
        await store.claim_channel_reminder(reminder, reminder.next_at)


async def test_posting_is_recorded(store, clock):
    """mark_channel_reminder_posted sets last_posted_at (the Store's clock by default)."""
    reminder = await add(store, next_at=clock.now)
    await store.mark_channel_reminder_posted(reminder.id)
    (after,) = await store.channel_reminders(GUILD)
    assert after.last_posted_at == clock.now.replace(microsecond=0)


async def test_due_reminders_survive_a_restart_and_claim_once(db_path, cipher, clock):
    """A slot that came due while the bot was down is due after reopening, and claimed by one of two stores."""
    async with Store.open(db_path, cipher, clock=clock) as store:
        reminder = await add(store, next_at=clock.now + timedelta(hours=1))
    clock.advance(3 * 86400)  # down for three days: twelve slots missed
    async with Store.open(db_path, cipher, clock=clock) as first, Store.open(db_path, cipher, clock=clock) as second:
        due_first, due_second = await first.due_channel_reminders(), await second.due_channel_reminders()
        assert [r.id for r in due_first] == [r.id for r in due_second] == [reminder.id]
        following = clock.now + timedelta(hours=2)
        claims = await asyncio.gather(
            first.claim_channel_reminder(due_first[0], following),
            second.claim_channel_reminder(due_second[0], following),
        )
        assert sorted(claims) == [False, True]
        assert await first.due_channel_reminders() == []


async def test_rescheduling_sets_the_next_slot(store, clock):
    """reschedule_channel_reminder moves the next slot outright (after a time zone change)."""
    reminder = await add(store, next_at=clock.now, unit="days", every=1, at_minute=0)
    moved = datetime(2025, 2, 1, 8, 0, tzinfo=UTC)
    await store.reschedule_channel_reminder(reminder.id, moved)
    assert (await store.channel_reminders(GUILD))[0].next_at == moved


async def test_deleting_a_moderators_data_keeps_their_reminders(store, clock):
    """The reminder stays with its channel; the id of whoever added it is erased."""
    await add(store, next_at=clock.now)
    await store.delete_user_data(MODERATOR)
    (after,) = await store.channel_reminders(GUILD)
    assert after.created_by == ERASED_USER_ID


def test_guild_settings_take_an_iana_time_zone():
    """timezone defaults to UTC, takes IANA names, and refuses anything else naming it."""
    assert GuildSettings().timezone == "UTC"
    assert GuildSettings(timezone="Europe/London").timezone == "Europe/London"
    for bad in ("Mars/Olympus", "", 3, " Europe/London"):
        with pytest.raises(ValueError, match="timezone"):
            GuildSettings(timezone=bad)


async def test_the_time_zone_is_saved_with_the_guild_settings(store):
    """A saved timezone reads back."""
    await store.save_guild_settings(GUILD, GuildSettings(timezone="America/New_York"))
    assert (await store.get_guild_settings(GUILD)).timezone == "America/New_York"


def test_cipher_is_not_needed_for_reminder_text(cipher: FieldCipher):
    """ChannelReminder texts are posted to a channel, so they are stored in the clear: no encrypted column is declared."""
    from models.reminders import ReminderQueries

    assert not getattr(ReminderQueries, "ENCRYPTED", ())
